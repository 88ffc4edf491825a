from django.urls import path

from communications import claim_views, property_views, views

app_name = "communications"

urlpatterns = [
    path("communications/", views.communication_list, name="communication_list"),
    path(
        "communications/new/",
        views.communication_create,
        name="communication_create",
    ),
    path(
        "communications/<int:pk>/",
        views.communication_detail,
        name="communication_detail",
    ),
    path(
        "communications/<int:pk>/follow-up/",
        views.communication_follow_up,
        name="communication_follow_up",
    ),
    path(
        "communications/<int:pk>/attachments/",
        views.attachment_add,
        name="attachment_add",
    ),
    path(
        "communications/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("customer-property/", property_views.property_list, name="property_list"),
    path("customer-property/new/", property_views.property_new, name="property_new"),
    path(
        "customer-property/<int:pk>/",
        property_views.property_detail,
        name="property_detail",
    ),
    path(
        "customer-property/<int:pk>/move/",
        property_views.property_move,
        name="property_move",
    ),
    path(
        "customer-property/<int:pk>/release/",
        property_views.property_release,
        name="property_release",
    ),
    path(
        "customer-property/<int:pk>/problem/",
        property_views.property_problem,
        name="property_problem",
    ),
    path(
        "customer-property/<int:pk>/problem/close/",
        property_views.property_close,
        name="property_close",
    ),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/manage/", views.offering_list, name="offering_list"),
    path("catalog/manage/new/", views.offering_edit, name="offering_create"),
    path("catalog/manage/<int:pk>/", views.offering_edit, name="offering_edit"),
    path("catalog/manage/claims/", claim_views.claim_list, name="claim_list"),
    path("catalog/manage/claims/new/", claim_views.claim_edit, name="claim_create"),
    path("catalog/manage/claims/<int:pk>/", claim_views.claim_edit, name="claim_edit"),
    path(
        "catalog/manage/claims/<int:pk>/approve/",
        claim_views.claim_approve,
        name="claim_approve",
    ),
    path(
        "catalog/manage/claims/<int:pk>/withdraw/",
        claim_views.claim_withdraw,
        name="claim_withdraw",
    ),
    path(
        "catalog/manage/claims/<int:pk>/evidence/",
        claim_views.claim_evidence,
        name="claim_evidence",
    ),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/retry/", views.notice_retry, name="notice_retry"),
    path("notices/<int:pk>/cancel/", views.notice_cancel, name="notice_cancel"),
    path("notices/templates/", views.template_list, name="template_list"),
    path(
        "notices/templates/<slug:kind>/",
        views.template_edit,
        name="template_edit",
    ),
]
