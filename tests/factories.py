"""factory-boy factories, one per model."""

import factory
from django.contrib.auth import get_user_model

from orders.models import Customer, Discipline

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
