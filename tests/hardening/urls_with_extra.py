"""The project's URLs plus one page nobody put in the permission matrix."""

from django.http import HttpResponse
from django.urls import path

from orderreview.urls import handler403, handler404, urlpatterns as project_urls

__all__ = ["handler403", "handler404", "urlpatterns"]


def unlisted(request: object) -> HttpResponse:
    return HttpResponse("nobody decided who may see this")


urlpatterns = [*project_urls, path("unlisted/", unlisted, name="unlisted_page")]
