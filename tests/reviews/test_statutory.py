"""Statutory and regulatory checks: frozen from the register when a review opens,
confirmed by a reviewer of their discipline, blocking acceptance until they are,
signed with the decision and shown on the record."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from pypdf import PdfReader

from orders.regulations import services as register_services
from requirements.models import RequirementSet
from reviews import services, statutory
from reviews.content_differences import content_differences
from reviews.models import Review, Signature, StatutoryCheck
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ROHS = "Directive 2011/65/EU (RoHS)"


@pytest.fixture
def rohs(engineering):
    return factories.StatutoryRequirementFactory(
        reference=ROHS,
        title="Hazardous substances",
        discipline=engineering,
        all_forms=True,
    )


@pytest.fixture
def checked_review(rohs, engineering, commercial) -> Review:
    return submit_revision(engineering, commercial)


def confirm(check, user, state="complies", note=""):
    check.refresh_from_db()
    return statutory.check_record(
        check=check, user=user, state=state, note=note, version=check.version
    )


def assess_all(review, reviewer, approver, engineering, commercial):
    assess(slot(review, engineering), reviewer)
    assess(slot(review, commercial), approver)


def sign(review, approver, outcome="accept", reasons=""):
    return services.decision_sign(
        review=review,
        signer=approver,
        outcome=outcome,
        reasons=reasons,
        password=TEST_PASSWORD,
    )


def save_url(check):
    return reverse("reviews:statutory_check_save", args=[check.review_id, check.pk])


def post_data(check, state="complies", note="", version=None):
    return {
        f"s{check.pk}-state": state,
        f"s{check.pk}-note": note,
        f"s{check.pk}-version": check.version if version is None else version,
    }


# --- opening ---------------------------------------------------------------------


def test_a_review_freezes_the_entries_that_apply_when_it_opens(
    rohs, engineering, quality, form_admin
):
    factories.StatutoryRequirementFactory(reference="Other form only", forms=[])
    factories.StatutoryRequirementFactory(
        reference="Withdrawn", all_forms=True, active=False
    )
    review = submit_revision(engineering)
    check = review.statutory_checks.get()
    assert (check.reference, check.title, check.discipline, check.state) == (
        ROHS,
        "Hazardous substances",
        engineering,
        "pending",
    )
    assert check.requirement_version == 1
    # A later edit of the register leaves the open review's check as frozen.
    register_services.register_save(
        entry=rohs,
        user=form_admin,
        title="Renamed",
        reference=ROHS,
        kind=rohs.kind,
        jurisdiction=rohs.jurisdiction,
        summary="",
        link="",
        discipline=quality,
        all_forms=True,
        forms=[],
        active=True,
    )
    check.refresh_from_db()
    assert (check.title, check.discipline) == ("Hazardous substances", engineering)


def test_an_entry_applies_through_an_offering_of_the_orders_form(engineering):
    revision = factories.RequirementSetFactory(order__status="awaiting_review")
    offered = factories.StatutoryRequirementFactory(reference="Offered")
    factories.OfferingFactory(
        order_form=revision.order.form_version.form
    ).statutory_requirements.add(offered)
    revision.submitted_by = revision.created_by
    revision.state = RequirementSet.State.SUBMITTED
    revision.save()
    review = submit_revision(engineering, revision=revision)
    assert [c.reference for c in review.statutory_checks.all()] == ["Offered"]


# --- confirming ------------------------------------------------------------------


def test_a_reviewer_confirms_a_check_of_their_discipline_and_history_names_them(
    checked_review, reviewer
):
    check = confirm(checked_review.statutory_checks.get(), reviewer)
    assert (check.state, check.checked_by, check.version) == ("complies", reviewer, 1)
    assert check.checked_at is not None
    assert check.history.latest().history_user == reviewer
    checked_review.order.refresh_from_db()
    assert checked_review.order.status == "in_review"


def test_a_reviewer_of_another_discipline_cannot_confirm(
    client, checked_review, planner
):
    check = checked_review.statutory_checks.get()
    with pytest.raises(ValidationError, match="Only Engineering reviewers"):
        confirm(check, planner)
    client.force_login(planner)
    assert client.post(save_url(check), post_data(check)).status_code == 403
    check.refresh_from_db()
    assert check.state == "pending"


@pytest.mark.parametrize("state", ["not_applicable", "cannot_comply"])
def test_not_applicable_and_cannot_comply_need_a_reason(
    client, checked_review, reviewer, state
):
    check = checked_review.statutory_checks.get()
    with pytest.raises(ValidationError):
        confirm(check, reviewer, state)
    client.force_login(reviewer)
    response = client.post(save_url(check), post_data(check, state), **HTMX)
    assert response.status_code == 200
    assert statutory.STATES_NEEDING_NOTE[state] in response.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatutoryCheck.objects.filter(pk=check.pk).update(
            state=state, checked_by=reviewer, checked_at=check.review.opened_at
        )


def test_the_database_refuses_a_confirmation_without_who_and_when(checked_review):
    check = checked_review.statutory_checks.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatutoryCheck.objects.filter(pk=check.pk).update(state="complies")


def test_htmx_save_returns_the_row_and_a_plain_post_redirects_back(
    client, checked_review, reviewer
):
    check = checked_review.statutory_checks.get()
    client.force_login(reviewer)
    row = client.post(
        save_url(check), post_data(check, "not_applicable", "No electronics"), **HTMX
    )
    html = row.content.decode()
    assert html.strip().startswith(f'<div class="list-group-item" id="s{check.pk}"')
    assert "Not applicable to this order" in html and "No electronics" in html
    check.refresh_from_db()
    plain = client.post(save_url(check), post_data(check))
    assert plain["Location"].endswith(f"/reviews/{checked_review.pk}/#s{check.pk}")


def test_a_stale_save_shows_the_newer_value_and_overwrites_nothing(
    client, checked_review, reviewer
):
    check = checked_review.statutory_checks.get()
    client.force_login(reviewer)
    stale = post_data(check, "cannot_comply", "Lead in the solder")
    confirm(check, reviewer, "complies")
    response = client.post(save_url(check), stale, **HTMX)
    assert "saved this check while you were editing it" in response.content.decode()
    check.refresh_from_db()
    assert check.state == "complies"


def test_the_review_page_shows_checks_in_their_disciplines_section(
    client, checked_review, reviewer, approver
):
    client.force_login(reviewer)
    page = client.get(
        reverse("reviews:review_detail", args=[checked_review.pk])
    ).content.decode()
    engineering_section = page.split('id="discipline-engineering"')[1].split(
        "</section>"
    )[0]
    assert ROHS in engineering_section
    assert '<dd class="col-sm-9" data-statutory-pending>1</dd>' in page
    assert f'action="{save_url(checked_review.statutory_checks.get())}"' in page
    client.force_login(approver)
    page = client.get(
        reverse("reviews:review_detail", args=[checked_review.pk])
    ).content.decode()
    assert ROHS in page
    assert "/statutory/" not in page  # no form for another discipline's check


def test_a_decided_review_freezes_its_checks(
    checked_review, reviewer, approver, engineering, commercial
):
    assess_all(checked_review, reviewer, approver, engineering, commercial)
    check = confirm(checked_review.statutory_checks.get(), reviewer)
    sign(checked_review, approver)
    with pytest.raises(ValidationError, match="closed"):
        confirm(check, reviewer, "cannot_comply", "x")
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        StatutoryCheck.objects.filter(pk=check.pk).update(note="changed")


# --- blocking and signing --------------------------------------------------------


def test_acceptance_waits_for_every_check_and_refuses_cannot_comply(
    checked_review, reviewer, approver, engineering, commercial
):
    assess_all(checked_review, reviewer, approver, engineering, commercial)
    check = checked_review.statutory_checks.get()
    blockers = services.decision_blockers(checked_review, "accept")
    assert blockers == [
        "1 statutory or regulatory requirement(s) are not confirmed yet: each must "
        "be confirmed before the order can be accepted."
    ]
    with pytest.raises(ValidationError):
        sign(checked_review, approver)
    confirm(check, reviewer, "cannot_comply", "Lead in the solder")
    assert "cannot be complied with" in " ".join(
        services.decision_blockers(checked_review, "accept")
    )
    # Rejecting is what the answer calls for: nothing blocks it.
    assert services.decision_blockers(checked_review, "reject") == []
    confirm(check, reviewer, "complies")
    assert services.decision_blockers(checked_review, "accept") == []


def test_the_signed_content_carries_the_checks_and_verifies(
    client, checked_review, reviewer, approver, engineering, commercial
):
    assess_all(checked_review, reviewer, approver, engineering, commercial)
    confirm(checked_review.statutory_checks.get(), reviewer, "not_applicable", "N/A")
    sign(checked_review, approver)
    signature = Signature.objects.get()
    assert signature.content_format == 3
    assert signature.content["statutory"] == [
        {
            "reference": ROHS,
            "title": "Hazardous substances",
            "discipline": "engineering",
            "state": "not_applicable",
            "note": "N/A",
            "by": {
                "username": reviewer.username,
                "printed_name": reviewer.printed_name,
            },
            "at": signature.content["statutory"][0]["at"],
        }
    ]
    call_command("verify_signatures", stdout=io.StringIO())
    record = reverse("reviews:acceptance_record", args=[checked_review.order.number, 1])
    client.force_login(reviewer)
    page = client.get(record).content.decode()
    assert "data-statutory" in page and "Not applicable to this order" in page
    assert "Verified" in page
    pdf = client.get(record + "pdf/")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Statutory and regulatory requirements" in text
    assert f"{ROHS}: Hazardous substances (Engineering)" in text


def test_a_check_changed_behind_the_services_back_is_a_content_difference():
    before = {"statutory": [{"reference": ROHS, "state": "complies", "note": ""}]}
    after = {"statutory": [{"reference": ROHS, "state": "cannot_comply", "note": "x"}]}
    found = [
        (d.section, d.label, d.before, d.after)
        for d in content_differences(before, after)
    ]
    assert found == [
        ("statutory", f"Statutory check “{ROHS}”: state", "complies", "cannot_comply"),
        ("statutory", f"Statutory check “{ROHS}”: reason", "—", "x"),
    ]
    gone = content_differences(before, {"statutory": []})
    assert [(d.before, d.after) for d in gone] == [("present", "removed")]


# --- change orders ---------------------------------------------------------------


def _accepted_then_changed(review, reviewer, approver, engineering, commercial):
    assess_all(review, reviewer, approver, engineering, commercial)
    confirm(review.statutory_checks.get(), reviewer)
    sign(review, approver)
    revision2 = factories.RequirementSetFactory(
        order=review.order, number=2, state=RequirementSet.State.SUBMITTED
    )
    for old in review.requirement_set.requirements.all():
        factories.RequirementFactory(
            requirement_set=revision2,
            key=old.key,
            statement=old.statement,
            value=old.value,
            category=old.category,
            discipline=old.discipline,
        )
    return revision2


def test_a_change_order_carries_a_confirmation_forward_while_its_entry_is_unchanged(
    checked_review, reviewer, approver, engineering, commercial
):
    revision2 = _accepted_then_changed(
        checked_review, reviewer, approver, engineering, commercial
    )
    second = submit_revision(revision=revision2)
    check = second.statutory_checks.get()
    assert check.state == "complies"
    assert check.carried_from == checked_review.statutory_checks.get()
    assert check.history.latest().history_change_reason.startswith("Carried forward")


def test_a_change_order_asks_again_for_an_entry_changed_since(
    checked_review, rohs, reviewer, approver, engineering, commercial, form_admin
):
    revision2 = _accepted_then_changed(
        checked_review, reviewer, approver, engineering, commercial
    )
    register_services.register_save(
        entry=rohs,
        user=form_admin,
        title="Hazardous substances (amended 2015/863)",
        reference=ROHS,
        kind=rohs.kind,
        jurisdiction=rohs.jurisdiction,
        summary="",
        link="",
        discipline=engineering,
        all_forms=True,
        forms=[],
        active=True,
    )
    second = submit_revision(revision=revision2)
    check = second.statutory_checks.get()
    assert (check.state, check.carried_from, check.requirement_version) == (
        "pending",
        None,
        2,
    )
    assert check.title == "Hazardous substances (amended 2015/863)"


# --- query counts ----------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 8])
def test_the_review_page_keeps_its_query_count_with_many_checks(
    client, engineering, reviewer, django_assert_num_queries, rows
):
    factories.StatutoryRequirementFactory.create_batch(
        rows, discipline=engineering, all_forms=True
    )
    review = submit_revision(engineering)
    client.force_login(reviewer)
    # session, user, groups, the review, its statutory checks with discipline,
    # confirmer, entry and carried-from; the user's disciplines, the counts of
    # its slots (reviews.line_counts), the slots shown
    with django_assert_num_queries(8):
        response = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert response.content.decode().count("data-statutory-check") == rows


def test_the_sign_page_shows_the_checks_the_signature_will_cover(
    client, checked_review, reviewer, approver, engineering, commercial
):
    assess_all(checked_review, reviewer, approver, engineering, commercial)
    confirm(checked_review.statutory_checks.get(), reviewer, "not_applicable", "N/A")
    client.force_login(approver)
    page = client.get(
        reverse("reviews:decision_sign", args=[checked_review.pk])
    ).content.decode()
    table = page.split("data-statutory>")[1].split("</table>")[0]
    assert ROHS in table
    assert "<td>Engineering</td>" in table
    assert "Not applicable to this order" in table and "N/A" in table
