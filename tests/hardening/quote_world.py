"""A reviewed quote with a customer link, for walks over every URL (tests/hardening)."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from orderreview import roles
from orders.models import Channel
from requirements import quote_portal
from requirements import services as req_services
from reviews import services as review_services
from reviews import statutory
from reviews.models import Review
from tests import factories
from tests.intake.conftest import COMPLETE


def quote_world(version, customer, user, approver) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """URL name -> path parameters of the quote link pages, with real objects."""
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.EMAIL,
        customer=customer,
        documented_statement=True,
        answers=COMPLETE,
        kind="quote",
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    req_services.revision_submit(revision=revision, user=user)
    review = Review.objects.get(order=revision.order)
    assessor = factories.UserFactory()
    assessor.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    for slot in review.assessments.select_related("discipline"):
        slot.discipline.members.add(assessor)
        review_services.assessment_record(
            assessment=slot,
            user=assessor,
            verdict="can_meet",
            note="",
            version=slot.version,
        )
    for check in review.statutory_checks.select_related("discipline"):
        check.discipline.members.add(assessor)
        statutory.check_record(
            check=check, user=assessor, state="complies", note="", version=check.version
        )
    review_services.decision_sign(
        review=review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=factories.TEST_PASSWORD,
    )
    quote = revision.order
    _, token = quote_portal.quote_link_create(quote=quote, user=user)
    return {
        "orders:quote_pdf": {"number": quote.number},
        "orders:quote_link": {"number": quote.number},
        "orders:quote_portal": {"token": token},
    }
