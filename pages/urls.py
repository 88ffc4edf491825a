"""The pages app's URLs: home (un-namespaced, as "home") and, in the "orders"
namespace, the customer, order and public order pages."""

from django.urls import include, path

from pages import home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("", include("pages.order_urls")),
]
