from django.urls import path

from audit import views

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
]
