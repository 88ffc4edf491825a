"""factory-boy factories, one per model."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import (
    Channel,
    Customer,
    Discipline,
    Order,
    OrderForm,
    OrderFormVersion,
    Question,
    RequirementCategory,
)
from orders.services import order_number_next
from requirements.models import Requirement, RequirementSet

TEST_PASSWORD = "correct horse battery staple"


def discipline(slug: str) -> Discipline:
    """The seeded discipline (seeded by a migration; a flush removes it)."""
    names = {
        "engineering": "Engineering",
        "production": "Production / capacity",
        "quality": "Quality",
        "commercial": "Commercial / credit",
    }
    return Discipline.objects.get_or_create(slug=slug, defaults={"name": names[slug]})[
        0
    ]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("company")
    account_code = factory.Sequence(lambda n: f"CUST-{n:05d}")
    contact_name = factory.Faker("name")
    email = factory.Faker("company_email")


class OrderFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderForm

    name = factory.Sequence(lambda n: f"Order form {n}")
    slug = factory.Sequence(lambda n: f"order-form-{n}")
    description = "A test order form."


class OrderFormVersionFactory(factory.django.DjangoModelFactory):
    """A draft version; publish with publish_version() once its questions exist."""

    class Meta:
        model = OrderFormVersion

    form = factory.SubFactory(OrderFormFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = OrderFormVersion.Status.DRAFT


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    version = factory.SubFactory(OrderFormVersionFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    label = factory.Sequence(lambda n: f"Question {n}?")
    kind = Question.Kind.SHORT_TEXT
    position = factory.Sequence(lambda n: n)
    category = RequirementCategory.STATED
    discipline = factory.LazyFunction(lambda: discipline("engineering"))


def publish_version(version: OrderFormVersion) -> OrderFormVersion:
    """Mark a test version published (the builder's service does it for users)."""
    version.status = OrderFormVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save()
    return version


def published_version(questions: int = 2, **kwargs: object) -> OrderFormVersion:
    """A published version with some short-text questions, ready for orders."""
    version = OrderFormVersionFactory(**kwargs)
    for _ in range(questions):
        QuestionFactory(version=version)
    return publish_version(version)


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.LazyFunction(order_number_next)
    customer = factory.SubFactory(CustomerFactory)
    form_version = factory.LazyFunction(published_version)
    channel = Channel.PHONE
    customer_reference = factory.Sequence(lambda n: f"PO-{n:05d}")
    entered_by = factory.SubFactory(UserFactory)


class RequirementSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementSet

    order = factory.SubFactory(OrderFactory)
    number = 1
    state = RequirementSet.State.DRAFT
    created_by = factory.LazyAttribute(lambda rs: rs.order.entered_by)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    requirement_set = factory.SubFactory(RequirementSetFactory)
    key = factory.Sequence(lambda n: f"req-{n}")
    statement = factory.Sequence(lambda n: f"Requirement {n}")
    value = "yes"
    category = RequirementCategory.STATED
    discipline = factory.LazyFunction(lambda: discipline("engineering"))
    source = Requirement.Source.FORM
    position = factory.Sequence(lambda n: n)


# --- communications ------------------------------------------------------------


class CommunicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communications.Communication"

    customer = factory.SubFactory(CustomerFactory)
    direction = "in"
    channel = "phone"
    kind = "enquiry"
    subject = factory.Sequence(lambda n: f"Call about order {n}")
    body = "The customer asked about lead times."
    occurred_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory)
    # Feedback and complaints start open (database constraint).
    follow_up = factory.LazyAttribute(
        lambda c: "open" if c.kind in ("feedback", "complaint") else ""
    )


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communications.Offering"

    name = factory.Sequence(lambda n: f"Offering {n}")
    description = "Something we make well."
    order_form = factory.SubFactory(OrderFormFactory)
    active = True
    position = factory.Sequence(lambda n: n)


class OutboundNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communications.OutboundNotice"

    order = factory.SubFactory(OrderFactory)
    customer = factory.LazyAttribute(lambda n: n.order.customer)
    kind = "acknowledgement"
    revision_number = 1
    to_address = factory.LazyAttribute(lambda n: n.customer.email)
    subject = factory.LazyAttribute(lambda n: f"We have received {n.order.number}")
    body = "Thank you for your order."


class StatutoryRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.StatutoryRequirement"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Restriction of substances {n}")
    reference = factory.Sequence(lambda n: f"Directive 2011/{n}/EU")
    kind = "directive"
    jurisdiction = "EU"
    discipline = factory.LazyFunction(lambda: discipline("quality"))
    active = True

    @factory.post_generation
    def forms(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.forms.set(extracted)
