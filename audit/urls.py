from django.urls import path

from audit import disposal_views, views

app_name = "audit"
urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("timeline.csv", views.timeline_export, name="timeline_export"),
    path(
        "history/<str:model>/<int:object_id>/",
        views.object_history,
        name="object_history",
    ),
    path("orders/<str:number>/as-of/", views.order_as_of, name="order_as_of"),
    path("signatures/", views.signature_chain, name="signature_chain"),
    path("retention/", views.retention_report, name="retention"),
    path(
        "retention/<str:record_type>/<int:object_id>/dispose/",
        disposal_views.disposal_request,
        name="disposal_request",
    ),
    path("disposals/<int:pk>/", disposal_views.disposal_detail, name="disposal_detail"),
    path(
        "disposals/<int:pk>/decide/",
        disposal_views.disposal_decide,
        name="disposal_decide",
    ),
    path(
        "disposals/<int:pk>/execute/",
        disposal_views.disposal_execute,
        name="disposal_execute",
    ),
]
