from django.urls import path

from requirements import views

app_name = "requirements"

urlpatterns = [
    path("orders/<str:number>/changes/new/", views.change_new, name="change_new"),
    path(
        "orders/<str:number>/changes/<int:revision>/",
        views.change_edit,
        name="change_edit",
    ),
    path(
        "orders/<str:number>/changes/<int:revision>/discard/",
        views.change_discard,
        name="change_discard",
    ),
    path(
        "orders/<str:number>/changes/<int:revision>/requirements/add/",
        views.change_requirement_add,
        name="change_requirement_add",
    ),
    path(
        "orders/<str:number>/changes/<int:revision>/requirements/<int:pk>/",
        views.change_requirement_edit,
        name="change_requirement_edit",
    ),
    path(
        "orders/<str:number>/changes/<int:revision>/requirements/<int:pk>/remove/",
        views.change_requirement_remove,
        name="change_requirement_remove",
    ),
    path(
        "orders/<str:number>/revisions/<int:revision>/diff/",
        views.revision_changes,
        name="revision_changes",
    ),
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<int:pk>/",
        views.notification_detail,
        name="notification_detail",
    ),
]
