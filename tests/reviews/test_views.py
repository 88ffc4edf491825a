import datetime
import io
import re

import pytest
from axes.models import AccessAttempt
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pages import selectors as page_selectors
from reviews import services
from reviews.models import Assessment, Decision, Review, Signature
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision
from tests.signing_form import seen

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def login(client, user):
    client.force_login(user)
    return client


def sign(review, signer, outcome="accept", reasons=""):
    return services.decision_sign(
        review=review,
        signer=signer,
        outcome=outcome,
        reasons=reasons,
        password=TEST_PASSWORD,
    )


def save_url(review, assessment):
    return reverse("reviews:assessment_save", args=[review.pk, assessment.pk])


def post_data(assessment, verdict="can_meet", note="", version=None):
    prefix = f"a{assessment.pk}"
    return {
        f"{prefix}-verdict": verdict,
        f"{prefix}-note": note,
        f"{prefix}-version": assessment.version if version is None else version,
    }


def record_url(review):
    return reverse(
        "reviews:acceptance_record",
        args=[review.order.number, review.requirement_set.number],
    )


# --- routing ---------------------------------------------------------------


def test_urls_read_as_paths():
    assert reverse("reviews:my_reviews") == "/reviews/"
    assert reverse("reviews:review_detail", args=[7]) == "/reviews/7/"
    assert reverse("reviews:signatures_verify") == "/reviews/signatures/"
    assert (
        reverse("reviews:acceptance_record", args=["SO-2026-000042", 2])
        == "/orders/SO-2026-000042/record/2/"
    )


# --- My reviews ------------------------------------------------------------


def test_my_reviews_lists_open_items_of_my_disciplines_with_overdue_highlighted(
    client, reviewer, engineering, commercial
):
    mine = submit_revision(engineering, engineering)
    late = submit_revision(engineering)
    late.due_date = timezone.localdate() - datetime.timedelta(days=1)
    late.save()
    not_mine = submit_revision(commercial)

    response = login(client, reviewer).get(reverse("reviews:my_reviews"))

    assert response.status_code == 200
    page = response.content.decode()
    assert mine.order.number in page
    assert "2 of 2" in page
    assert not_mine.order.number not in page
    assert page.count('text-bg-danger">Overdue') == 1
    assert 'class="overdue"' in page


def test_approver_also_sees_reviews_ready_for_decision(
    client, approver, assessed_review
):
    response = login(client, approver).get(reverse("reviews:my_reviews"))
    assert "Ready for decision" in response.content.decode()
    assert list(response.context["awaiting_decision"]) == [assessed_review]


def test_my_reviews_refuses_anonymous_wrong_role_and_post(
    client, service_user, reviewer
):
    url = reverse("reviews:my_reviews")
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, service_user).get(url).status_code == 403
    assert login(client, reviewer).post(url).status_code == 405


@pytest.mark.parametrize("rows", [1, 6])
def test_my_reviews_query_count_is_constant(
    client, reviewer, engineering, django_assert_num_queries, rows
):
    for _ in range(rows):
        submit_revision(engineering)
    login(client, reviewer)
    # session, user, user's groups (role check), the annotated open reviews
    with django_assert_num_queries(4):
        response = client.get(reverse("reviews:my_reviews"))
    assert len(response.context["reviews"]) == rows


# --- review page -----------------------------------------------------------


def test_review_page_groups_requirements_and_offers_only_my_disciplines_forms(
    client, review, reviewer, engineering, commercial
):
    response = login(client, reviewer).get(
        reverse("reviews:review_detail", args=[review.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Engineering" in page and "Commercial / credit" in page
    for requirement in review.requirement_set.requirements.all():
        assert requirement.statement in page
    mine, theirs = slot(review, engineering), slot(review, commercial)
    assert save_url(review, mine) in page
    assert save_url(review, theirs) not in page
    assert "Sign decision" not in page


def test_review_page_is_readable_by_auditors_and_customer_service(
    client, review, auditor, service_user
):
    url = reverse("reviews:review_detail", args=[review.pk])
    assert login(client, auditor).get(url).status_code == 200
    response = login(client, service_user).get(url)
    assert response.status_code == 200
    assert "/assessments/" not in response.content.decode()


def test_review_page_refuses_anonymous_wrong_role_unknown_and_post(
    client, review, form_admin, reviewer
):
    url = reverse("reviews:review_detail", args=[review.pk])
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, form_admin).get(url).status_code == 403
    assert login(client, reviewer).post(url).status_code == 405
    missing = reverse("reviews:review_detail", args=[review.pk + 1000])
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("rows", [1, 8])
def test_review_page_query_count_is_constant(
    client, reviewer, engineering, production, django_assert_num_queries, rows
):
    review = submit_revision(*([engineering, production] * rows))
    for assessment in review.assessments.filter(discipline=engineering):
        assess(assessment, reviewer, "conditions", "Some")
    login(client, reviewer)
    # session, user, groups, review with order/customer/revision/decision, its
    # statutory checks, the user's disciplines, the counts of its slots by line
    # and discipline (reviews.line_counts), the slots shown with requirement/
    # discipline/assessor/carried-from
    with django_assert_num_queries(8):
        response = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert (
        response.content.decode().count('<form method="post" action="/reviews/') == rows
    )


# --- assessing -------------------------------------------------------------


def test_htmx_save_returns_the_row_with_the_new_verdict(
    client, review, reviewer, engineering
):
    assessment = slot(review, engineering)
    response = login(client, reviewer).post(
        save_url(review, assessment),
        post_data(assessment, "conditions", "Needs tooling"),
        **HTMX,
    )
    assert response.status_code == 200
    # The row, then the counts it changed, swapped out of band.
    assert [t.name for t in response.templates][:2] == [
        "reviews/_assessment_saved.html",
        "reviews/_assessment_row.html",
    ]
    page = response.content.decode()
    assert "Saved" in page and "Needs tooling" in page
    assert page.lstrip().startswith(
        f'<div class="list-group-item" id="a{assessment.pk}"'
    )
    assert '<span id="pending-total" hx-swap-oob="true">1</span>' in page
    assert f'name="a{assessment.pk}-version" value="1"' in page
    assessment.refresh_from_db()
    assert (assessment.verdict, assessment.assessed_by) == ("conditions", reviewer)


def test_plain_post_saves_and_redirects_back_to_the_review(
    client, review, reviewer, engineering
):
    assessment = slot(review, engineering)
    response = login(client, reviewer).post(
        save_url(review, assessment), post_data(assessment)
    )
    assert response.status_code == 302
    assert response.url == f"/reviews/{review.pk}/#a{assessment.pk}"
    assessment.refresh_from_db()
    assert assessment.verdict == "can_meet"


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_missing_reason_is_shown_beside_the_field_and_typed_text_kept(
    client, review, reviewer, engineering, headers
):
    assessment = slot(review, engineering)
    response = login(client, reviewer).post(
        save_url(review, assessment),
        post_data(assessment, "cannot_meet", ""),
        **headers,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the reason it cannot be met." in page
    assert re.search(r'value="cannot_meet"[^>]*checked', page)
    assessment.refresh_from_db()
    assert assessment.verdict == ""


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_stale_save_shows_the_newer_value_and_overwrites_nothing(
    client, review, reviewer, engineering, headers
):
    assessment = slot(review, engineering)
    assess(assessment, reviewer, "conditions", "Colleague's condition")
    response = login(client, reviewer).post(
        save_url(review, assessment),
        post_data(assessment, "can_meet", "my text", version=0),
        **headers,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "while you were editing it" in page
    assert "Colleague&#x27;s condition" in page
    assert "my text" in page
    assert f'name="a{assessment.pk}-version" value="1"' in page
    assessment.refresh_from_db()
    assert (assessment.verdict, assessment.note, assessment.version) == (
        "conditions",
        "Colleague's condition",
        1,
    )


def test_reviewer_cannot_save_another_disciplines_slot(
    client, review, reviewer, commercial
):
    theirs = slot(review, commercial)
    response = login(client, reviewer).post(save_url(review, theirs), post_data(theirs))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.verdict == ""


def test_assessment_save_refuses_anonymous_wrong_roles_get_and_foreign_slot(
    client, review, reviewer, auditor, service_user, engineering
):
    assessment = slot(review, engineering)
    url = save_url(review, assessment)
    assert client.post(url, post_data(assessment)).url.startswith("/accounts/login/")
    assert login(client, auditor).post(url, post_data(assessment)).status_code == 403
    assert (
        login(client, service_user).post(url, post_data(assessment)).status_code == 403
    )
    assert login(client, reviewer).get(url).status_code == 405
    other = submit_revision(engineering)
    foreign = reverse("reviews:assessment_save", args=[other.pk, assessment.pk])
    assert client.post(foreign, post_data(assessment)).status_code == 404
    assessment.refresh_from_db()
    assert assessment.verdict == ""


def test_decided_review_offers_no_forms_and_refuses_saves(
    client, assessed_review, approver, reviewer, engineering
):
    sign(assessed_review, approver)
    assessment = slot(assessed_review, engineering)
    login(client, reviewer)
    page = client.get(reverse("reviews:review_detail", args=[assessed_review.pk]))
    assert "/assessments/" not in page.content.decode()
    response = client.post(
        save_url(assessed_review, assessment), post_data(assessment, "cannot_meet", "x")
    )
    assert response.status_code == 200
    assert "review is closed" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).verdict == "can_meet"


# --- signing ---------------------------------------------------------------


def sign_url(review):
    return reverse("reviews:decision_sign", args=[review.pk])


def test_sign_page_shows_both_meanings(client, assessed_review, approver):
    response = login(client, approver).get(sign_url(assessed_review))
    page = response.content.decode()
    assert "Approved: capability confirmed" in page
    assert "Rejected: requirements cannot be met" in page
    assert 'autocomplete="current-password"' in page


def test_signing_with_the_password_redirects_to_the_record(
    client, assessed_review, approver
):
    response = login(client, approver).post(
        sign_url(assessed_review),
        {
            "outcome": "accept",
            "reasons": "",
            "password": TEST_PASSWORD,
            **seen(assessed_review),
        },
    )
    assert response.status_code == 302
    assert response.url == record_url(assessed_review)
    assert Signature.objects.get().meaning == "Approved: capability confirmed"


def test_wrong_password_shows_an_error_and_signs_nothing(
    client, assessed_review, approver
):
    response = login(client, approver).post(
        sign_url(assessed_review),
        {
            "outcome": "reject",
            "reasons": "Keep me",
            "password": "wrong",
            **seen(assessed_review),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "That password is not correct. Nothing was signed." in page
    assert "Keep me" in page
    assert not Decision.objects.exists()
    # django-axes counted the failure toward the signer's lockout.
    attempt = AccessAttempt.objects.get(username="approver")
    assert attempt.failures_since_start == 1


def test_reject_without_reasons_is_shown_beside_the_field(
    client, assessed_review, approver
):
    response = login(client, approver).post(
        sign_url(assessed_review),
        {
            "outcome": "reject",
            "reasons": "",
            "password": TEST_PASSWORD,
            **seen(assessed_review),
        },
    )
    assert response.status_code == 200
    assert "Give the reasons for the rejection." in response.content.decode()
    assert not Decision.objects.exists()


def test_sign_page_refuses_self_approval_with_a_message(
    client, reviewer, approver, engineering
):
    # Entered by the approver before submission: a submitted order's signed fields
    # are frozen by the database.
    review = submit_revision(engineering, entered_by=approver)
    assess(slot(review, engineering), reviewer)
    response = login(client, approver).post(
        sign_url(review),
        {"outcome": "accept", "reasons": "", "password": TEST_PASSWORD, **seen(review)},
    )
    assert response.status_code == 200
    assert "segregation of duties" in response.content.decode()
    assert not Decision.objects.exists()


def test_accepting_an_incomplete_review_shows_why(client, review, approver):
    response = login(client, approver).post(
        sign_url(review),
        {"outcome": "accept", "reasons": "", "password": TEST_PASSWORD, **seen(review)},
    )
    assert response.status_code == 200
    assert "still open" in response.content.decode()
    assert not Decision.objects.exists()


def test_sign_page_refuses_anonymous_reviewer_auditor_unknown_and_put(
    client, assessed_review, reviewer, auditor, approver
):
    url = sign_url(assessed_review)
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, reviewer).get(url).status_code == 403
    assert login(client, auditor).get(url).status_code == 403
    assert login(client, approver).put(url).status_code == 405
    missing = reverse("reviews:decision_sign", args=[assessed_review.pk + 1000])
    assert client.get(missing).status_code == 404


# --- acceptance record -----------------------------------------------------


def test_acceptance_record_shows_requirements_assessments_decision_and_signature(
    client, review, reviewer, approver, engineering, commercial
):
    assess(slot(review, engineering), reviewer, "conditions", "Ship in 6 weeks")
    assess(slot(review, commercial), approver)
    sign(review, approver)
    signature = Signature.objects.get()

    response = login(client, reviewer).get(record_url(review))

    assert response.status_code == 200
    page = response.content.decode()
    for requirement in review.requirement_set.requirements.all():
        assert requirement.statement in page
    assert "Ship in 6 weeks" in page
    assert reviewer.printed_name in page
    assert "Accepted" in page
    assert approver.printed_name in page
    assert "Approved: capability confirmed" in page
    assert signature.signature_hash in page
    assert signature.content_hash in page
    assert f"{signature.signed_at:%Y-%m-%d %H:%M:%S} UTC" in page
    assert 'data-verification="ok"' in page
    assert "differ from the content this signature covers" not in page
    assert "css/reviews.css" in page and "css/print.css" in page


def test_acceptance_record_refuses_anonymous_wrong_role_unknown_and_post(
    client, assessed_review, form_admin, auditor
):
    url = record_url(assessed_review)
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, form_admin).get(url).status_code == 403
    assert login(client, auditor).get(url).status_code == 200
    assert client.post(url).status_code == 405
    number = assessed_review.order.number
    missing = reverse("reviews:acceptance_record", args=[number, 9])
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("rows", [1, 8])
def test_acceptance_record_query_count_is_constant(
    client, approver, reviewer, engineering, django_assert_num_queries, rows
):
    review = submit_revision(*([engineering] * rows))
    for assessment in review.assessments.all():
        assess(assessment, reviewer)
    sign(review, approver)
    login(client, reviewer)
    # session, user, groups, review with order/customer/revision/decision, its
    # assessments, the revision's requirements with disciplines, the decision's
    # signatures, the predecessors' hashes, the chain's first record, its
    # statutory checks
    with django_assert_num_queries(10):
        response = client.get(record_url(review))
    assert response.status_code == 200


def test_acceptance_record_pdf_is_a_valid_pdf_naming_the_signer(
    client, assessed_review, approver, reviewer
):
    approver.first_name, approver.last_name = "Zoë", "Åkesson—Smith"
    approver.save()
    sign(assessed_review, approver)
    url = reverse(
        "reviews:acceptance_record_pdf",
        args=[assessed_review.order.number, 1],
    )

    response = login(client, reviewer).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Printed as typed, em dash included (the PDF once turned it into "-").
    assert "Zoë Åkesson—Smith" in text
    assert "Approved: capability confirmed" in text
    assert assessed_review.order.number in text
    assert Signature.objects.get().signature_hash in text.replace("\n", "")


def test_acceptance_record_pdf_refuses_anonymous_wrong_role_and_post(
    client, assessed_review, form_admin, reviewer
):
    url = reverse(
        "reviews:acceptance_record_pdf", args=[assessed_review.order.number, 1]
    )
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, form_admin).get(url).status_code == 403
    assert login(client, reviewer).post(url).status_code == 405


# --- signature verification page --------------------------------------------


@pytest.mark.parametrize("rows", [1, 5])
def test_verification_page_for_approvers_and_auditors_with_constant_queries(
    client, approver, auditor, reviewer, engineering, django_assert_num_queries, rows
):
    for _ in range(rows):
        review = submit_revision(engineering)
        assess(slot(review, engineering), reviewer)
        sign(review, approver)
    login(client, auditor)
    # session, user, groups, every signature for the chain, decisions without a
    # signature, the states no decision backs (decisions, revisions, accepted and
    # rejected orders: 4), the latest with their reviews and orders; the content
    # check: the signatures with their decisions, their reviews with
    # order/customer/revision, the revisions' requirements, the reviews'
    # assessments and statutory checks (per batch of 200); the orders disposed
    # of under retention
    with django_assert_num_queries(16):
        response = client.get(reverse("reviews:signatures_verify"))
    page = response.content.decode()
    assert f"intact: {rows} signature(s)" in page
    assert Signature.objects.order_by("-pk").first().signature_hash in page
    assert (
        login(client, approver).get(reverse("reviews:signatures_verify")).status_code
        == 200
    )


def test_verification_page_refuses_anonymous_reviewer_and_post(
    client, reviewer, approver
):
    url = reverse("reviews:signatures_verify")
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, reviewer).get(url).status_code == 403
    assert login(client, approver).post(url).status_code == 405


# --- navigation, home, order page -------------------------------------------


def test_navigation_shows_reviews_to_reviewers_and_signatures_to_approvers(
    client, reviewer, approver, auditor, service_user
):
    def nav(user):
        return login(client, user).get("/").content.decode()

    assert "My reviews" in nav(reviewer) and "Signatures" not in nav(reviewer)
    assert "My reviews" in nav(approver) and "Signatures" in nav(approver)
    assert "Signatures" in nav(auditor) and "My reviews" not in nav(auditor)
    assert "My reviews" not in nav(service_user)


def test_home_shows_the_reviewers_open_items_only(client, reviewer, engineering):
    review = submit_revision(engineering)
    done = submit_revision(engineering)
    assess(slot(done, engineering), reviewer)
    page = login(client, reviewer).get("/").content.decode()
    assert reverse("reviews:review_detail", args=[review.pk]) in page
    assert reverse("reviews:review_detail", args=[done.pk]) not in page


def test_order_panel_shows_review_state_and_links(
    assessed_review, approver, service_user
):
    sign(assessed_review, approver)
    html = Template('{% include "reviews/_order_review_panel.html" %}').render(
        Context(
            {
                "order": assessed_review.order,
                **page_selectors.order_panels(assessed_review.order, service_user),
            }
        )
    )
    assert "Accepted" in html
    assert reverse("reviews:review_detail", args=[assessed_review.pk]) in html
    assert record_url(assessed_review) in html


def test_order_panel_before_submission_says_no_review_yet(service_user):
    order = factories.OrderFactory()
    html = Template('{% include "reviews/_order_review_panel.html" %}').render(
        Context({"order": order, **page_selectors.order_panels(order, service_user)})
    )
    assert "No review yet" in html
    assert not Review.objects.exists()


def test_order_page_shows_each_reviews_progress_and_whether_it_is_overdue(
    client, reviewer, service_user, engineering, commercial
):
    review = submit_revision(engineering, commercial)
    assess(slot(review, engineering), reviewer)
    Review.objects.filter(pk=review.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = login(client, service_user).get(review.order.get_absolute_url())
    html = page.content.decode()
    assert "2 slot(s), 1 open" in html
    assert '<tr class="overdue">' in html
    assert "<strong>overdue</strong>" in html
