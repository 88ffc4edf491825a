"""The API (/api/v1/...), its schema and docs, and the page of a person's tokens,
in the "api" namespace."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import (
    change_orders,
    common,
    communication_files,
    communications,
    customers,
    order_writes,
    orderforms,
    orders,
    records,
    revisions,
    tokens,
    uploads,
)

app_name = "api"


class SwaggerDocs(SpectacularSwaggerSplitView):
    # Its script comes from a URL of ours, not inline: the CSP allows 'self' only.
    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SwaggerDocs.as_view(url_name="api:schema"), name="docs"),
    path("v1/customers/", customers.CustomerList.as_view(), name="customer_list"),
    path(
        "v1/customers/<int:pk>/",
        customers.CustomerDetail.as_view(),
        name="customer_detail",
    ),
    path(
        "v1/order-forms/",
        orderforms.PublishedFormList.as_view(),
        name="order_form_list",
    ),
    path(
        "v1/order-forms/<slug:slug>/versions/<int:number>/",
        orderforms.FormVersionDetail.as_view(),
        name="order_form_version",
    ),
    path("v1/orders/", orders.OrderList.as_view(), name="order_list"),
    path("v1/orders/<str:number>/", orders.OrderDetail.as_view(), name="order_detail"),
    path(
        "v1/orders/<str:number>/submit/",
        order_writes.OrderSubmit.as_view(),
        name="order_submit",
    ),
    path(
        "v1/orders/<str:number>/files/<slug:key>/",
        uploads.OrderFileUpload.as_view(),
        name="order_file_upload",
    ),
    path(
        "v1/orders/<str:number>/lines/<str:line>/files/<slug:key>/",
        uploads.OrderLineFileUpload.as_view(),
        name="order_line_file_upload",
    ),
    path(
        "v1/orders/<str:number>/change-orders/",
        change_orders.ChangeOrderList.as_view(),
        name="change_order_list",
    ),
    path(
        "v1/orders/<str:number>/change-orders/<int:revision>/",
        change_orders.ChangeOrderDetail.as_view(),
        name="change_order_detail",
    ),
    path(
        "v1/orders/<str:number>/change-orders/<int:revision>/submit/",
        change_orders.ChangeOrderSubmit.as_view(),
        name="change_order_submit",
    ),
    path(
        "v1/orders/<str:number>/change-orders/<int:revision>/files/<slug:key>/",
        change_orders.ChangeOrderFileUpload.as_view(),
        name="change_order_file_upload",
    ),
    path(
        "v1/orders/<str:number>/change-orders/<int:revision>/lines/<str:line>/"
        "files/<slug:key>/",
        change_orders.ChangeOrderLineFileUpload.as_view(),
        name="change_order_line_file_upload",
    ),
    path(
        "v1/communications/",
        communications.CommunicationList.as_view(),
        name="communication_list",
    ),
    path(
        "v1/communications/<int:pk>/",
        communications.CommunicationDetail.as_view(),
        name="communication_detail",
    ),
    path(
        "v1/communications/<int:pk>/attachments/",
        communication_files.AttachmentAdd.as_view(),
        name="communication_attachment_add",
    ),
    path(
        "v1/communications/<int:pk>/attachments/<int:attachment_id>/",
        communication_files.AttachmentDownload.as_view(),
        name="communication_attachment",
    ),
    path(
        "v1/orders/<str:number>/revisions/",
        revisions.RevisionList.as_view(),
        name="revision_list",
    ),
    path(
        "v1/orders/<str:number>/revisions/<int:revision>/",
        revisions.RevisionDetail.as_view(),
        name="revision_detail",
    ),
    path(
        "v1/orders/<str:number>/diff/",
        revisions.RevisionDiff.as_view(),
        name="revision_diff",
    ),
    path(
        "v1/orders/<str:number>/revisions/<int:revision>/review/",
        records.ReviewState.as_view(),
        name="revision_review",
    ),
    path(
        "v1/orders/<str:number>/revisions/<int:revision>/record/",
        records.AcceptanceRecord.as_view(),
        name="acceptance_record",
    ),
    path(
        "v1/orders/<str:number>/revisions/<int:revision>/record/pdf/",
        records.AcceptanceRecordPdf.as_view(),
        name="acceptance_record_pdf",
    ),
    # Last: any other URL under /api/v1/ is a JSON problem, not an HTML page.
    path("v1/<path:rest>", common.unknown_url, name="unknown"),
]
