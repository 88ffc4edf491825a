"""Random and hostile values posted to every form: never a server error, always a
clear message, nothing saved half.

Each target is one form of the application: its URL (with real objects from the
world fixture), who posts, valid base data, and the fields hypothesis may spoil.
Hypothesis replaces some fields with hostile values (very long text, unicode,
control characters including NUL, wrong types, huge numbers, malformed dates,
repeated fields) and files with oversized or mistyped ones. The Django test client
re-raises any exception a view lets through, so a 500 fails the example.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders import services as order_services
from orders.models import Channel
from requirements import services as req_services
from tests.factories import TEST_PASSWORD
from tests.hardening.conftest import COMPLETE, PDF, World, answer_post, history_rows
from tests.signing_form import seen

EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\u202egnp.exe",
    "\ufeff",
    "𝕳𝖊𝖑𝖑𝖔 👋🏽 مرحبا 你好",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "{{ 7|add:7 }}{% debug %}",
    "{% include '/etc/passwd' %}",
    "../../etc/passwd",
    "-1",
    "0",
    "-0",
    "99999999999999999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "1,5",
    "2026-02-30",
    "2026-13-01",
    "31/12/2026",
    "0000-00-00",
    "9999-12-31T25:61",
    "[]",
    "{}",
    "null",
    "true",
    " ",
    "\r\n\t",
]
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),  # any code point but surrogates: control characters too
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["x" * 5_000, "é" * 70_000]),
)
# A list posts the field several times (repeated fields).
VALUE = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3))

FILE_NAMES = [
    "drawing.pdf",
    "x.exe",
    "x.pdf.exe",
    "../../../etc/passwd.pdf",
    "a" * 300 + ".pdf",
    "\u202efdp.exe",
    "noextension",
    ".pdf",
    "letter.PDF",
]
FILE_BODIES = st.one_of(
    st.sampled_from(
        [
            b"",
            PDF,
            b"MZ\x90\x00\x03\x00\x00\x00",
            b"\x89PNG\r\n\x1a\n",
            b"<html><script>alert(1)</script></html>",
            b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024),  # over every limit here
        ]
    ),
    st.binary(max_size=200),
)
UPLOAD = st.builds(
    lambda name, body: SimpleUploadedFile(name, body),
    st.sampled_from(FILE_NAMES),
    FILE_BODIES,
)

ERROR_MARKERS = ("invalid-feedback", "alert-danger", "alert-warning", "errorlist")


@dataclass
class Target:
    name: str
    role: str
    url: Callable[[World], str]
    base: Callable[[World], dict]
    fields: list[str]
    files: list[str] = field(default_factory=list)
    # The page keeps what was typed even when it is not valid (drafts, portal).
    saves_invalid: bool = False
    # A 200 answer is the page's normal answer (previews), not a refusal.
    ok_on_200: bool = False
    method: str = "post"
    # Per-example set-up returning URL overrides (a fresh draft or portal link).
    fresh: Callable[[World], World] | None = None


def _fresh_draft(world: World) -> World:
    revision = req_services.intake_start(
        user=world.order_b.entered_by,
        form_version=world.order_b.form_version,
        channel=Channel.PHONE,
        customer=world.order_b.customer,
    )
    world.order_b = revision.order
    _, world.token_b = order_services.portal_link_create(
        order=revision.order, user=world.order_b.entered_by
    )
    return world


def _fresh_undocumented_order(world: World) -> World:
    """A submitted phone order whose requirements need the customer's confirmation
    (as order B, for the confirmation page's URL)."""
    revision = req_services.intake_start(
        user=world.order_b.entered_by,
        form_version=world.order_a.form_version,
        channel=Channel.PHONE,
        customer=world.order_a.customer,
        answers=COMPLETE,
    )
    req_services.revision_submit(revision=revision, user=revision.created_by)
    world.order_b = revision.order
    return world


def _header(world: World) -> dict:
    return {
        "customer": world.order_a.customer_id,
        "channel": "phone",
        "customer_reference": "PO-1",
        "documented_statement": "yes",
    }


ANSWER_FIELDS = ["a-part_number", "a-quantity", "a-needs_certificate"] + [
    "a-certificate_type",
    "a-notes",
]
HEADER_FIELDS = ["customer", "channel", "customer_reference", "requested_date"] + [
    "documented_statement",
    "new_customer_name",
    "new_customer_account_code",
    "new_customer_contact_name",
    "new_customer_email",
    "new_customer_phone",
]
QUESTION_FIELDS = [
    "key",
    "label",
    "kind",
    "required",
    "category",
    "discipline",
    "choices",
    "min_value",
    "max_value",
    "unit",
    "max_length",
    "pattern",
    "allowed_file_types",
    "max_file_size_kb",
    "show_if_question",
    "show_if_values",
]


def _form_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(
        f"orderforms:{name}", args=[w.draft_version.form.slug, w.draft_version.number]
    )


TARGETS = [
    Target(
        "customer",
        "service_user",
        lambda w: reverse("orders:customer_new"),
        lambda w: {"name": "Hostile Ltd", "account_code": "HOST-1"},
        ["name", "account_code", "contact_name", "email", "phone", "address", "notes"],
    ),
    Target(
        "new order",
        "service_user",
        lambda w: reverse("orders:order_new"),
        lambda w: {**_header(w), "form": w.order_a.form_version.form_id},
        [*HEADER_FIELDS, "form"],
    ),
    Target(
        "order form draft save",
        "service_user",
        lambda w: reverse("orders:order_edit", args=[w.order_b.number]),
        lambda w: {**_header(w), **answer_post(COMPLETE)},
        [*ANSWER_FIELDS, *HEADER_FIELDS],
        files=["a-drawing"],
        saves_invalid=True,
        fresh=_fresh_draft,
    ),
    Target(
        "order form submit",
        "service_user",
        lambda w: reverse("orders:order_edit", args=[w.order_b.number]),
        lambda w: {**_header(w), **answer_post(COMPLETE), "submit": ""},
        [*ANSWER_FIELDS, *HEADER_FIELDS],
        files=["a-drawing"],
        saves_invalid=True,
        fresh=_fresh_draft,
    ),
    Target(
        "staff requirement",
        "service_user",
        lambda w: reverse("orders:requirement_add", args=[w.order_b.number]),
        lambda w: {
            "statement": "Crates",
            "category": "organisation",
            "discipline": w.slot_a.discipline_id,
        },
        ["statement", "category", "discipline"],
    ),
    Target(
        "confirmation",
        "service_user",
        lambda w: reverse("orders:revision_confirmation", args=[w.order_b.number, 1]),
        lambda w: {
            "method": "Phone call",
            "confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "new_subject": "Requirements read back",
            "new_channel": "phone",
        },
        ["method", "confirmed_at", "link", "new_subject", "new_channel"]
        + ["new_occurred_at"],
        fresh=_fresh_undocumented_order,
    ),
    Target(
        "portal save and submit",
        "anonymous",
        lambda w: reverse("orders:portal", args=[w.token_b]),
        lambda w: answer_post(COMPLETE),
        [*ANSWER_FIELDS, "submit"],
        files=["a-drawing"],
        saves_invalid=True,
        fresh=_fresh_draft,
    ),
    Target(
        "catalog request",
        "anonymous",
        lambda w: reverse("orders:catalog_request", args=[w.catalog_slug]),
        lambda w: {
            "c-name": "Ann",
            "c-email": "ann@example.com",
            **answer_post(COMPLETE),
        },
        ["c-name", "c-company", "c-email", "c-phone", "c-reference", *ANSWER_FIELDS],
        files=["a-drawing"],
    ),
    Target(
        "assessment",
        "reviewer",
        lambda w: reverse("reviews:assessment_save", args=[w.review_a.pk, w.slot_a.pk]),
        lambda w: {
            f"a{w.slot_a.pk}-verdict": "conditions",
            f"a{w.slot_a.pk}-note": "Only in steel",
            f"a{w.slot_a.pk}-version": "0",
        },
        ["a1-verdict", "a1-note", "a1-version"],
    ),
    Target(
        "signing",
        "approver",
        lambda w: reverse("reviews:decision_sign", args=[w.review_a.pk]),
        # Accepting is refused while slots are open, so the review stays undecided
        # and every example meets the signing form.
        lambda w: {
            "outcome": "accept",
            "reasons": "",
            "password": TEST_PASSWORD,
            **seen(w.review_a),
        },
        ["outcome", "reasons", "password"],
    ),
    Target(
        "communication",
        "service_user",
        lambda w: reverse("communications:communication_create"),
        lambda w: {
            "customer": w.order_a.customer_id,
            "order": w.order_a.pk,
            "direction": "in",
            "channel": "phone",
            "kind": "enquiry",
            "subject": "Call",
            "occurred_at": "2026-01-05 10:00",
        },
        ["customer", "order", "direction", "channel", "kind", "subject", "body"]
        + ["occurred_at"],
        files=["attachment"],
    ),
    Target(
        "follow-up",
        "service_user",
        lambda w: reverse(
            "communications:communication_follow_up", args=[w.communication.pk]
        ),
        lambda w: {"state": "in_progress", "resolution": ""},
        ["state", "resolution"],
    ),
    Target(
        "attachment",
        "service_user",
        lambda w: reverse("communications:attachment_add", args=[w.communication.pk]),
        lambda w: {},
        [],
        files=["attachment"],
    ),
    Target(
        "notice template",
        "form_admin",
        lambda w: reverse("communications:template_edit", args=["acknowledgement"]),
        lambda w: {"subject": "Got {{ order_number }}", "body": "Thanks"},
        ["subject", "body"],
    ),
    Target(
        "offering",
        "form_admin",
        lambda w: reverse("communications:offering_create"),
        lambda w: {
            "name": "Parts",
            "description": "",
            "order_form": w.order_a.form_version.form_id,
            "active": "on",
            "position": "1",
        },
        ["name", "description", "order_form", "active", "position"],
    ),
    Target(
        "new form",
        "form_admin",
        lambda w: reverse("orderforms:form_create"),
        lambda w: {"name": "Hostile form", "slug": "hostile-form"},
        ["name", "slug", "description"],
    ),
    Target(
        "edit form",
        "form_admin",
        lambda w: reverse("orderforms:form_edit", args=[w.draft_version.form.slug]),
        lambda w: {"name": "Draft form", "active": "on"},
        ["name", "description", "active"],
    ),
    Target(
        "question",
        "form_admin",
        _form_url("question_create"),
        lambda w: {
            "key": "width",
            "label": "Width",
            "kind": "decimal",
            "category": "stated",
            "discipline": w.slot_a.discipline_id,
        },
        QUESTION_FIELDS,
    ),
    Target(
        "question preview",
        "form_admin",
        _form_url("question_preview"),
        lambda w: {"key": "width", "label": "Width", "kind": "integer"},
        QUESTION_FIELDS,
        ok_on_200=True,
    ),
    Target(
        "publish",
        "form_admin",
        _form_url("version_publish"),
        lambda w: {"change_note": ""},
        ["change_note"],
    ),
    Target(
        "import",
        "form_admin",
        lambda w: reverse("orderforms:form_import"),
        lambda w: {"change_note": ""},
        ["publish", "change_note"],
        files=["file"],
    ),
    Target(
        "audit filters",
        "auditor",
        lambda w: reverse("audit:timeline"),
        lambda w: {},
        ["user", "model", "order", "date_from", "date_to", "before"],
        method="get",
    ),
    Target(
        "audit as-of",
        "auditor",
        lambda w: reverse("audit:order_as_of", args=[w.order_a.number]),
        lambda w: {},
        ["at"],
        method="get",
    ),
    Target(
        "order list filters",
        "service_user",
        lambda w: reverse("orders:order_list"),
        lambda w: {},
        ["q", "status", "customer", "form", "channel", "date_from", "date_to"]
        + ["to_assess", "sort", "page", "revision"],
        method="get",
    ),
    Target(
        "communication filters",
        "service_user",
        lambda w: reverse("communications:communication_list"),
        lambda w: {},
        ["q", "customer", "order", "kind", "direction", "channel", "follow_up"]
        + ["occurred_from", "occurred_to", "page"],
        method="get",
    ),
    Target(
        "customer and notice filters",
        "service_user",
        lambda w: reverse("orders:customer_list"),
        lambda w: {},
        ["q", "page"],
        method="get",
    ),
]


def _field_name(target: Target, world: World, name: str) -> str:
    # Assessment fields carry the slot's id in their prefix.
    return name.replace("a1-", f"a{world.slot_a.pk}-", 1)


@pytest.fixture
def clients(service_user, reviewer, approver, auditor, form_admin) -> dict:
    made = {"anonymous": Client()}
    for role, user in {
        "service_user": service_user,
        "reviewer": reviewer,
        "approver": approver,
        "auditor": auditor,
        "form_admin": form_admin,
    }.items():
        made[role] = Client()
        made[role].force_login(user)
    return made


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
@EXAMPLES
@given(data=st.data())
def test_hostile_values_never_break_a_form(target, world, clients, data):
    if target.fresh is not None:
        world = target.fresh(world)
    payload = target.base(world)
    fields = [_field_name(target, world, name) for name in target.fields]
    if fields:
        spoiled = data.draw(
            st.dictionaries(st.sampled_from(fields), VALUE, min_size=1, max_size=4),
            label="values",
        )
        payload.update(spoiled)
    for name in target.files:
        if data.draw(st.booleans(), label=f"upload {name}"):
            payload[name] = data.draw(UPLOAD, label=name)
    client = clients[target.role]
    before = history_rows()
    response = getattr(client, target.method)(target.url(world), payload)

    assert response.status_code < 500
    if target.method == "get":
        assert response.status_code == 200
        return
    assert response.status_code in (200, 302, 429), response.status_code
    if response.status_code == 200 and not target.ok_on_200:
        page = response.content.decode()
        assert any(marker in page for marker in ERROR_MARKERS), page[:2000]
        if not target.saves_invalid:
            assert history_rows() == before, "a refused form wrote something"


def _token(*values: object) -> str:
    import base64
    import json

    raw = json.dumps(list(values)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


FAR_DATE_PAGES = [
    ("service_user", "/communications/?occurred_to=9999-12-31", "occurred_to"),
    ("service_user", "/communications/?occurred_from=9999-12-31", "occurred_from"),
    ("auditor", "/audit/?date_to=9999-12-31", "date_to"),
    ("auditor", "/audit/?date_from=0001-01-01", "date_from"),
    ("service_user", "/orders/?date_to=9999-12-31", "date_to"),
]


@pytest.mark.parametrize(("role", "url", "field_name"), FAR_DATE_PAGES)
def test_a_date_at_the_end_of_the_calendar_is_a_message_not_a_server_error(
    clients, role, url, field_name
):
    response = clients[role].get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a date between 1 January 1900 and 31 December 2999." in page


def test_the_audit_export_of_a_date_at_the_end_of_the_calendar_is_refused(clients):
    response = clients["auditor"].get("/audit/timeline.csv?date_to=9999-12-31")

    assert response.status_code == 200
    assert b"Enter a date between" in response.content


@pytest.mark.parametrize(
    ("role", "url", "token"),
    [
        ("service_user", "/customers/", _token("a\x00b", 1)),
        ("service_user", "/orders/?sort=customer", _token("a\x00b", None, 1)),
        ("service_user", "/orders/?sort=number", _token("SO\x00")),
        ("service_user", "/communications/", _token("a\x00", 1)),
    ],
)
def test_a_page_link_with_a_nul_byte_gives_the_first_page(
    clients, world, role, url, token
):
    joiner = "&" if "?" in url else "?"
    response = clients[role].get(f"{url}{joiner}after={token}")

    assert response.status_code == 200
