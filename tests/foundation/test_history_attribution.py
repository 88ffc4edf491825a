"""orderreview.history.attribute: who made a change, and why, on its history row."""

from simple_history.models import HistoricalRecords

from orderreview.history import REASON_MAX_LENGTH, attribute
from tests import factories


def test_the_history_row_names_the_user_and_the_reason(service_user):
    customer = factories.CustomerFactory()
    customer.name = "Renamed Ltd"
    attribute(customer, user=service_user, reason="Customer renamed").save()
    row = customer.history.first()
    assert (row.history_user, row.history_change_reason) == (
        service_user,
        "Customer renamed",
    )


def test_a_reason_too_long_for_its_column_is_cut_not_refused(service_user):
    customer = factories.CustomerFactory()
    attribute(customer, user=service_user, reason="x" * 150).save()
    assert customer.history.first().history_change_reason == "x" * REASON_MAX_LENGTH


def test_no_user_records_no_author_even_inside_a_request(rf, service_user):
    """The worker may run inside a request (tests run tasks at once): the request's
    user did not send the notice."""
    customer = factories.CustomerFactory()
    request = rf.post("/")
    request.user = service_user
    HistoricalRecords.context.request = request  # as HistoryRequestMiddleware does
    try:
        attribute(customer, user=None, reason="Sent by the worker").save()
    finally:
        del HistoricalRecords.context.request
    assert customer.history.first().history_user is None
