from django.urls import path

from reviews import (
    approval_views,
    bulk_views,
    page_views,
    record_views,
    statutory_views,
    views,
)

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/signatures/", views.signatures_verify, name="signatures_verify"),
    path(
        "reviews/approval-rules/",
        approval_views.rule_list,
        name="approval_rule_list",
    ),
    path(
        "reviews/approval-rules/new/",
        approval_views.rule_edit,
        name="approval_rule_create",
    ),
    path(
        "reviews/approval-rules/<int:pk>/",
        approval_views.rule_edit,
        name="approval_rule_edit",
    ),
    path(
        "reviews/approval-rules/<int:pk>/deactivate/",
        approval_views.rule_deactivate,
        name="approval_rule_deactivate",
    ),
    path("reviews/<int:pk>/", page_views.review_detail, name="review_detail"),
    path(
        "reviews/<int:pk>/lines/<str:line>/",
        page_views.review_line,
        name="review_line",
    ),
    path(
        "reviews/<int:pk>/assessments/<int:assessment_pk>/",
        views.assessment_save,
        name="assessment_save",
    ),
    path(
        "reviews/<int:pk>/assessments/<int:assessment_pk>/reopen/",
        views.assessment_reopen,
        name="assessment_reopen",
    ),
    path(
        "reviews/<int:pk>/statutory/<int:check_pk>/",
        statutory_views.statutory_check_save,
        name="statutory_check_save",
    ),
    path(
        "reviews/<int:pk>/can-meet/",
        bulk_views.assessments_can_meet,
        name="assessments_can_meet",
    ),
    path("reviews/<int:pk>/sign/", views.decision_sign, name="decision_sign"),
    path(
        "orders/<str:number>/record/<int:revision>/",
        record_views.acceptance_record,
        name="acceptance_record",
    ),
    path(
        "orders/<str:number>/record/<int:revision>/pdf/",
        record_views.acceptance_record_pdf,
        name="acceptance_record_pdf",
    ),
]
