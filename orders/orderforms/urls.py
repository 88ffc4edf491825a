"""The order-form builder, mounted at /forms/."""

from django.urls import path

from orders.orderforms import value_views, views

app_name = "orderforms"

urlpatterns = [
    path("", views.form_list, name="form_list"),
    path("new/", views.form_create, name="form_create"),
    path("import/", views.form_import, name="form_import"),
    path("<slug:slug>/", views.form_detail, name="form_detail"),
    path("<slug:slug>/edit/", views.form_edit, name="form_edit"),
    path("<slug:slug>/drafts/", views.version_create, name="version_create"),
    path("<slug:slug>/v<int:number>/", views.version_detail, name="version_detail"),
    path(
        "<slug:slug>/v<int:number>/preview/",
        views.version_preview,
        name="version_preview",
    ),
    path(
        "<slug:slug>/v<int:number>/publish/",
        views.version_publish,
        name="version_publish",
    ),
    path(
        "<slug:slug>/v<int:number>/retire/", views.version_retire, name="version_retire"
    ),
    path(
        "<slug:slug>/v<int:number>/discard/",
        views.version_discard,
        name="version_discard",
    ),
    path(
        "<slug:slug>/v<int:number>/value/",
        value_views.version_value,
        name="version_value",
    ),
    path(
        "<slug:slug>/v<int:number>/export.json",
        views.version_export,
        name="version_export",
    ),
    path(
        "<slug:slug>/v<int:number>/sections/",
        views.version_sections,
        name="version_sections",
    ),
    path(
        "<slug:slug>/v<int:number>/questions/new/",
        views.question_create,
        name="question_create",
    ),
    path(
        "<slug:slug>/v<int:number>/questions/preview/",
        views.question_preview,
        name="question_preview",
    ),
    path(
        "<slug:slug>/v<int:number>/questions/<int:pk>/edit/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "<slug:slug>/v<int:number>/questions/<int:pk>/move/",
        views.question_move,
        name="question_move",
    ),
    path(
        "<slug:slug>/v<int:number>/questions/<int:pk>/remove/",
        views.question_remove,
        name="question_remove",
    ),
]
