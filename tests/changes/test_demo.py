"""The demo data (make run) goes through the real services and can run again."""

from devtools.demo import seed_demo
from orderreview import roles
from orders.models import Order, StatutoryRequirement
from requirements.models import ChangeNotification, RequirementSet
from reviews.models import Review, Signature


def test_demo_orders_cover_every_state_and_seeding_again_adds_nothing(
    db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    roles.sync_roles()

    summary = seed_demo()

    assert summary["orders"] == 11
    demo = Order.objects.filter(customer_reference__startswith="DEMO-")
    statuses = {o.customer_reference: o.status for o in demo}
    assert statuses["DEMO-01"] == statuses["DEMO-02"] == Order.Status.DRAFT
    assert statuses["DEMO-03"] == Order.Status.AWAITING_REVIEW
    assert statuses["DEMO-05"] == Order.Status.IN_REVIEW
    assert statuses["DEMO-06"] == Order.Status.ACCEPTED
    assert statuses["DEMO-07"] == Order.Status.REJECTED
    assert statuses["DEMO-10"] == Order.Status.AWAITING_AGREEMENT
    # An order of three lines, each answer its own requirement.
    assert statuses["DEMO-11"] == Order.Status.AWAITING_REVIEW
    lines = RequirementSet.objects.get(order__customer_reference="DEMO-11")
    assert lines.requirements.filter(key__startswith="L3.").exists()
    accepted_change = RequirementSet.objects.get(
        order__customer_reference="DEMO-08", number=2
    )
    assert accepted_change.state == RequirementSet.State.ACCEPTED
    open_change = RequirementSet.objects.get(
        order__customer_reference="DEMO-09", number=2
    )
    assert open_change.review.state == Review.State.OPEN
    assert open_change.review.assessments.filter(verdict="").count() == 2
    assert open_change.review.assessments.exclude(carried_from=None).exists()
    assert ChangeNotification.objects.filter(acknowledged_at=None).exists()
    assert Signature.objects.count() == 6
    # The register's demo entries apply to the demo forms: signed acceptances
    # confirmed them, the order in review still has them to confirm.
    assert StatutoryRequirement.objects.count() == 4
    in_review = Review.objects.get(order__customer_reference="DEMO-05")
    assert {c.reference for c in in_review.statutory_checks.all()} == {
        "Directive 2011/65/EU (RoHS)",
        "Regulation (EC) 1907/2006 (REACH)",
        "Directive 2014/68/EU (PED)",
    }
    assert not in_review.statutory_checks.exclude(state="pending").exists()
    accepted = Review.objects.get(order__customer_reference="DEMO-06")
    assert [c.state for c in accepted.statutory_checks.all()] == ["complies"]
    assert open_change.review.statutory_checks.exclude(carried_from=None).count() == 3

    assert seed_demo()["orders"] == 0
    assert demo.count() == 11
    assert StatutoryRequirement.objects.count() == 4
