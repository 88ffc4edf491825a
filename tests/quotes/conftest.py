"""Quote fixtures: quotes entered, reviewed and signed through the real services
(the change-order fixtures' form, team and helpers)."""

import datetime

import pytest
from django.utils import timezone

from orders.models import Channel
from requirements import services as req_services
from requirements.models import RequirementSet
from tests import factories
from tests.changes.conftest import (  # noqa: F401  (fixtures)
    ANSWERS,
    assess_all,
    change_version,
    planner,
    sign,
    team,
)


def valid_until(days: int = 30) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def submitted_quote(version, user, answers=None, customer=None) -> RequirementSet:
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.EMAIL,
        customer=customer or factories.CustomerFactory(),
        documented_statement=True,
        answers=answers or ANSWERS,
        kind="quote",
        valid_until=valid_until(),
    )
    return req_services.revision_submit(revision=revision, user=user)


@pytest.fixture
def reviewed_quote(change_version, service_user, team, approver):  # noqa: F811
    """A quote reviewed and signed: capability confirmed."""
    revision = submitted_quote(change_version, service_user)
    review = revision.review
    assess_all(review, team)
    sign(review, approver)
    revision.order.refresh_from_db()
    return revision.order
