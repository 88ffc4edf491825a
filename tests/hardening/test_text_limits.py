"""Every free-text field has a limit: a clear message in the form, and the database
refuses anything longer that arrives another way."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from communications.forms import (
    CommunicationForm,
    FollowUpForm,
    NoticeTemplateForm,
    OfferingForm,
)
from communications.models import Communication, NoticeTemplate, Offering
from orderreview import textlimits
from orders.forms import CustomerForm, RequirementForm
from orders.models import Customer, OrderForm, OrderFormVersion, Question
from orders.orderforms.answer_form import form_class_for_questions
from orders.orderforms.builder_forms import OrderFormCreateForm, QuestionForm
from requirements.forms import ChangeOrderForm
from requirements.models import Requirement, RequirementSet
from reviews.forms import AssessmentForm, DecisionForm
from reviews.models import Assessment, Decision
from tests import factories
from tests.reviews.conftest import submit_revision

pytestmark = pytest.mark.django_db

MESSAGE = "Ensure this value has at most"


@pytest.mark.parametrize(
    ("form_class", "field", "limit"),
    [
        (AssessmentForm, "note", textlimits.NOTE),
        (DecisionForm, "reasons", textlimits.NOTE),
        (ChangeOrderForm, "reason", textlimits.NOTE),
        (CustomerForm, "notes", textlimits.NOTE),
        (CustomerForm, "address", textlimits.NOTE),
        (RequirementForm, "statement", textlimits.NOTE),
        (CommunicationForm, "body", textlimits.BODY),
        (FollowUpForm, "resolution", textlimits.NOTE),
        (NoticeTemplateForm, "body", textlimits.BODY),
        (QuestionForm, "help_text", textlimits.HELP),
        (QuestionForm, "label", 300),
        (OfferingForm, "description", textlimits.NOTE),
        (OrderFormCreateForm, "description", textlimits.NOTE),
    ],
)
def test_a_form_refuses_text_over_its_limit_beside_the_field(form_class, field, limit):
    form = form_class(data={field: "x" * (limit + 1)})

    form.is_valid()

    assert MESSAGE in " ".join(form.errors[field])
    assert MESSAGE not in " ".join(
        form_class(data={field: "x" * limit}).errors.get(field, [])
    )


@pytest.mark.parametrize(
    ("kind", "limit"),
    [
        (Question.Kind.SHORT_TEXT, textlimits.SHORT_ANSWER),
        (Question.Kind.LONG_TEXT, textlimits.NOTE),
    ],
)
def test_a_text_answer_without_its_own_limit_still_has_one(kind, limit):
    question = Question(key="q", label="Q", kind=kind, required=False, position=1)
    form_class = form_class_for_questions([question])

    assert form_class(data={"q": "x" * limit}).is_valid()
    form = form_class(data={"q": "x" * (limit + 1)})
    assert not form.is_valid()
    assert MESSAGE in form.errors["q"][0]


def test_a_question_limit_above_the_ceiling_is_held_to_the_ceiling():
    question = Question(
        key="q", label="Q", kind="long_text", max_length=10**6, position=1
    )

    form = form_class_for_questions([question])(data={"q": "x" * (textlimits.BODY + 1)})

    assert not form.is_valid()


def test_the_review_page_keeps_an_overlong_note_out_with_a_message(
    client, reviewer, engineering
):
    review = submit_revision(engineering)
    assessment = review.assessments.get()
    client.force_login(reviewer)
    prefix = f"a{assessment.pk}"

    response = client.post(
        reverse("reviews:assessment_save", args=[review.pk, assessment.pk]),
        {
            f"{prefix}-verdict": "conditions",
            f"{prefix}-note": "x" * (textlimits.NOTE + 1),
            f"{prefix}-version": assessment.version,
        },
    )

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.note == ""


def _rows(engineering) -> dict:
    review = submit_revision(engineering)
    revision = factories.RequirementSetFactory()
    return {
        Customer: factories.CustomerFactory(),
        OrderForm: factories.OrderFormFactory(),
        OrderFormVersion: factories.OrderFormVersionFactory(),
        Question: factories.QuestionFactory(),
        RequirementSet: revision,
        Requirement: factories.RequirementFactory(requirement_set=revision),
        Assessment: review.assessments.get(),
        Communication: factories.CommunicationFactory(),
        Offering: factories.OfferingFactory(),
        NoticeTemplate: NoticeTemplate.objects.first(),
    }


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Customer, "notes", textlimits.NOTE),
        (Customer, "address", textlimits.NOTE),
        (OrderForm, "description", textlimits.NOTE),
        (OrderFormVersion, "change_note", textlimits.HELP),
        (Question, "help_text", textlimits.HELP),
        (RequirementSet, "reason", textlimits.NOTE),
        (Requirement, "statement", textlimits.NOTE),
        (Assessment, "note", textlimits.NOTE),
        (Communication, "body", textlimits.BODY),
        (Communication, "resolution", textlimits.NOTE),
        (Offering, "description", textlimits.NOTE),
        (NoticeTemplate, "body", textlimits.BODY),
    ],
)
def test_the_database_refuses_text_over_the_limit(engineering, model, field, limit):
    row = _rows(engineering)[model]

    too_long = pytest.raises(IntegrityError, match=f"at_most_{limit}")
    with too_long, transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: "x" * (limit + 1)})
    model.objects.filter(pk=row.pk).update(**{field: "x" * limit})


def test_the_database_refuses_overlong_decision_reasons():
    # Decisions are only ever inserted; the check holds on insert too.
    assert any(
        c.name == f"decision_reasons_at_most_{textlimits.NOTE}"
        for c in Decision._meta.constraints
    )


def test_a_database_holding_longer_text_from_before_the_limits_still_migrates(
    engineering,
):
    """The limits came after the first release: a customer's notes written then may
    be longer. Their migration adds each check NOT VALID, so such a database
    migrates (the text is kept as written) and every later write is checked."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    customer = _rows(engineering)[Customer]
    name = f"customer_notes_at_most_{textlimits.NOTE}"
    loader = MigrationLoader(connection)
    migration = loader.get_migration("orders", "0006_text_length_limits")
    operation = next(
        op
        for op in migration.operations
        if getattr(op, "constraint", None) and op.constraint.name == name
    )
    state = loader.project_state(("orders", "0006_text_length_limits"))
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE orders_customer DROP CONSTRAINT {name}")
    legacy = "x" * (textlimits.NOTE + 500)
    Customer.objects.filter(pk=customer.pk).update(notes=legacy)

    with connection.schema_editor() as editor:
        operation.database_forwards("orders", editor, state, state)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT convalidated FROM pg_constraint WHERE conname = %s", [name]
        )
        assert cursor.fetchone() == (False,)
    assert Customer.objects.get(pk=customer.pk).notes == legacy
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(notes=legacy + "y")
