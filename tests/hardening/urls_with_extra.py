"""The project's URLs plus one page nobody put in the permission matrix, and
which is exempt from CSRF: both walks must notice it."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from orderreview.urls import handler403, handler404
from orderreview.urls import urlpatterns as project_urls

__all__ = ["handler403", "handler404", "urlpatterns"]


@csrf_exempt
def unlisted(request: object) -> HttpResponse:
    return HttpResponse("nobody decided who may see this")


urlpatterns = [*project_urls, path("unlisted/", unlisted, name="unlisted_page")]
