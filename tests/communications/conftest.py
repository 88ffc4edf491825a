"""Fixtures for the communications tests: a customer with an order and its revision."""

import pytest
from django.utils import timezone

from reviews.models import Assessment, Decision, Review
from tests import factories


@pytest.fixture
def customer(db):
    return factories.CustomerFactory(
        name="Acme Precision Ltd", contact_name="Jo Buyer", email="buyer@acme.example"
    )


@pytest.fixture
def order(customer):
    return factories.OrderFactory(customer=customer, customer_reference="PO-7781")


@pytest.fixture
def revision(order, engineering):
    revision = factories.RequirementSetFactory(order=order, state="submitted")
    factories.RequirementFactory(
        requirement_set=revision, statement="Material", value="Stainless 316L"
    )
    factories.RequirementFactory(
        requirement_set=revision, statement="Quantity", value=250
    )
    return revision


def make_review(revision, *, conditions: str = "") -> Review:
    """A review of revision with every requirement assessed (one with conditions)."""
    review = Review.objects.create(
        requirement_set=revision,
        order=revision.order,
        due_date=timezone.localdate(),
    )
    for index, requirement in enumerate(revision.requirements.all()):
        with_conditions = conditions and index == 0
        Assessment.objects.create(
            review=review,
            requirement=requirement,
            discipline=requirement.discipline,
            verdict="conditions" if with_conditions else "can_meet",
            note=conditions if with_conditions else "",
        )
    return review


def make_decision(review: Review, user, *, outcome: str, reasons: str = ""):
    return Decision.objects.create(
        review=review,
        outcome=outcome,
        reasons=reasons,
        decided_by=user,
        decided_at=timezone.now(),
    )
