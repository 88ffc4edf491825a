import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.selectors import Cursor, TimelineFilter, timeline_page
from reviews.models import Decision
from tests import factories
from tests.audit import builders

UTC = dt.UTC
DAY1 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY2 = dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
DAY3 = dt.datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def story(db, service_user, approver):
    """Two orders: one entered on day 1 and decided on day 3, one entered on day 2."""
    with time_machine.travel(DAY1, tick=False):
        first, revision, _ = builders.submitted_order(by=service_user)
        review = builders.open_review(revision, by=service_user)
    with time_machine.travel(DAY2, tick=False):
        second, _, _ = builders.submitted_order(by=service_user)
    with time_machine.travel(DAY3, tick=False):
        builders.decide(review, outcome=Decision.Outcome.ACCEPT, by=approver)
    return {"first": first, "second": second, "review": review}


def _labels(flt: TimelineFilter, size: int = 500) -> list[tuple[str, int]]:
    return [
        (row.model_label, row.object_id) for row in timeline_page(flt, size=size).rows
    ]


def test_timeline_is_newest_first_across_tables(story):
    rows = timeline_page(TimelineFilter(), size=500).rows
    dates = [row.history_date for row in rows]
    assert dates == sorted(dates, reverse=True)
    assert {row.model_label for row in rows} >= {
        "orders.order",
        "requirements.requirementset",
        "requirements.requirement",
        "reviews.review",
        "reviews.assessment",
        "reviews.decision",
    }


def test_timeline_filters_by_user(story, approver, service_user):
    rows = timeline_page(TimelineFilter(user_id=approver.pk), size=500).rows
    assert rows and {row.history_user_id for row in rows} == {approver.pk}
    assert {row.model_label for row in rows} == {
        "reviews.decision",
        "reviews.review",
        "requirements.requirementset",
        "orders.order",
    }
    assert all(row.history_date == DAY3 for row in rows)
    assert rows[0].user == approver


def test_timeline_filters_by_model(story):
    labels = _labels(TimelineFilter(model_label="reviews.decision"))
    assert labels == [("reviews.decision", story["review"].decision.pk)]


def test_timeline_filters_by_order_across_its_records(story):
    first, second = story["first"], story["second"]
    rows = timeline_page(TimelineFilter(order_id=first.pk), size=500).rows
    by_model = {row.model_label for row in rows}
    assert by_model == {
        "orders.order",
        "requirements.requirementset",
        "requirements.requirement",
        "reviews.review",
        "reviews.assessment",
        "reviews.decision",
    }
    assert ("orders.order", second.pk) not in {
        (row.model_label, row.object_id) for row in rows
    }
    revision_ids = set(first.revisions.values_list("pk", flat=True))
    assert {
        row.object_id
        for row in rows
        if row.model_label == "requirements.requirementset"
    } == revision_ids
    # The second order's requirements are not in the first order's timeline.
    second_requirements = set(
        second.revisions.get().requirements.values_list("pk", flat=True)
    )
    assert not second_requirements & {
        row.object_id for row in rows if row.model_label == "requirements.requirement"
    }


def test_timeline_filters_by_date_range(story):
    only_day2 = timeline_page(
        TimelineFilter(date_from=DAY2.date(), date_to=DAY2.date()), size=500
    ).rows
    assert only_day2 and {row.history_date for row in only_day2} == {DAY2}
    # The users were created today, after the story: a range ending on day 3
    # leaves them out, one starting on day 2 does not.
    day2_to_day3 = timeline_page(
        TimelineFilter(date_from=DAY2.date(), date_to=DAY3.date()), size=500
    ).rows
    assert {row.history_date for row in day2_to_day3} == {DAY2, DAY3}
    from_day2 = timeline_page(TimelineFilter(date_from=DAY2.date()), size=500).rows
    assert len(from_day2) > len(day2_to_day3)


def test_filters_combine(story, service_user):
    rows = timeline_page(
        TimelineFilter(
            user_id=service_user.pk,
            order_id=story["first"].pk,
            model_label="orders.order",
        ),
        size=500,
    ).rows
    assert rows and all(
        (row.model_label, row.object_id, row.history_user_id)
        == ("orders.order", story["first"].pk, service_user.pk)
        for row in rows
    )
    assert all(row.history_date == DAY1 for row in rows)


def test_pages_follow_each_other_without_gaps_or_repeats(story):
    everything = timeline_page(TimelineFilter(), size=1000).rows
    assert len(everything) > 12
    seen = []
    cursor = None
    while True:
        page = timeline_page(TimelineFilter(), cursor=cursor, size=5)
        seen.extend(page.rows)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    key = [(row.model_label, row.history_id) for row in everything]
    assert [(row.model_label, row.history_id) for row in seen] == key


def test_cursor_tokens_round_trip_and_reject_garbage():
    cursor = Cursor(DAY1, "orders.order", 42)
    assert Cursor.decode(cursor.encode()) == cursor
    for token in ("nonsense", "2026-01-01T00:00:00~orders.order~x", "a~b~1"):
        with pytest.raises(ValueError):
            Cursor.decode(token)


# --- the page ---------------------------------------------------------------


def test_auditor_sees_the_timeline(client, auditor, story):
    client.force_login(auditor)
    response = client.get(reverse("audit:timeline"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert story["first"].number in page
    history_url = reverse(
        "audit:object_history", args=["orders.order", story["first"].pk]
    )
    assert history_url in page


def test_approver_may_read_the_timeline(client, approver):
    client.force_login(approver)
    assert client.get(reverse("audit:timeline")).status_code == 200


def test_timeline_filter_form_narrows_the_rows(client, auditor, story):
    client.force_login(auditor)
    response = client.get(
        reverse("audit:timeline"),
        {"order": story["second"].number, "model": "orders.order"},
    )
    rows = response.context["page"].rows
    assert rows and {row.object_id for row in rows} == {story["second"].pk}


def test_unknown_order_number_is_explained_beside_the_field(client, auditor, story):
    client.force_login(auditor)
    response = client.get(reverse("audit:timeline"), {"order": "SO-1999-999999"})
    assert response.status_code == 200
    assert "No order has the number SO-1999-999999." in response.content.decode()
    assert 'value="SO-1999-999999"' in response.content.decode()


def test_reversed_date_range_is_explained(client, auditor):
    client.force_login(auditor)
    response = client.get(
        reverse("audit:timeline"), {"date_from": "2026-03-04", "date_to": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_broken_page_link_is_explained_not_a_500(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:timeline"), {"before": "garbage"})
    assert response.status_code == 200
    assert "That page link is not valid" in response.content.decode()


def test_next_page_link_keeps_the_filter(client, auditor, story, monkeypatch):
    monkeypatch.setattr("audit.views.PAGE_SIZE", 3)
    client.force_login(auditor)
    first = client.get(reverse("audit:timeline"), {"model": "orders.order"})
    cursor = first.context["page"].next_cursor
    assert cursor is not None
    assert "model=orders.order&amp;before=" in first.content.decode()
    second = client.get(
        reverse("audit:timeline"), {"model": "orders.order", "before": cursor.encode()}
    )
    first_ids = [row.history_id for row in first.context["page"].rows]
    second_rows = second.context["page"].rows
    assert second_rows and not {row.history_id for row in second_rows} & set(first_ids)
    assert {row.model_label for row in second_rows} == {"orders.order"}


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("audit:timeline"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("fixture", ["reviewer", "service_user", "form_admin"])
def test_other_roles_are_refused(db, client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("audit:timeline")).status_code == 403


def test_post_is_not_allowed(client, auditor):
    client.force_login(auditor)
    assert client.post(reverse("audit:timeline")).status_code == 405


def _many_changes(count: int, by: object) -> None:
    for _ in range(count):
        customer = factories.CustomerFactory()
        customer.notes = "changed"
        builders.save(customer, by=by)


@pytest.mark.parametrize("changes", [1, 40])
def test_timeline_page_has_a_constant_number_of_queries(
    client, auditor, django_assert_num_queries, changes
):
    _many_changes(changes, auditor)
    client.force_login(auditor)
    # 1 session, 2 user, 3 the user's groups (roles), 4 the UNION ALL page,
    # 5 the page's users in bulk, 6 the user filter's choices.
    with django_assert_num_queries(6):
        response = client.get(reverse("audit:timeline"))
    rows = response.context["page"].rows
    # Two rows per customer, plus the auditor's own account rows; one page at most.
    assert min(2 * changes, 49) < len(rows) <= 50


def test_auditors_find_audit_in_the_navigation(client, auditor, reviewer):
    client.force_login(auditor)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("audit:timeline")}">Audit</a>' in page
    assert reverse("audit:signature_chain") in page  # the auditor's home card
    client.force_login(reviewer)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("audit:timeline")}"' not in page
