"""Text from a form admin, a customer or an imported file is shown, never run.

One form is imported with template code and HTML in every text it carries (form
name and description, change note, each question's label, help text, section,
choices and unit), a catalog entry and a customer carry the same, and a customer
answers with it. Every page that shows any of it must print it literally: escaped
HTML, the braces as typed, and none of what evaluating it would produce (the
viewer's password hash, lorem ipsum, the debug dump, a working <meta refresh>).
"""

import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communications import services as comm_services
from communications.models import OutboundNotice
from orders import services as order_services
from orders.models import Channel, OrderFormVersion
from orders.orderforms import services as orderform_services
from requirements import services as req_services
from reviews import services as review_services
from reviews.models import Review
from tests import factories
from tests.factories import TEST_PASSWORD

PASSWORD_LEAK = "{{ request.user.password }}"
LOREM = "{% lorem 20000 p %}"
DEBUG = "{% debug %}"
SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>x</b>"
META = '<meta http-equiv=refresh content="0;url=https://evil.example/">'
EVIL = PASSWORD_LEAK + LOREM + DEBUG + SCRIPT + BOLD + META
# Sections hold 120 characters and units 30.
EVIL_SECTION = PASSWORD_LEAK + LOREM + DEBUG + SCRIPT + BOLD
EVIL_UNIT = "<b>u</b>{{ 7|add:7 }}"


def hostile_document() -> dict:
    def question(key: str, kind: str, position: int, **extra) -> dict:
        return {
            "key": key,
            "label": f"{key} {EVIL}",
            "help_text": f"{key} help {EVIL}",
            "kind": kind,
            "required": True,
            "section": EVIL_SECTION,
            "position": position,
            "category": "stated",
            "discipline": "engineering",
            **extra,
        }

    return {
        "slug": "hostile",
        "name": f"Hostile {BOLD}{PASSWORD_LEAK}",
        "description": f"Description {EVIL}",
        "questions": [
            question("spec", "short_text", 1),
            question("size", "decimal", 2, unit=EVIL_UNIT),
            question("finish", "single_choice", 3, choices=[f"A {EVIL}", "plain"]),
            question("extras", "multiple_choice", 4, choices=[f"B {EVIL}", "none"]),
        ],
    }


ANSWERS = {"spec": EVIL, "size": "12", "finish": f"A {EVIL}", "extras": [f"B {EVIL}"]}


@dataclass
class Hostile:
    version: OrderFormVersion
    draft_number: str
    accepted_number: str
    portal_token: str
    review: Review


@pytest.fixture
def hostile(
    form_admin, service_user, reviewer, approver, engineering, commercial
) -> Hostile:
    admin = Client()
    admin.force_login(form_admin)
    upload = SimpleUploadedFile(
        "hostile.json", json.dumps(hostile_document()).encode(), "application/json"
    )
    response = admin.post(
        reverse("orderforms:form_import"),
        {"file": upload, "publish": "on", "change_note": f"Note {EVIL}"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    version = OrderFormVersion.objects.get(form__slug="hostile")
    # The builder edits a draft: a copy of the published version.
    orderform_services.version_start_draft(form=version.form, user=form_admin)
    factories.OfferingFactory(
        order_form=version.form, name=f"Offer {BOLD}", description=f"Offer {EVIL}"
    )
    customer = factories.CustomerFactory(
        name=f"Customer {SCRIPT}", contact_name=f"Jo {BOLD}", notes=EVIL
    )

    draft = req_services.intake_start(
        user=service_user,
        form_version=version,
        channel=Channel.PHONE,
        customer=customer,
        customer_reference=f"PO {BOLD}",
        answers=ANSWERS,
    )
    _, token = order_services.portal_link_create(order=draft.order, user=service_user)

    revision = req_services.intake_start(
        user=service_user,
        form_version=version,
        channel=Channel.EMAIL,
        customer=customer,
        answers=ANSWERS,
    )
    req_services.revision_submit(revision=revision, user=service_user)
    review = Review.objects.get(requirement_set=revision)
    for assessment in review.assessments.all():
        review_services.assessment_record(
            assessment=assessment,
            user=reviewer,
            verdict="can_meet",
            note=f"Note {EVIL}",
            version=assessment.version,
        )
    review_services.decision_sign(
        review=review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=TEST_PASSWORD,
    )
    comm_services.communication_record(
        customer=customer,
        order=revision.order,
        direction="in",
        channel="email",
        kind="complaint",
        subject=f"Subject {BOLD}",
        body=EVIL,
        occurred_at=timezone.now(),
        recorded_by=service_user,
    )
    return Hostile(
        version=version,
        draft_number=draft.order.number,
        accepted_number=revision.order.number,
        portal_token=token,
        review=review,
    )


def _pages(h: Hostile) -> list[tuple[str, str]]:
    slug, number = "hostile", h.version.number
    draft = h.version.form.versions.get(status=OrderFormVersion.Status.DRAFT)
    question = draft.questions.get(key="spec")
    notice = OutboundNotice.objects.filter(order__number=h.accepted_number).first()
    pages = [
        ("form_admin", reverse("orderforms:form_list")),
        ("form_admin", reverse("orderforms:form_detail", args=[slug])),
        ("form_admin", reverse("orderforms:version_detail", args=[slug, number])),
        ("form_admin", reverse("orderforms:version_preview", args=[slug, number])),
        ("form_admin", reverse("orderforms:version_detail", args=[slug, draft.number])),
        (
            "form_admin",
            reverse("orderforms:question_edit", args=[slug, draft.number, question.pk]),
        ),
        ("form_admin", reverse("communications:offering_list")),
        ("service_user", reverse("orders:order_edit", args=[h.draft_number])),
        ("service_user", reverse("orders:order_detail", args=[h.draft_number])),
        ("service_user", reverse("orders:order_detail", args=[h.accepted_number])),
        ("service_user", reverse("orders:order_list")),
        ("service_user", reverse("orders:customer_list")),
        ("service_user", reverse("communications:communication_list")),
        ("service_user", reverse("communications:notice_list")),
        ("anonymous", reverse("orders:portal", args=[h.portal_token])),
        ("anonymous", reverse("orders:catalog_request", args=[slug])),
        ("anonymous", reverse("communications:catalog")),
        ("reviewer", reverse("reviews:review_detail", args=[h.review.pk])),
        (
            "auditor",
            reverse("reviews:acceptance_record", args=[h.accepted_number, 1]),
        ),
        ("auditor", reverse("audit:timeline")),
    ]
    if notice is not None:
        pages.append(
            (
                "service_user",
                reverse("communications:notice_detail", args=[notice.pk]),
            )
        )
    return pages


@pytest.fixture
def clients(form_admin, service_user, reviewer, approver, auditor) -> dict:
    made = {"anonymous": Client()}
    for role, user in {
        "form_admin": form_admin,
        "service_user": service_user,
        "reviewer": reviewer,
        "auditor": auditor,
    }.items():
        made[role] = Client()
        made[role].force_login(user)
    return made


def test_every_page_shows_imported_template_code_and_html_literally(
    hostile, clients, form_admin, service_user, reviewer, auditor
):
    hashes = [u.password for u in (form_admin, service_user, reviewer, auditor)]
    checked = 0
    for role, url in _pages(hostile):
        response = clients[role].get(url)
        assert response.status_code == 200, url
        page = response.content.decode()

        assert SCRIPT not in page, url
        assert BOLD not in page, url
        assert "<meta http-equiv=refresh" not in page, url
        assert "Lorem ipsum" not in page, url
        assert "site-packages" not in page, url  # what {% debug %} would print
        for password_hash in hashes:
            assert password_hash not in page, url
        if "&lt;b&gt;x&lt;/b&gt;" in page:
            checked += 1
    # Each page above shows at least some of the hostile text; most show all of it.
    assert checked >= len(_pages(hostile)) - 4


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("form_admin", "preview"),
        ("service_user", "draft"),
        ("anonymous", "portal"),
        ("anonymous", "catalog_request"),
    ],
)
def test_order_form_sections_and_help_show_their_text_as_typed(
    hostile, clients, role, page
):
    urls = {
        "preview": reverse("orderforms:version_preview", args=["hostile", 1]),
        "draft": reverse("orders:order_edit", args=[hostile.draft_number]),
        "portal": reverse("orders:portal", args=[hostile.portal_token]),
        "catalog_request": reverse("orders:catalog_request", args=["hostile"]),
    }
    response = clients[role].get(urls[page])
    html = response.content.decode()

    legend = "<legend>{{ request.user.password }}{% lorem 20000 p %}{% debug %}"
    assert legend + "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in html
    assert "spec help {{ request.user.password }}" in html
    assert "&lt;meta http-equiv=refresh" in html
    assert "&lt;b&gt;u&lt;/b&gt;{{ 7|add:7 }}" in html  # the unit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_browser_runs_no_script_and_follows_no_refresh_from_form_text(
    page, live_server, hostile, service_user
):
    from playwright.sync_api import expect

    from tests.browser import log_in

    dialogs: list[str] = []
    elsewhere: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url) if "evil.example" in request.url else None
        ),
    )
    log_in(page, live_server.url, "service")
    urls = [
        reverse("orders:portal", args=[hostile.portal_token]),
        reverse("orders:catalog_request", args=["hostile"]),
        reverse("orders:order_edit", args=[hostile.draft_number]),
        reverse("orders:order_detail", args=[hostile.accepted_number]),
    ]
    for url in urls:
        address = f"{live_server.url}{url}"
        page.goto(address)
        # A meta refresh with delay 0 would navigate within this wait.
        page.wait_for_timeout(700)
        assert page.url == address
        expect(page.get_by_text(SCRIPT).first).to_be_attached()

    assert dialogs == []
    assert elsewhere == []
