"""The register of statutory and regulatory requirements, mounted at /regulations/."""

from django.urls import path

from orders.regulations import views

app_name = "regulations"

urlpatterns = [
    path("", views.register_list, name="register_list"),
    path("new/", views.register_edit, name="register_create"),
    path("<int:pk>/", views.register_edit, name="register_edit"),
    path("<int:pk>/withdraw/", views.register_withdraw, name="register_withdraw"),
]
