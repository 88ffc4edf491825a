"""The approval rules' pages, and the sign page and record with rules."""

import pytest
from django.urls import reverse

from reviews.models import ApprovalRule, Review
from tests.factories import TEST_PASSWORD
from tests.rules.conftest import assess_all, review_with, rule, sign
from tests.signing_form import seen

pytestmark = pytest.mark.django_db


def rule_data(**fields):
    data = {
        "name": "Large export orders",
        "applies_to": ["orders", "quotes", "changes"],
        "approvers_required": "2",
        "role_required": "",
        "conditions-TOTAL_FORMS": "2",
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0",
        "conditions-MAX_NUM_FORMS": "20",
        "conditions-0-kind": "answer_compared",
        "conditions-0-question": "quantity",
        "conditions-0-operator": "gt",
        "conditions-0-number": "1000",
        "conditions-1-kind": "answer_yes",
        "conditions-1-question": "export",
    }
    data.update(fields)
    return data


def test_form_admin_creates_a_rule_with_conditions(client, form_admin):
    client.force_login(form_admin)
    response = client.post(reverse("reviews:approval_rule_create"), rule_data())
    assert response.status_code == 302
    saved = ApprovalRule.objects.get()
    assert saved.conditions == [
        {
            "kind": "answer_compared",
            "question": "quantity",
            "operator": "gt",
            "number": "1000",
        },
        {"kind": "answer_yes", "question": "export"},
    ]
    assert saved.approvers_required == 2 and saved.active
    assert saved.history.latest().history_user == form_admin
    page = client.get(reverse("reviews:approval_rule_list"))
    assert "answer to “quantity” &gt; 1000" in page.content.decode()


def test_bad_input_is_shown_beside_the_field_and_kept(client, form_admin):
    client.force_login(form_admin)
    response = client.post(
        reverse("reviews:approval_rule_create"),
        rule_data(**{"conditions-0-number": "lots", "approvers_required": "0"}),
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "number" in formset.forms[0].errors
    assert "approvers_required" in response.context["form"].errors
    assert 'value="lots"' in response.content.decode()
    assert not ApprovalRule.objects.exists()


def test_a_duplicate_name_is_refused_beside_the_name(client, form_admin):
    rule(name="Large export orders")
    client.force_login(form_admin)
    response = client.post(reverse("reviews:approval_rule_create"), rule_data())
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_editing_keeps_the_old_version_in_history(client, form_admin):
    saved = rule(name="Two", approvers_required=2)
    client.force_login(form_admin)
    page = client.get(reverse("reviews:approval_rule_edit", args=[saved.pk]))
    assert page.status_code == 200
    response = client.post(
        reverse("reviews:approval_rule_edit", args=[saved.pk]),
        rule_data(name="Three", approvers_required="3"),
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.name, saved.approvers_required) == ("Three", 3)
    assert [h.name for h in saved.history.order_by("history_id")] == ["Two", "Three"]


def test_deactivating_asks_first_then_deactivates(client, form_admin):
    saved = rule(name="Two", approvers_required=2)
    client.force_login(form_admin)
    url = reverse("reviews:approval_rule_deactivate", args=[saved.pk])
    confirm = client.get(url)
    assert "Deactivate “Two”?" in confirm.content.decode()
    saved.refresh_from_db()
    assert saved.active
    assert client.post(url).status_code == 302
    saved.refresh_from_db()
    assert not saved.active


def test_an_auditor_reads_rules_but_cannot_change_them(client, auditor):
    saved = rule(name="Two")
    client.force_login(auditor)
    assert client.get(reverse("reviews:approval_rule_list")).status_code == 200
    url = reverse("reviews:approval_rule_edit", args=[saved.pk])
    assert client.post(url, rule_data()).status_code == 403
    deactivate = reverse("reviews:approval_rule_deactivate", args=[saved.pk])
    assert client.post(deactivate).status_code == 403


def test_anonymous_is_sent_to_login_and_a_missing_rule_is_404(client, form_admin):
    assert client.get(reverse("reviews:approval_rule_list")).status_code == 302
    client.force_login(form_admin)
    assert (
        client.get(reverse("reviews:approval_rule_edit", args=[999])).status_code == 404
    )


def test_deactivate_refuses_other_methods(client, form_admin):
    saved = rule(name="Two")
    client.force_login(form_admin)
    url = reverse("reviews:approval_rule_deactivate", args=[saved.pk])
    assert client.put(url).status_code == 405


def test_sign_page_countersign_and_record_show_the_rules(
    client, engineering, commercial, by, approver, second_approver
):
    review = assess_all(review_with({"quantity": "5000"}, engineering, commercial), by)
    rule(
        name="Large orders",
        approvers_required=2,
        conditions=[
            {
                "kind": "answer_compared",
                "question": "quantity",
                "operator": "gt",
                "number": "1000",
            }
        ],
    )
    client.force_login(approver)
    page = client.get(reverse("reviews:decision_sign", args=[review.pk]))
    assert "Large orders" in page.content.decode()
    sign(review, approver)
    client.force_login(second_approver)
    url = reverse("reviews:decision_sign", args=[review.pk])
    page = client.get(url).content.decode()
    assert "1 more approver" in page and approver.printed_name in page
    response = client.post(
        url, {"outcome": "accept", "password": TEST_PASSWORD, **seen(review)}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == Review.State.DECIDED
    record = client.get(response["Location"]).content.decode()
    assert "Approval rules at signing" in record
    assert "the answer to “quantity” is 5000" in record
    assert f"{approver.printed_name}, {second_approver.printed_name}" in record
    pdf = client.get(
        reverse(
            "reviews:acceptance_record_pdf",
            args=[review.order.number, review.requirement_set.number],
        )
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_acceptance_awaiting_approvers_is_in_the_approvers_queue(
    client, engineering, commercial, by, approver, second_approver
):
    review = assess_all(review_with({}, engineering, commercial), by)
    rule(name="Four eyes", approvers_required=2)
    sign(review, approver)
    client.force_login(second_approver)
    page = client.get(reverse("reviews:my_reviews")).content.decode()
    assert "Awaiting further approvers" in page
    detail = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert "Countersign acceptance" in detail.content.decode()


def test_the_first_signature_says_what_the_acceptance_still_awaits(
    client, engineering, commercial, by, approver
):
    review = assess_all(review_with({}, engineering, commercial), by)
    rule(name="Four eyes", approvers_required=2)
    client.force_login(approver)
    response = client.post(
        reverse("reviews:decision_sign", args=[review.pk]),
        {"outcome": "accept", "reasons": "", "password": TEST_PASSWORD, **seen(review)},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "Decision signed. It awaits further approvers: Four eyes: needs 1 more "
        "approver(s)"
    ]
