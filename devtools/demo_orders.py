"""Demo orders for `make run`, made through the real services so every page has
something true to show: drafts, orders awaiting review, one in review, accepted and
rejected ones with signatures, an accepted change order, a change in review and an
acceptance waiting for the customer's agreement to its conditions.

Idempotent: each demo order carries a customer reference DEMO-nn and is made only
when no order has it yet.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from devtools.demo import DEMO_PASSWORD
from orderreview.models import User
from orders.models import Channel, Customer, Order, OrderForm
from requirements import change_notifications, change_orders
from requirements import services as req_services
from requirements.models import ChangeNotification, RequirementSet
from reviews import services as review_services
from reviews import statutory
from reviews.models import Assessment, Review, StatutoryCheck

# Which demo reviewer assesses each discipline's requirements.
ASSESSORS = {
    "engineering": "engineer",
    "production": "planner",
    "quality": "quality",
    "commercial": "approver",
}


def _in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _drawing() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "BRK-2210-C.pdf", b"%PDF-1.4\n% demo drawing\n", "application/pdf"
    )


def cnc_answers(**changes: Any) -> dict[str, Any]:
    answers = {
        "part_number": "BRK-2210",
        "drawing_revision": "C",
        "drawing": _drawing(),
        "general_tolerance": "m (medium)",
        "tightest_tolerance": "0.02",
        "material": "Aluminium 6082-T6",
        "material_supplied": False,
        "surface_treatment": True,
        "treatments": ["Anodise (clear)"],
        "quantity": 250,
        "requested_delivery": _in_days(42),
        "packaging": "Standard carton",
        "first_article": True,
        "fair_standard": "AS9102",
        "material_certificate": "EN 10204 3.1",
        "export_control": False,
        "payment_terms": "30 days net",
        "buyer_email": "buyer@example.com",
        "target_price": {"amount": "18.40", "currency": "EUR"},
    }
    answers.update(changes)
    return answers


def calibration_answers(**changes: Any) -> dict[str, Any]:
    answers = {
        "instrument_type": "Micrometer",
        "manufacturer": "Mitutoyo",
        "serial_number": "MT-55812",
        "range_low": "0",
        "range_high": "25",
        "instrument_count": 4,
        "accreditation": "ISO/IEC 17025 accredited",
        "as_found": True,
        "adjust": "Ask me first",
        "decision_rule": "Simple acceptance",
        "turnaround": "Standard (10 working days)",
        "collection": False,
        "hazards": False,
        "certificate_email": "lab@example.com",
    }
    answers.update(changes)
    return answers


# Register entries a demo reviewer finds not applicable, with the reason.
NOT_APPLICABLE = {"Directive 2014/68/EU (PED)": "No pressure-bearing parts."}


class _Demo:
    def __init__(self) -> None:
        self.users = {u.username: u for u in User.objects.all()}
        self.customers = {c.account_code: c for c in Customer.objects.all()}
        self.forms = {f.slug: f for f in OrderForm.objects.all()}

    def start(
        self,
        reference: str,
        form: str,
        customer: str,
        answers: dict[str, Any],
        channel: str = Channel.EMAIL,
    ) -> RequirementSet:
        version = self.forms[form].versions.get(status="published")
        return req_services.intake_start(
            user=self.users["service"],
            form_version=version,
            channel=channel,
            customer=self.customers[customer],
            customer_reference=reference,
            answers=answers,
        )

    def submit(self, revision: RequirementSet) -> Review:
        revision = req_services.revision_submit(
            revision=revision, user=self.users["service"]
        )
        return Review.objects.get(requirement_set=revision)

    def assess(
        self,
        review: Review,
        only: Callable[[Assessment], bool] | None = None,
        verdicts: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        """Every open slot (or those `only` picks) by its discipline's reviewer;
        verdicts maps requirement keys to (verdict, note), else 'can meet'."""
        verdicts = verdicts or {}
        if only is None:
            # The whole review: its statutory checks too.
            self.confirm_statutory(review)
        slots = review.assessments.select_related("discipline", "requirement")
        for slot in slots.filter(verdict=""):
            if only is not None and not only(slot):
                continue
            verdict, note = verdicts.get(slot.requirement.key, ("can_meet", ""))
            review_services.assessment_record(
                assessment=slot,
                user=self.users[ASSESSORS[slot.discipline.slug]],
                verdict=verdict,
                note=note,
                version=slot.version,
            )

    def confirm_statutory(self, review: Review) -> None:
        """Every pending statutory check, by its discipline's reviewer."""
        pending = review.statutory_checks.select_related("discipline")
        for check in pending.filter(state=StatutoryCheck.State.PENDING):
            reason = NOT_APPLICABLE.get(check.reference, "")
            statutory.check_record(
                check=check,
                user=self.users[ASSESSORS[check.discipline.slug]],
                state="not_applicable" if reason else "complies",
                note=reason,
                version=check.version,
            )

    def sign(self, review: Review, outcome: str = "accept", reasons: str = "") -> None:
        review_services.decision_sign(
            review=review,
            signer=self.users["approver"],
            outcome=outcome,
            reasons=reasons,
            password=DEMO_PASSWORD,
        )

    def change(
        self, order: Order, reason: str, requested_by: str, **answers: Any
    ) -> Review:
        draft = change_orders.change_order_start(
            order=order,
            user=self.users["service"],
            reason=reason,
            channel=Channel.EMAIL,
            requested_by=requested_by,
        )
        req_services.revision_answers_save(
            revision=draft,
            user=self.users["service"],
            answers={**draft.answers, **answers},
        )
        return self.submit(draft)

    def acknowledge(self, review: Review, *usernames: str) -> None:
        for notification in ChangeNotification.objects.filter(
            revision=review.requirement_set, user__username__in=usernames
        ):
            change_notifications.notification_acknowledge(
                notification=notification, user=notification.user
            )


def _draft_partial(demo: _Demo) -> None:
    demo.start(
        "DEMO-01",
        "cnc-machining",
        "ACME-001",
        {"part_number": "SHAFT-88", "material": "Steel C45", "quantity": 40},
        channel=Channel.PHONE,
    )


def _draft_calibration(demo: _Demo) -> None:
    demo.start(
        "DEMO-02",
        "calibration-service",
        "NORD-014",
        {"instrument_type": "Torque wrench", "manufacturer": "Norbar"},
    )


def _awaiting_cnc(demo: _Demo) -> None:
    demo.submit(demo.start("DEMO-03", "cnc-machining", "HELIX-07", cnc_answers()))


def _awaiting_calibration(demo: _Demo) -> None:
    demo.submit(
        demo.start("DEMO-04", "calibration-service", "ACME-001", calibration_answers())
    )


def _in_review(demo: _Demo) -> None:
    answers = cnc_answers(part_number="HSG-400", quantity=1200)
    review = demo.submit(demo.start("DEMO-05", "cnc-machining", "NORD-014", answers))
    demo.assess(
        review,
        only=lambda a: a.discipline.slug == "engineering",
        verdicts={"general_tolerance": ("conditions", "Bores to H7 need reaming.")},
    )


def _accepted(demo: _Demo) -> None:
    review = demo.submit(
        demo.start("DEMO-06", "calibration-service", "HELIX-07", calibration_answers())
    )
    demo.assess(review)
    demo.sign(review)


def _rejected(demo: _Demo) -> None:
    answers = cnc_answers(part_number="TI-900", material="Other", material_other="Ti")
    review = demo.submit(demo.start("DEMO-07", "cnc-machining", "ACME-001", answers))
    demo.assess(
        review,
        verdicts={"material_other": ("cannot_meet", "We do not machine titanium.")},
    )
    demo.sign(review, "reject", "Titanium is outside our process capability.")


def _accepted_change(demo: _Demo) -> None:
    answers = cnc_answers(part_number="BRK-2300")
    review = demo.submit(demo.start("DEMO-08", "cnc-machining", "NORD-014", answers))
    demo.assess(review)
    demo.sign(review)
    change = demo.change(
        review.order,
        "Second production line: 400 parts, individually bagged.",
        "Lars Inköp (purchasing)",
        quantity=400,
        packaging="Individually bagged",
    )
    demo.acknowledge(change, "planner", "service")
    demo.assess(change)
    demo.sign(change)


def _change_in_review(demo: _Demo) -> None:
    answers = cnc_answers(part_number="BRK-2400")
    review = demo.submit(demo.start("DEMO-09", "cnc-machining", "HELIX-07", answers))
    demo.assess(review)
    demo.sign(review)
    change = demo.change(
        review.order,
        "Delivery brought forward two weeks; a 2.1 test report is enough.",
        "Dr. Mia Weber (procurement)",
        requested_delivery=_in_days(28),
        material_certificate="EN 10204 2.1",
    )
    demo.acknowledge(change, "planner")


def _awaiting_agreement(demo: _Demo) -> None:
    """Accepted with a condition: waits for the customer to agree (ISO 9001
    8.2.3.1 e); the decision notice carries their link."""
    answers = cnc_answers(part_number="BRK-2500", requested_delivery=_in_days(21))
    review = demo.submit(demo.start("DEMO-10", "cnc-machining", "ACME-001", answers))
    demo.assess(
        review,
        verdicts={
            "requested_delivery": (
                "conditions",
                f"Earliest delivery {_in_days(35)}: the anodising line is booked.",
            )
        },
    )
    demo.sign(review)


def _euros(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


def _multi_line(demo: _Demo) -> None:
    """A purchase order of three lines, awaiting review: each line's answers are
    requirements of their own ("Line 2 · Quantity"); it is worth the sum of each
    line's quantity times its unit price (EUR 9,200.00)."""
    if "job-shop-lines" not in demo.forms:
        return
    entries = [
        {
            "part_number": "BRK-110",
            "material": "Steel C45",
            "quantity": 500,
            "unit_price": _euros("4.20"),
        },
        {
            "part_number": "BRK-120",
            "material": "Aluminium 6082",
            "quantity": 800,
            "unit_price": _euros("6.75"),
            "coated": True,
            "coating_thickness": 25,
        },
        {
            "part_number": "PIN-6",
            "material": "Stainless 316L",
            "quantity": 2000,
            "unit_price": _euros("0.85"),
        },
    ]
    answers = {
        "po_number": "DEMO-11",
        "requested_delivery": _in_days(45),
        "@lines": {
            "Lines": [
                {"line": f"new-{n}", "answers": entry}
                for n, entry in enumerate(entries, start=1)
            ]
        },
    }
    demo.submit(demo.start("DEMO-11", "job-shop-lines", "ACME-001", answers))


DEMO_ORDERS: list[tuple[str, Callable[[_Demo], None]]] = [
    ("DEMO-01", _draft_partial),
    ("DEMO-02", _draft_calibration),
    ("DEMO-03", _awaiting_cnc),
    ("DEMO-04", _awaiting_calibration),
    ("DEMO-05", _in_review),
    ("DEMO-06", _accepted),
    ("DEMO-07", _rejected),
    ("DEMO-08", _accepted_change),
    ("DEMO-09", _change_in_review),
    ("DEMO-10", _awaiting_agreement),
    ("DEMO-11", _multi_line),
]


def seed_demo_orders() -> int:
    """Make the demo orders that do not exist yet; returns how many were made."""
    demo = _Demo()
    if not {"cnc-machining", "calibration-service"} <= set(demo.forms):
        return 0
    existing = set(
        Order.objects.filter(
            customer_reference__in=[ref for ref, _ in DEMO_ORDERS]
        ).values_list("customer_reference", flat=True)
    )
    made = 0
    for reference, make in DEMO_ORDERS:
        if reference not in existing:
            make(demo)
            made += 1
    return made
