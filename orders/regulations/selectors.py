"""Reads of the register of statutory and regulatory requirements."""

from django.db.models import Prefetch, Q, QuerySet

from orders.models import OrderForm
from orders.regulations.models import StatutoryRequirement


def register_all() -> QuerySet[StatutoryRequirement]:
    """Every entry, active ones first, with what the list shows: two queries."""
    return (
        StatutoryRequirement.objects.select_related("discipline")
        .prefetch_related(
            Prefetch("forms", queryset=OrderForm.objects.only("name").order_by("name"))
        )
        .order_by("-active", "reference", "pk")
    )


def applicable_to_form(form_id: int) -> list[StatutoryRequirement]:
    """The active entries that apply to orders of one order form: those naming the
    form, those for every form, and those an active catalog offering of the form
    lists (a catalog request is an order on its offering's form). One query."""
    return list(
        StatutoryRequirement.objects.filter(active=True)
        .filter(
            Q(all_forms=True)
            | Q(forms=form_id)
            | Q(offerings__order_form_id=form_id, offerings__active=True)
        )
        .distinct()
        .select_related("discipline")
        .order_by("reference", "pk")
    )
