"""What make bench measures: (name, path) of each page, or (name, path, username)
for a page seen as someone other than the bench's --user; the orders, reviews and
people are picked from the benchmark database."""

import urllib.parse

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from devtools.scale.large_order import FORM_SLUG as BENCH_FORM


def bench_pages() -> list[tuple]:
    """(name, path) of every page measured, or (name, path, username) for one seen
    as another user than --user; objects are picked from the database."""
    from orders.models import Order

    pages = [
        ("baseline (trivial view)", reverse("healthz")),
        ("login page", "/accounts/login/"),
    ]
    # The order of many lines has pages of its own (below): the usual ones are
    # measured on an everyday order.
    order = (
        Order.objects.exclude(status="draft")
        .exclude(form_version__form__slug=BENCH_FORM)
        .order_by("-pk")
        .first()
    )
    candidates = [
        ("order list", "orders:order_list", []),
        ("order list filtered", "orders:order_list", []),
        ("order detail", "orders:order_detail", [order.number] if order else None),
        ("review page", "reviews:review_detail", _review_args()),
        ("audit timeline", "audit:timeline", []),
        ("dashboard", "home", []),
    ]
    for name, url_name, args in candidates:
        if args is None:
            continue
        try:
            path = reverse(url_name, args=args)
        except NoReverseMatch:
            continue
        if name == "order list filtered":
            path += "?status=in_review&channel=phone"
        pages.append((name, path))
    return (
        pages
        + _search_and_filter_pages(order)
        + _pages_seen_by_others()
        + large_order_pages()
    )


def _busy_reviewer() -> str | None:
    """The reviewer whose discipline has the most open review slots: the longest
    "My reviews" queue there is."""
    from reviews.models import Assessment, Review

    busiest = (
        Assessment.objects.filter(review__state=Review.State.OPEN)
        .values("discipline")
        .annotate(slots=Count("pk"))
        .order_by("-slots")
        .first()
    )
    if busiest is None:
        return None
    from orderreview.models import User

    member = (
        User.objects.filter(disciplines=busiest["discipline"], is_active=True)
        .exclude(username="admin")
        .order_by("username")
        .first()
    )
    return member.username if member else None


def _pages_seen_by_others() -> list[tuple[str, str, str]]:
    """ "My reviews" as that reviewer sees it (issue 19), logged in as them, and the
    home page as an approver sees it: the management dashboard and their own queues
    (the "dashboard" row is admin's, with every role's queues)."""
    pages = []
    username = _busy_reviewer()
    if username is not None:
        pages.append(
            ("my reviews (busy reviewer)", reverse("reviews:my_reviews"), username)
        )
    approver = _approver()
    if approver is not None:
        pages.append(("dashboard (approver)", reverse("home"), approver))
    return pages


def _approver() -> str | None:
    from django.contrib.auth.models import Group

    from orderreview import roles
    from orderreview.models import User

    approvers = Group.objects.filter(name=roles.APPROVER)
    user = (
        User.objects.filter(groups__in=approvers, is_active=True, is_superuser=False)
        .order_by("username")
        .first()
    )
    return user.username if user else None


def large_order_pages() -> list[tuple[str, str]]:
    """The review page, acceptance record and its PDF of the order of many lines
    seed_large_order made (200 lines x 15 questions, 3,000 requirements: issue
    17)."""
    from orders.models import Order
    from reviews.models import Review

    order = (
        Order.objects.filter(form_version__form__slug=BENCH_FORM)
        .order_by("-pk")
        .first()
    )
    review = (
        Review.objects.filter(order=order).select_related("requirement_set").first()
        if order
        else None
    )
    if review is None:
        return []
    args = [order.number, review.requirement_set.number]
    size = order.customer_reference.removeprefix("BENCH-")  # "200x15"
    return [
        (f"review page {size}", reverse("reviews:review_detail", args=[review.pk])),
        (f"record {size}", reverse("reviews:acceptance_record", args=args)),
        (f"record PDF {size}", reverse("reviews:acceptance_record_pdf", args=args)),
    ]


def _search_and_filter_pages(order: object) -> list[tuple[str, str]]:
    """Searches (issue 19: trigram and prefix indexes), the audit timeline filtered
    by order and by user, and an order's as-of page."""
    from orderreview.models import User

    if order is None:
        return []
    orders = reverse("orders:order_list")
    timeline = reverse("audit:timeline")
    log = reverse("communications:communication_list")
    admin = User.objects.filter(username="admin").first()
    as_of = reverse("audit:order_as_of", args=[order.number])
    # The whole history replayed up to a moment: the form alone is a light page.
    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
    pages = [
        ("search: order number prefix", f"{orders}?q={order.number[:-3]}"),
        ("search: customer code", f"{orders}?q={order.customer.account_code}"),
        ("search: customer reference", f"{orders}?q={order.customer_reference}"),
        ("search: communication text", f"{log}?q=received"),
        ("audit timeline by order", f"{timeline}?order={order.number}"),
        ("order as of now", f"{as_of}?at={moment}"),
    ]
    if admin is not None:
        pages.append(("audit timeline by user", f"{timeline}?user={admin.pk}"))
    return [(name, urllib.parse.quote(path, safe="/?=&")) for name, path in pages]


def _review_args() -> list | None:
    try:
        from reviews.models import Review
    except ImportError:
        return None
    review = (
        Review.objects.exclude(order__form_version__form__slug=BENCH_FORM)
        .order_by("-pk")
        .first()
    )
    return [review.pk] if review else None
