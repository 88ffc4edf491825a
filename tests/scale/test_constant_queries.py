"""Every list and detail page runs the same number of SQL queries whatever it shows.

The data is seed_scale's own (orders in every state, change orders, reviews,
signatures, communications, history), first with the demo orders seed_demo makes
(seed_scale runs it; at least 2 orders), then topped up to 60 so
that every list shows a full page of 50 rows and the detail pages are picked for the
most rows they have. One test measures all pages at both sizes, because seeding is the
slow part; it reports every page whose count differs from its pin at once.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import dashboard_snapshot
from devtools import scale
from orderreview.models import User
from orders.models import Customer, Order, OrderForm, OrderFormVersion, Question
from reviews.models import ApprovalRule, Review
from tests import factories

FEW, MANY = 2, 60


@dataclass(frozen=True)
class Page:
    user: str | None
    url: Callable[[], str]
    # Pinned count, and what the queries are.
    queries: int
    why: str


def _newest_order(**filters: object) -> Order:
    return Order.objects.filter(**filters).order_by("-pk").first()


def _largest_open_review() -> Review:
    # A change order's review: the page's longest path (it also shows the diff).
    return (
        Review.objects.filter(state="open", requirement_set__number__gt=1)
        .annotate(n=Count("assessments"))
        .order_by("-n", "-pk")
        .first()
    )


def _record_url() -> str:
    review = (
        Review.objects.filter(state="decided")
        .select_related("order", "requirement_set")
        .order_by("-requirement_set__number", "-pk")
        .first()
    )
    return reverse(
        "reviews:acceptance_record",
        args=[review.order.number, review.requirement_set.number],
    )


def _newest_draft() -> OrderFormVersion:
    return OrderFormVersion.objects.filter(status="draft").order_by("-pk").first()


def _busiest_customer() -> str:
    customer = (
        Customer.objects.annotate(n=Count("orders")).order_by("-n", "-pk").first()
    )
    return reverse("orders:customer_detail", args=[customer.pk])


def _order_history() -> str:
    order = _newest_order(status="accepted")
    return reverse("audit:object_history", args=["orders.order", order.pk])


# Every logged-in page starts with: the session, the user, the user's groups.
def _home_after_sweep() -> str:
    """Home as an approver sees it once the worker has swept: the figures stored."""
    dashboard_snapshot.dashboard_sweep()
    return reverse("home")


SESSION = "session, user, groups"
PAGES = {
    "order list": Page(
        "admin",
        lambda: reverse("orders:order_list"),
        7,
        f"{SESSION}; one page of orders with customer and form; the filter form's "
        "customers, forms and disciplines",
    ),
    "order list filtered": Page(
        "admin",
        lambda: reverse("orders:order_list") + "?status=accepted&sort=customer",
        7,
        f"{SESSION}; the filtered page; the filter form's three choice lists",
    ),
    "order detail": Page(
        "admin",
        lambda: reverse(
            "orders:order_detail",
            args=[(_newest_order(revisions__number=2) or _newest_order()).number],
        ),
        11,
        f"{SESSION}; the order with customer, form and people; its revisions with "
        "their reviews (slot counts, any customer agreement to conditions, its "
        "recorder and communication: reviews.order_panel); the shown revision's "
        "requirements; their change notifications; its disposal under retention; "
        "its communications; its notices that failed; its customer property",
    ),
    "revision confirmation": Page(
        "service",
        lambda: reverse(
            "orders:revision_confirmation",
            args=[_newest_order(documented_statement=False).number, 1],
        ),
        7,
        f"{SESSION}; the order with customer, form and people; the revision with "
        "its confirmation, who confirmed it, its communication and file; the "
        "order's communications; their files",
    ),
    "customer list": Page(
        "admin", lambda: reverse("orders:customer_list"), 4, f"{SESSION}; one page"
    ),
    "customer detail": Page(
        "admin",
        _busiest_customer,
        6,
        f"{SESSION}; the customer; their orders; their communications",
    ),
    "my reviews": Page(
        "engineer",
        lambda: reverse("reviews:my_reviews"),
        4,
        f"{SESSION}; the open reviews of the reviewer's disciplines",
    ),
    "review page": Page(
        "engineer",
        lambda: reverse("reviews:review_detail", args=[_largest_open_review().pk]),
        11,
        f"{SESSION}; the review with order and revision (and the revision's order "
        "and form version: the value setting, for the value's change); its "
        "statutory checks; the reviewer's disciplines; the counts of its slots by "
        "line and discipline (reviews.line_counts); the slots shown with "
        "requirement, discipline, assessor and carried-from; the diff: earlier "
        "revisions, the baseline's and this revision's requirements",
    ),
    "acceptance record": Page(
        "admin",
        _record_url,
        11,
        f"{SESSION}; the review (with any customer agreement to conditions and "
        "its communication, and the form version whose value setting gives the "
        "order's value); assessments; statutory checks; requirements; "
        "signatures; the predecessor hash of the first; the chain's first "
        "signature (with the approval rules at each); who was told of the "
        "change, with their acknowledgements",
    ),
    "communications list": Page(
        "admin",
        lambda: reverse("communications:communication_list"),
        5,
        f"{SESSION}; one page of communications; the filter form's customers",
    ),
    "notices": Page(
        "admin",
        lambda: reverse("communications:notice_list"),
        4,
        f"{SESSION}; one page of notices with order and customer",
    ),
    "order value setting": Page(
        "formadmin",
        lambda: reverse(
            "orderforms:version_value",
            args=[_newest_draft().form.slug, _newest_draft().number],
        ),
        5,
        f"{SESSION}; the version with its form; its questions with disciplines",
    ),
    "form list": Page(
        "formadmin",
        lambda: reverse("orderforms:form_list"),
        5,
        f"{SESSION}; the forms; their versions",
    ),
    "audit timeline": Page(
        "auditor",
        lambda: reverse("audit:timeline"),
        7,
        f"{SESSION}; one page of the UNION ALL of history tables; the users who "
        "made those changes; the numbers of the orders they concern (as-of "
        "links); the user filter",
    ),
    "object history": Page(
        "auditor",
        _order_history,
        7,
        f"{SESSION}; the object's history rows; the names its foreign keys point "
        "at: customers, form versions with their form, users",
    ),
    "dashboard": Page(
        "approver",
        _home_after_sweep,
        7,
        f"{SESSION}; change notifications to acknowledge; the reviewer's queue; "
        "the dashboard snapshot (the worker's sweep computes the figures; "
        "tests/scale/test_dashboard_cache.py counts a first view); open complaints",
    ),
    "customer service home": Page(
        "service",
        lambda: reverse("home"),
        11,
        f"{SESSION}; change notifications to acknowledge; drafts; customers to "
        "confirm; revisions whose requirements the customer must confirm; orders "
        "waiting for the customer's agreement to conditions; orders whose "
        "conditions the customer declined; unsent notices; open follow-ups",
    ),
    "catalog": Page(
        None,
        lambda: reverse("communications:catalog"),
        3,
        "the active offerings; their applicable regulations; the approved, valid "
        "claims",
    ),
    "approval rules": Page(
        "formadmin",
        lambda: reverse("reviews:approval_rule_list"),
        4,
        f"{SESSION}; the rules",
    ),
    "statutory register": Page(
        "formadmin",
        lambda: reverse("regulations:register_list"),
        5,
        f"{SESSION}; the entries with their discipline; the forms they apply to",
    ),
}


def _extra_rows(count: int) -> None:
    """Rows seed_scale does not make: notices, offerings, more order forms."""
    order = Order.objects.order_by("pk").first()
    factories.OutboundNoticeFactory.create_batch(count, order=order, status="failed")
    factories.OfferingFactory.create_batch(count)
    form = OrderForm.objects.order_by("pk").first()
    factories.StatutoryRequirementFactory.create_batch(count, forms=[form])
    start = ApprovalRule.objects.count()
    for index in range(start, start + count):
        ApprovalRule.objects.create(
            name=f"Rule {index}",
            conditions=[{"kind": "answer_yes", "question": f"q-{index}"}],
        )
    for _ in range(count):
        factories.published_version(questions=1)
    # A draft whose value setting page lists as many questions as rows grow.
    draft = factories.OrderFormVersionFactory()
    for index in range(count):
        factories.QuestionFactory(
            version=draft,
            kind=Question.Kind.AMOUNT if index % 2 else Question.Kind.INTEGER,
            currencies=["EUR"] if index % 2 else [],
        )
    # History grows for the order whose history page is measured.
    target = _newest_order(status="accepted")
    # Saved by a person, as in the app: the timeline's newest rows then name a user
    # at both sizes (a page where nobody is named skips the user look-up).
    target._history_user = User.objects.get(username="service")
    # (The confirmation note, not the customer reference: a submitted order's
    # signed fields are refused by the database.)
    for index in range(count):
        target.confirmation_method = f"Phone call {index}"
        target.save()


def _measure(client) -> dict[str, int]:
    counts = {}
    for name, page in PAGES.items():
        url = page.url()
        if page.user:
            client.force_login(User.objects.get(username=page.user))
        else:
            client.logout()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {url} -> {response.status_code}"
        counts[name] = len(captured)
    return counts


@pytest.mark.django_db
def test_no_page_runs_more_queries_as_rows_grow(client):
    scale.seed_scale(orders=FEW)
    _extra_rows(1)
    few = _measure(client)
    scale.seed_scale(orders=MANY)
    _extra_rows(49)
    assert OrderForm.objects.count() >= 50
    many = _measure(client)
    table = {name: (few[name], many[name], PAGES[name].queries) for name in PAGES}
    wrong = {
        name: f"{a} with few rows, {b} with many, pinned {c}"
        for name, (a, b, c) in table.items()
        if not a == b == c
    }
    assert wrong == {}, "\n".join(f"{k}: {v}" for k, v in wrong.items())
