"""Fixtures of the audit tests for disposal: a signed order with a drawing and contact
details, an old communication with an attachment, and two records controllers."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communications import services as comm_services
from communications.models import Communication
from orderreview import roles
from orders.models import Channel, Order, Question
from requirements import services as req_services
from reviews import services as review_services
from tests import factories
from tests.conftest import _user_with_role
from tests.factories import TEST_PASSWORD

DRAWING = b"%PDF-1.4 a drawing of a bracket\n"
DRAWING_SHA = hashlib.sha256(DRAWING).hexdigest()
LETTER = b"%PDF-1.4 the customer's letter\n"
LETTER_SHA = hashlib.sha256(LETTER).hexdigest()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def retention_over(settings):
    """Every record type's period is over as soon as its clock started."""
    settings.RETENTION_YEARS = {"orders": 0, "communications": 0, "complaints": 0}


@pytest.fixture
def keeper(db):
    return _user_with_role("keeper", roles.RECORDS_CONTROLLER)


@pytest.fixture
def second_keeper(db):
    return _user_with_role("keeper2", roles.RECORDS_CONTROLLER)


@pytest.fixture
def drawing_version(engineering):
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Brackets", slug="brackets")
    )
    factories.QuestionFactory(
        version=version,
        key="part",
        label="Part",
        kind=Question.Kind.SHORT_TEXT,
        position=1,
        discipline=engineering,
    )
    factories.QuestionFactory(
        version=version,
        key="drawing",
        label="Drawing",
        kind=Question.Kind.FILE,
        allowed_file_types="pdf",
        position=2,
        discipline=engineering,
    )
    return factories.publish_version(version)


@pytest.fixture
def signed_order(media, drawing_version, service_user, reviewer, approver) -> Order:
    """Accepted and signed, with a drawing on disk and a contact on the order."""
    draft = req_services.intake_start(
        user=service_user,
        form_version=drawing_version,
        channel=Channel.EMAIL,
        documented_statement=True,
        customer=factories.CustomerFactory(name="Acme Brackets", account_code="ACME"),
        contact_details={"name": "Jo Buyer", "email": "jo@acme.example"},
        answers={
            "part": "BR-7",
            "drawing": SimpleUploadedFile(
                "bracket.pdf", DRAWING, content_type="application/pdf"
            ),
        },
    )
    revision = req_services.revision_submit(revision=draft, user=service_user)
    review = revision.review
    for slot in review.assessments.filter(verdict=""):
        review_services.assessment_record(
            assessment=slot,
            user=reviewer,
            verdict="can_meet",
            note="",
            version=slot.version,
        )
    review_services.decision_sign(
        review=review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=TEST_PASSWORD,
    )
    return Order.objects.get(pk=revision.order_id)


@pytest.fixture
def old_complaint(media, service_user) -> Communication:
    """A complaint with a letter attached, closed (its retention clock runs)."""
    complaint = comm_services.communication_record(
        customer=factories.CustomerFactory(name="Bolt & Co", account_code="BOLT"),
        direction="in",
        channel="email",
        kind="complaint",
        subject="Scratched brackets",
        body="Jo Buyer, +44 20 7946 0000, says the brackets came scratched.",
        occurred_at=timezone.now() - dt.timedelta(days=3),
        recorded_by=service_user,
        attachment=SimpleUploadedFile("letter.pdf", LETTER),
    )
    return comm_services.communication_follow_up(
        communication=complaint,
        state="closed",
        resolution="Replaced; credit note to Jo Buyer.",
        user=service_user,
    )
