"""Who may call what: the roles of the web page that does the same job.

Each API view names its roles the way the page's role_required does, from the named
groups of orderreview.roles; read_only roles may only read (GET, HEAD, OPTIONS).
"""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from orderreview import roles


def roles_allowed(
    *allowed: str, read_only: tuple[str, ...] = ()
) -> type[BasePermission]:
    """A DRF permission class letting in allowed roles, and read_only roles for
    reading. Anonymous requests are refused as not authenticated (401)."""

    class RolePermission(BasePermission):
        message = "Your roles do not allow this."

        def has_permission(self, request: Request, view: APIView) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False
            if roles.has_role(user, *allowed):
                return True
            reading = request.method in roles.SAFE_METHODS
            return reading and bool(read_only) and roles.has_role(user, *read_only)

    RolePermission.__name__ = "RolePermission_" + "_".join(
        role.replace(" ", "") for role in allowed
    )
    return RolePermission


# The pages these mirror: orders:customer_list / customer_new / customer_edit.
CustomerAccess = roles_allowed(roles.CUSTOMER_SERVICE, read_only=roles.AUDITORS)
# orders:order_list and order_detail.
OrderAccess = roles_allowed(roles.CUSTOMER_SERVICE, read_only=roles.ORDER_READERS)
# Published forms and their questions, to build an input for new orders: whoever
# enters orders (orders:order_new), form admins and auditors (orderforms pages).
OrderFormAccess = roles_allowed(read_only=roles.ORDER_FORM_READERS)
# reviews:review_detail, acceptance_record and acceptance_record_pdf: whoever
# reviews and decides, and customer service and auditors reading.
ReviewAccess = roles_allowed(*roles.REVIEWING, read_only=roles.REVIEW_READERS)
