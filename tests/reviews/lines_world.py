"""A submitted order with lines, made as requirements.selectors names them: a PO
number asked once, then per line a part (Engineering), a quantity (Production)
and a coating thickness (Engineering)."""

from orderreview import events
from orders.models import Discipline, Order
from requirements.models import RequirementSet
from reviews.models import Review
from tests import factories

LINE_QUESTIONS = (
    ("part", "Part number", "engineering"),
    ("qty", "Quantity", "production"),
    ("thickness", "Coating thickness", "engineering"),
)


def submit_lines_revision(
    line_count: int, *, order: Order | None = None, number: int = 1
) -> Review:
    """Revision `number` of an order (a new one unless given), submitted with
    line_count lines, and its review opened as intake's service opens it."""
    revision = factories.RequirementSetFactory(
        number=number,
        **(
            {"order": order}
            if order is not None
            else {"order__status": Order.Status.AWAITING_REVIEW}
        ),
    )
    revision.submitted_by = revision.created_by
    revision.state = RequirementSet.State.SUBMITTED
    revision.save()
    disciplines = {d.slug: d for d in Discipline.objects.all()}
    factories.RequirementFactory(
        requirement_set=revision,
        key="po",
        statement="PO number",
        discipline=disciplines["engineering"],
        position=1,
    )
    position = 1
    for n in range(1, line_count + 1):
        for key, label, slug in LINE_QUESTIONS:
            position += 1
            factories.RequirementFactory(
                requirement_set=revision,
                key=f"L{n}.{key}",
                statement=f"Line {n} · {label}",
                value=f"{key} of line {n}",
                discipline=disciplines[slug],
                position=position,
            )
    events.revision_submitted.send(sender=RequirementSet, revision=revision)
    return Review.objects.get(requirement_set=revision)
