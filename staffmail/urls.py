from django.urls import path

from staffmail import views

app_name = "staffmail"

urlpatterns = [
    path("accounts/notifications/", views.preferences, name="preferences"),
]
