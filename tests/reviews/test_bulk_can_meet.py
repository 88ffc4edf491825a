"""Marking all of a reviewer's open items "can meet" on an order with lines: one
service in one transaction, only their disciplines and what is still open, the
exceptions left open, a confirmation that says how many, and a message (never a
500) for a form the order has moved on from or that was damaged."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews import bulk_assessment
from reviews.models import Assessment, Review
from tests.reviews.conftest import assess
from tests.reviews.lines_world import submit_lines_revision

pytestmark = pytest.mark.django_db


def url(review):
    return reverse("reviews:assessments_can_meet", args=[review.pk])


def slots(review, **filters):
    return {
        a.requirement.key: a
        for a in review.assessments.filter(**filters).select_related("requirement")
    }


def posted(review, user_slots, exceptions=(), step="apply", revision=None):
    return {
        "shown": ",".join(str(a.pk) for a in user_slots),
        "revision": revision or review.requirement_set.number,
        "exceptions": [a.pk for a in exceptions],
        "step": step,
    }


@pytest.fixture
def lined(engineering):
    return submit_lines_revision(3)


# --- the service -------------------------------------------------------------


def test_service_marks_only_my_disciplines_and_records_who_and_why(
    lined, reviewer, engineering
):
    every = [a.pk for a in lined.assessments.all()]
    marked = bulk_assessment.assessments_record_can_meet(
        review=lined, user=reviewer, assessment_ids=every, revision=1
    )
    mine = slots(lined, discipline=engineering)
    assert {a.pk for a in marked} == {a.pk for a in mine.values()}
    assert len(marked) == 7  # the PO number and two items on each of 3 lines
    others = lined.assessments.exclude(discipline=engineering)
    assert set(others.values_list("verdict", flat=True)) == {""}
    one = Assessment.objects.get(pk=mine["L2.thickness"].pk)
    assert (one.verdict, one.assessed_by, one.version) == ("can_meet", reviewer, 1)
    latest = one.history.latest()
    assert latest.history_user == reviewer
    assert latest.history_change_reason.startswith("Marked can meet")


def test_service_leaves_what_was_assessed_and_what_was_not_chosen(
    lined, reviewer, engineering
):
    mine = slots(lined, discipline=engineering)
    assess(mine["L1.part"], reviewer, "conditions", "From bar stock only")
    exception = mine["L3.part"]
    chosen = [a.pk for key, a in mine.items() if a.pk != exception.pk]
    marked = bulk_assessment.assessments_record_can_meet(
        review=lined, user=reviewer, assessment_ids=chosen
    )
    assert len(marked) == 5
    after = slots(lined, discipline=engineering)
    assert after["L1.part"].verdict == "conditions"
    assert after["L1.part"].note == "From bar stock only"
    assert after["L3.part"].verdict == ""


def test_service_refuses_other_roles(lined, service_user, auditor, approver):
    every = [a.pk for a in lined.assessments.all()]
    for user in (service_user, auditor):
        with pytest.raises(ValidationError, match="Only reviewers"):
            bulk_assessment.assessments_record_can_meet(
                review=lined, user=user, assessment_ids=every
            )
    # A reviewer of another discipline marks nothing of Engineering's.
    assert (
        bulk_assessment.assessments_record_can_meet(
            review=lined, user=approver, assessment_ids=every
        )
        == []
    )
    assert not lined.assessments.exclude(verdict="").exists()


def test_service_refuses_a_superseded_revision_and_marks_nothing(
    lined, reviewer, engineering
):
    chosen = [a.pk for a in slots(lined, discipline=engineering).values()]
    newer = submit_lines_revision(3, order=lined.order, number=2)
    with pytest.raises(bulk_assessment.StaleRevision) as raised:
        bulk_assessment.assessments_record_can_meet(
            review=lined, user=reviewer, assessment_ids=chosen, revision=1
        )
    assert raised.value.current == newer
    assert "revision 2 is under review now" in raised.value.messages[0]
    assert not Assessment.objects.exclude(verdict="").exists()


def test_service_refuses_a_decided_review(lined, reviewer, engineering):
    Review.objects.filter(pk=lined.pk).update(state=Review.State.DECIDED)
    lined.refresh_from_db()
    chosen = [a.pk for a in slots(lined, discipline=engineering).values()]
    with pytest.raises(ValidationError, match="This review is closed"):
        bulk_assessment.assessments_record_can_meet(
            review=lined, user=reviewer, assessment_ids=chosen
        )


# --- the page ------------------------------------------------------------------


def test_page_lists_my_open_items_by_line_with_boxes_for_exceptions(
    client, lined, reviewer
):
    client.force_login(reviewer)
    page = client.get(url(lined)).content.decode()
    assert "You have 7 open item(s) on this review." in page
    assert page.index("PO number") < page.index('data-line="L1"')
    assert page.index('data-line="L1"') < page.index('data-line="L2"')
    assert page.count('name="exceptions"') == 7
    assert "Leave open: <span" in page
    assert "Line 2 · Quantity" not in page  # Production's, not mine


def test_confirmation_says_how_many_and_marks_nothing_yet(
    client, lined, reviewer, engineering
):
    mine = list(slots(lined, discipline=engineering).values())
    exception = slots(lined, discipline=engineering)["L2.thickness"]
    client.force_login(reviewer)
    response = client.post(url(lined), posted(lined, mine, [exception], "confirm"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 requirement(s) will be marked" in page
    assert "Line 2 · Coating thickness" in page.split("data-exceptions")[1]
    assert 'name="step" value="apply"' in page
    assert not lined.assessments.exclude(verdict="").exists()
    # Back to choosing keeps the exception ticked, its line unfolded.
    back = client.post(url(lined), posted(lined, mine, [exception], "choose"))
    assert (
        f'value="{exception.pk}" class="form-check-input" id=' in back.content.decode()
    )
    assert 'data-line="L2" open' in back.content.decode()


def test_applying_marks_all_but_the_exception(client, lined, reviewer, engineering):
    mine = list(slots(lined, discipline=engineering).values())
    exception = slots(lined, discipline=engineering)["L2.thickness"]
    client.force_login(reviewer)
    response = client.post(url(lined), posted(lined, mine, [exception]))
    assert response.status_code == 302
    after = slots(lined, discipline=engineering)
    assert after["L2.thickness"].verdict == ""
    assert {a.verdict for k, a in after.items() if k != "L2.thickness"} == {"can_meet"}
    page = client.get(response.url).content.decode()
    assert "Marked 6 requirement(s) as can meet." in page


def test_a_form_for_a_superseded_revision_gets_a_message_not_a_500(
    client, lined, reviewer, engineering
):
    mine = list(slots(lined, discipline=engineering).values())
    newer = submit_lines_revision(3, order=lined.order, number=2)
    client.force_login(reviewer)
    for step in ("confirm", "apply"):
        response = client.post(url(lined), posted(lined, mine, step=step))
        assert response.status_code == 200
        page = response.content.decode()
        assert "This order changed while you were choosing" in page
        assert reverse("reviews:review_detail", args=[newer.pk]) in page
    assert not Assessment.objects.exclude(verdict="").exists()


def test_a_form_naming_another_revision_gets_the_same_message(
    client, lined, reviewer, engineering
):
    mine = list(slots(lined, discipline=engineering).values())
    client.force_login(reviewer)
    response = client.post(url(lined), posted(lined, mine, revision=7))
    assert response.status_code == 200
    assert "This order changed while you were choosing" in response.content.decode()
    assert not lined.assessments.exclude(verdict="").exists()


@pytest.mark.parametrize(
    "damage",
    [
        {"shown": "12,abc"},
        {"shown": ""},
        {"revision": ""},
        {"revision": "one"},
    ],
)
def test_a_damaged_form_is_a_message_beside_the_list(
    client, lined, reviewer, engineering, damage
):
    mine = list(slots(lined, discipline=engineering).values())
    client.force_login(reviewer)
    response = client.post(url(lined), {**posted(lined, mine), **damage})
    assert response.status_code == 200
    assert "This form was damaged or is out of date" in response.content.decode()
    assert not lined.assessments.exclude(verdict="").exists()


def test_an_exception_assessed_meanwhile_is_a_message_and_nothing_is_marked(
    client, lined, reviewer, engineering
):
    mine = list(slots(lined, discipline=engineering).values())
    exception = slots(lined, discipline=engineering)["L1.part"]
    assess(exception, reviewer, "conditions", "Needs a drawing")
    client.force_login(reviewer)
    response = client.post(url(lined), posted(lined, mine, [exception]))
    assert response.status_code == 200
    assert "Someone assessed one of your exceptions" in response.content.decode()
    assert lined.assessments.exclude(verdict="").count() == 1
