"""One signed order of many lines (issue 17: 200 lines x 15 questions, 3,000
requirements), for `make bench` to measure the review page and the acceptance record
of an order that size.

Everything goes through the services a person's clicks call: the form is imported
and published, the order entered and submitted, every slot marked "can meet" by its
discipline's reviewer, and the acceptance signed by the approver with a password, so
the signature is a real link of the chain and verify_signatures holds. Running it
again finds the order by its reference and does nothing.
"""

from __future__ import annotations

from typing import Any

from devtools.demo import DEMO_PASSWORD
from devtools.demo_orders import ASSESSORS
from orderreview.models import User
from orders.models import Channel, Customer, Order, OrderForm
from orders.orderforms.services import version_import
from requirements import services as req_services
from reviews import bulk_assessment, statutory
from reviews import services as review_services
from reviews.models import Assessment, Review, StatutoryCheck

FORM_SLUG = "bench-many-lines"
# The fifteen questions of a line: (key, label, kind, discipline, extra).
LINE_QUESTIONS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("part_number", "Part number", "short_text", "engineering", {}),
    ("drawing", "Drawing and revision", "short_text", "engineering", {}),
    (
        "material",
        "Material",
        "single_choice",
        "engineering",
        {"choices": ["Steel C45", "Stainless 316L", "Aluminium 6082"]},
    ),
    ("quantity", "Quantity", "integer", "production", {"unit": "pcs"}),
    ("tolerance", "General tolerance", "short_text", "engineering", {}),
    ("finish", "Surface finish", "short_text", "quality", {}),
    ("coating", "Coating thickness", "integer", "quality", {"unit": "µm"}),
    ("heat_treatment", "Heat treatment", "short_text", "production", {}),
    ("inspection", "Inspection level", "short_text", "quality", {}),
    ("certificate", "3.1 certificate needed?", "yes_no", "quality", {}),
    ("packaging", "Packaging", "short_text", "production", {}),
    ("marking", "Part marking", "short_text", "engineering", {}),
    ("delivery", "Line delivery date", "date", "production", {}),
    ("unit_price", "Agreed unit price reference", "short_text", "commercial", {}),
    ("notes", "Line notes", "short_text", "engineering", {}),
]


def reference(lines: int, questions: int) -> str:
    return f"BENCH-{lines}x{questions}"


def form_document(lines: int, questions: int) -> dict[str, Any]:
    """The order form: a PO number asked once, then a section of `questions`
    questions repeating up to `lines` times."""
    items = [
        {
            "key": "po_number",
            "label": "Customer PO number",
            "kind": "short_text",
            "required": True,
            "section": "Order",
            "position": 1,
            "category": "stated",
            "discipline": "commercial",
        }
    ]
    for index, (key, label, kind, discipline, extra) in enumerate(
        LINE_QUESTIONS[:questions], start=2
    ):
        items.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "section": "Lines",
                "position": index,
                "category": "stated",
                "discipline": discipline,
                **extra,
            }
        )
    return {
        "slug": FORM_SLUG,
        "name": "Bench: order of many lines",
        "description": "Made by make bench to measure an order of many lines.",
        "questions": items,
        "sections": [
            {
                "name": "Lines",
                "repeating": True,
                "min_entries": 1,
                "max_entries": max(lines, 1),
                "entry_label": "Line",
            }
        ],
    }


def _line_answers(line: int, questions: int) -> dict[str, Any]:
    values = {
        "part_number": f"BR-{line:04d}",
        "drawing": f"DWG-{line:04d} rev. C",
        "material": ("Steel C45", "Stainless 316L", "Aluminium 6082")[line % 3],
        "quantity": str(100 + line * 5),
        "tolerance": "ISO 2768-mK",
        "finish": "Ra 1.6",
        "coating": str(10 + line % 20),
        "heat_treatment": "None",
        "inspection": "AQL 1.0",
        "certificate": True,
        "packaging": "Boxes of 50, VCI bag",
        "marking": f"Laser, part no. and lot, line {line}",
        "delivery": "2027-03-01",
        "unit_price": f"Quote Q-{line:04d}",
        "notes": "As previous order",
    }
    keys = [key for key, *_ in LINE_QUESTIONS[:questions]]
    return {key: values[key] for key in keys}


def answers(lines: int, questions: int) -> dict[str, Any]:
    return {
        "po_number": reference(lines, questions),
        "@lines": {
            "Lines": [
                {"line": f"new-{n}", "answers": _line_answers(n, questions)}
                for n in range(1, lines + 1)
            ]
        },
    }


def _form_version(lines: int, questions: int) -> Any:
    form = OrderForm.objects.filter(slug=FORM_SLUG).first()
    if form is not None:
        return form.versions.get(status="published")
    formadmin = User.objects.filter(username="formadmin").first()
    return version_import(
        data=form_document(lines, questions),
        user=formadmin,
        publish=True,
        change_note="Bench form.",
    )


def _assess_everything(review: Review, users: dict[str, User]) -> None:
    """Every slot "can meet", one service call per discipline; every statutory
    check by its discipline's reviewer."""
    slots = Assessment.objects.filter(review=review, verdict="")
    by_discipline: dict[str, list[int]] = {}
    for pk, slug in slots.values_list("pk", "discipline__slug"):
        by_discipline.setdefault(slug, []).append(pk)
    for slug, ids in by_discipline.items():
        bulk_assessment.assessments_record_can_meet(
            review=review, user=users[ASSESSORS[slug]], assessment_ids=ids
        )
    pending = review.statutory_checks.select_related("discipline").filter(
        state=StatutoryCheck.State.PENDING
    )
    for check in pending:
        statutory.check_record(
            check=check,
            user=users[ASSESSORS[check.discipline.slug]],
            state="complies",
            note="",
            version=check.version,
        )


def large_order_seed(*, lines: int = 200, questions: int = 15) -> Order:
    """The signed order of `lines` lines x `questions` questions (made once)."""
    questions = min(questions, len(LINE_QUESTIONS))
    existing = Order.objects.filter(
        customer_reference=reference(lines, questions)
    ).first()
    if existing is not None:
        return existing
    users = {u.username: u for u in User.objects.all()}
    draft = req_services.intake_start(
        user=users["service"],
        form_version=_form_version(lines, questions),
        channel=Channel.EMAIL,
        customer=Customer.objects.order_by("pk").first(),
        customer_reference=reference(lines, questions),
        documented_statement=True,
        answers=answers(lines, questions),
    )
    revision = req_services.revision_submit(revision=draft, user=users["service"])
    review = Review.objects.get(requirement_set=revision)
    _assess_everything(review, users)
    review_services.decision_sign(
        review=review,
        signer=users["approver"],
        outcome="accept",
        reasons="",
        password=DEMO_PASSWORD,
    )
    return Order.objects.get(pk=revision.order_id)
