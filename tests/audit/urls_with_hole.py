"""A URLconf with one view that lets auditors write, to prove the walk catches it."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path

from orderreview import urls as project_urls
from orderreview.roles import AUDITOR, CUSTOMER_SERVICE, role_required
from orders.models import Customer


@role_required(CUSTOMER_SERVICE, AUDITOR)  # the mistake: AUDITOR as a full role
def customer_create(request: HttpRequest, code: str) -> HttpResponse:
    if request.method == "POST":
        Customer.objects.create(name="Written by an auditor", account_code=code)
        return HttpResponseRedirect("/")
    return HttpResponse("form")


urlpatterns = [
    path("customers/<slug:code>/new/", customer_create, name="customer_create"),
    *project_urls.urlpatterns,
]
