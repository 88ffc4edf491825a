"""Two URL configurations for the catalog link: with and without the intake page."""

from django.http import HttpResponse
from django.urls import include, path


def catalog_request(request: object, slug: str) -> HttpResponse:
    return HttpResponse(slug)


orders_patterns = (
    [path("catalog/<slug:slug>/", catalog_request, name="catalog_request")],
    "orders",
)


class WithOrders:
    urlpatterns = [path("orders/", include(orders_patterns))]


class WithoutOrders:
    urlpatterns: list = []
