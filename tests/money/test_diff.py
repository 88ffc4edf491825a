from requirements.diff import diff_requirements
from requirements.models import Requirement
from tests.money.conftest import submitted


def test_change_diff_shows_the_value_old_and_new(price_version, service_user):
    revision = submitted(
        price_version,
        service_user,
        {
            "part": "P-1",
            "quantity": "2",
            "unit_price": {"amount": "10", "currency": "EUR"},
        },
    )
    old = list(revision.requirements.all())
    new = [
        Requirement(
            key=r.key,
            statement=r.statement,
            value=800 if r.key == "quantity" else r.value,
            category=r.category,
            discipline_id=r.discipline_id,
            position=r.position,
        )
        for r in old
    ]
    diff = diff_requirements(revision=revision, baseline=revision, new=new, old=old)
    assert diff.value_change == ("20.00 EUR", "8,000.00 EUR")
    same = diff_requirements(revision=revision, baseline=revision, new=old, old=old)
    assert same.value_change is None
