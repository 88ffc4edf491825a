import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from orderreview import roles


@roles.role_required(roles.CUSTOMER_SERVICE, read_only=(roles.AUDITOR,))
def _view(request):
    return HttpResponse("ok")


def _call(user, method="get"):
    request = getattr(RequestFactory(), method)("/x/")
    request.user = user
    return _view(request)


def test_role_holder_may_read_and_write(service_user):
    assert _call(service_user).status_code == 200
    assert _call(service_user, "post").status_code == 200


def test_read_only_role_may_read_but_not_write(auditor):
    assert _call(auditor).status_code == 200
    with pytest.raises(PermissionDenied):
        _call(auditor, "post")


def test_other_role_is_denied(form_admin):
    with pytest.raises(PermissionDenied):
        _call(form_admin)


def test_anonymous_is_sent_to_login(db):
    from django.contrib.auth.models import AnonymousUser

    response = _call(AnonymousUser())
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
