"""Customer, order and public order-page URLs, in the "orders" namespace (the names
they had before these pages moved here)."""

from django.urls import path

from pages import (
    agreement_views,
    confirmation_views,
    customer_views,
    public_views,
    quote_portal_views,
    quote_views,
)
from pages import order_views as views

app_name = "orders"

urlpatterns = [
    path("customers/", customer_views.customer_list, name="customer_list"),
    path("customers/new/", customer_views.customer_new, name="customer_new"),
    path("customers/<int:pk>/", customer_views.customer_detail, name="customer_detail"),
    path(
        "customers/<int:pk>/edit/", customer_views.customer_edit, name="customer_edit"
    ),
    path("orders/", views.order_list, name="order_list"),
    path("orders/new/", views.order_new, name="order_new"),
    path("quotes/new/", views.quote_new, name="quote_new"),
    path(
        "quotes/<str:number>/order/",
        quote_views.order_from_quote,
        name="order_from_quote",
    ),
    path("quotes/<str:number>/renew/", quote_views.quote_renew, name="quote_renew"),
    path(
        "quotes/<str:number>/pdf/",
        quote_portal_views.quote_pdf_download,
        name="quote_pdf",
    ),
    path(
        "quotes/<str:number>/links/", quote_portal_views.quote_link, name="quote_link"
    ),
    path(
        "orders/<str:number>/quote-differences/<int:pk>/",
        quote_views.quote_difference,
        name="quote_difference",
    ),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/edit/", views.order_edit, name="order_edit"),
    path(
        "orders/<str:number>/requirements/add/",
        views.requirement_add,
        name="requirement_add",
    ),
    path(
        "orders/<str:number>/requirements/<int:pk>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path(
        "orders/<str:number>/files/<int:pk>/",
        views.requirement_file,
        name="requirement_file",
    ),
    path(
        "orders/<str:number>/revisions/<int:revision>/confirmation/",
        confirmation_views.revision_confirmation,
        name="revision_confirmation",
    ),
    path("orders/<str:number>/portal-link/", views.portal_link, name="portal_link"),
    path(
        "orders/<str:number>/customer-answer/",
        agreement_views.agreement_record,
        name="agreement_record",
    ),
    path(
        "orders/<str:number>/close-declined/",
        agreement_views.order_close_declined,
        name="order_close_declined",
    ),
    path("portal/<str:token>/", public_views.portal, name="portal"),
    path(
        "agreement/<str:token>/",
        agreement_views.agreement_portal,
        name="agreement_portal",
    ),
    path(
        "quote/<str:token>/",
        quote_portal_views.quote_portal_page,
        name="quote_portal",
    ),
    path(
        "catalog/<slug:form_slug>/request/",
        public_views.catalog_request,
        name="catalog_request",
    ),
]
