"""Who made a change, and why: the author and reason of its history row.

django-simple-history takes a history row's author from the instance's
``_history_user`` (else from the request, through its middleware) and the reason
from ``_change_reason``. Services name both themselves, because they also run
where there is no request (the customer portal, the worker, management commands)
and because the person a service acts for is the one to record. This helper is
the one place those private attribute names are written.
"""

from typing import TypeVar

from django.db import models

from orderreview.models import User

# The length of django-simple-history's history_change_reason column.
REASON_MAX_LENGTH = 100

Instance = TypeVar("Instance", bound=models.Model)


def attribute(
    instance: Instance, *, user: User | None, reason: str | None = None
) -> Instance:
    """Name who makes the next save() or delete() of instance, and why.

    user None records no author (the customer through the portal, the worker):
    the request's user is then not used either. reason None leaves any reason
    given before; a longer reason is cut to fit its column.
    """
    instance._history_user = user
    if reason is not None:
        instance._change_reason = reason[:REASON_MAX_LENGTH]
    return instance
