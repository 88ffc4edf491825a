"""Roles are Django groups. Views check them through role_required.

Auditors read everything and change nothing: wherever a view admits read-only roles,
their state-changing requests are refused with 403.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

CUSTOMER_SERVICE = "Customer service"
REVIEWER = "Reviewer"
APPROVER = "Approver"
AUDITOR = "Auditor"
FORM_ADMIN = "Form admin"
# People outside the review (purchasing, shipping, production planning) whom an
# awareness rule tells of changes: they read and acknowledge change notifications.
MADE_AWARE = "Made aware of changes"
# Who disposes of records past their retention period (ISO 9001 7.5.3.2): one asks,
# another approves. Not auditors as such: auditors change nothing.
RECORDS_CONTROLLER = "Records controller"
# Who registers webhook endpoints (an ERP or MRP system), sees their secrets and
# re-sends deliveries. Auditors read the delivery log, without the secrets.
INTEGRATIONS_ADMIN = "Integrations admin"
ALL_ROLES = (
    CUSTOMER_SERVICE,
    REVIEWER,
    APPROVER,
    AUDITOR,
    FORM_ADMIN,
    MADE_AWARE,
    RECORDS_CONTROLLER,
    INTEGRATIONS_ADMIN,
)

# Named groups of roles, for role_required, has_role and the services that check a
# role themselves. Each says who, by what they do; define a new one here, not in a view.
# Who assesses requirements and decides reviews (approvers also review).
REVIEWING = (REVIEWER, APPROVER)
# Who reads orders without changing them: reviewers to assess, auditors everything.
ORDER_READERS = (AUDITOR, REVIEWER, APPROVER)
# Who may open an order's page and download its files.
ORDER_OPENERS = (CUSTOMER_SERVICE, *ORDER_READERS)
# Who reads a review without taking part in it.
REVIEW_READERS = (AUDITOR, CUSTOMER_SERVICE)
# Who opens reviews and acceptance records from an order's page.
REVIEW_OPENERS = (*REVIEWING, *REVIEW_READERS)
# Who is told of a change order and acknowledges it.
CHANGE_NOTIFIED = (CUSTOMER_SERVICE, REVIEWER, APPROVER, MADE_AWARE)
# Who reads customers' pages and the communications on file: customer service, who
# keeps them, and auditors.
CUSTOMER_READERS = (CUSTOMER_SERVICE, AUDITOR)
# Read-only access for auditors, where the working role is another.
AUDITORS = (AUDITOR,)
# Who reads the auditor's workspace (the timeline, the chain, retention).
AUDIT_READERS = (AUDITOR, APPROVER)
# Who reads the retention report and disposal requests without acting on them.
RETENTION_READERS = (*AUDIT_READERS, RECORDS_CONTROLLER)
# Who reads published order forms and their questions (to enter orders, to edit
# the forms, to audit them).
ORDER_FORM_READERS = (CUSTOMER_SERVICE, FORM_ADMIN, AUDITOR)
# Who keeps the approval rules that say who must sign an acceptance (reviews).
APPROVAL_RULE_KEEPERS = (FORM_ADMIN,)
# Who reads them without changing them.
APPROVAL_RULE_READERS = (AUDITOR, APPROVER)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# Model permissions each group gets, for the Django admin. Views check roles, not these.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CUSTOMER_SERVICE: [
        "orders.add_customer",
        "orders.change_customer",
        "orders.view_customer",
        "orders.add_order",
        "orders.change_order",
        "orders.view_order",
        "orders.view_orderform",
        "orders.view_orderformversion",
        "orders.view_question",
        "requirements.view_requirementset",
        "requirements.view_requirement",
    ],
    REVIEWER: [
        "orders.view_order",
        "orders.view_customer",
        "requirements.view_requirementset",
        "requirements.view_requirement",
        "reviews.view_review",
        "reviews.view_assessment",
    ],
    APPROVER: [
        "reviews.view_decision",
        "reviews.view_signature",
    ],
    AUDITOR: [],  # filled with every view_* permission in sync_roles
    FORM_ADMIN: [
        "orders.add_orderform",
        "orders.change_orderform",
        "orders.view_orderform",
        "orders.add_orderformversion",
        "orders.change_orderformversion",
        "orders.view_orderformversion",
        "orders.add_question",
        "orders.change_question",
        "orders.delete_question",
        "orders.view_question",
        "orders.view_discipline",
        "requirements.add_awarenessrule",
        "requirements.change_awarenessrule",
        "requirements.delete_awarenessrule",
        "requirements.view_awarenessrule",
    ],
    MADE_AWARE: [],
    RECORDS_CONTROLLER: [],
    INTEGRATIONS_ADMIN: [],
}


def sync_roles(**kwargs: object) -> None:
    """Create the role groups if missing and attach their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == AUDITOR:
            perms = Permission.objects.filter(codename__startswith="view_")
        else:
            wanted = ROLE_PERMISSIONS[role]
            perms = [
                perm
                for perm in Permission.objects.select_related("content_type")
                if f"{perm.content_type.app_label}.{perm.codename}" in wanted
            ]
        group.permissions.set(perms)


def user_roles(user: object) -> frozenset[str]:
    """The role names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_orderreview_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._orderreview_roles = cached
    return cached


def has_role(user: object, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(user_roles(user) & set(roles))


def role_required(
    *roles: str, read_only: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let in users holding one of roles; read_only roles may only read (GET/HEAD)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: object, **kwargs: object):
            if has_role(request.user, *roles):
                return view(request, *args, **kwargs)
            readable = request.method in SAFE_METHODS
            if read_only and readable and has_role(request.user, *read_only):
                return view(request, *args, **kwargs)
            raise PermissionDenied

        return wrapped

    return decorator


def roles_context(request: HttpRequest) -> dict[str, object]:
    """Template flags for navigation: each role sees only what it may do."""
    user = getattr(request, "user", None)
    roles = user_roles(user)
    superuser = bool(getattr(user, "is_superuser", False))

    def holds(*names: str) -> bool:
        return superuser or bool(roles & set(names))

    return {
        "role": {
            "customer_service": holds(CUSTOMER_SERVICE),
            "reviewer": holds(REVIEWER, APPROVER),
            "approver": holds(APPROVER),
            "auditor": holds(AUDITOR),
            "form_admin": holds(FORM_ADMIN),
            "records_controller": holds(RECORDS_CONTROLLER),
            "integrations_admin": holds(INTEGRATIONS_ADMIN),
            "names": sorted(roles),
        }
    }
