"""Keeping the register: form admins add, change and withdraw entries. Each write
is one transaction; the history records who and why, the reason naming the forms
it applies to (cut to the reason column's length)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from orderreview.history import attribute
from orderreview.models import User
from orders.models import Discipline, OrderForm
from orders.regulations.models import StatutoryRequirement

# What a reviewer confirms: a change to any of these makes a change order's review
# ask for a fresh confirmation instead of carrying the earlier one forward.
CONFIRMED_FIELDS = (
    "title",
    "reference",
    "kind",
    "jurisdiction",
    "summary",
    "link",
    "discipline_id",
)


@transaction.atomic
def register_save(
    *,
    entry: StatutoryRequirement | None,
    user: User,
    title: str,
    reference: str,
    kind: str,
    jurisdiction: str,
    summary: str,
    link: str,
    discipline: Discipline,
    all_forms: bool,
    forms: Iterable[OrderForm],
    active: bool,
) -> StatutoryRequirement:
    """Create or change a register entry. A change to what reviewers confirm counts
    up its version; saving it unchanged writes nothing."""
    forms = list(forms)
    if entry is None:
        entry = StatutoryRequirement()
        reason = "Created"
    else:
        entry = StatutoryRequirement.objects.select_for_update().get(pk=entry.pk)
        reason = "Changed"
    before = [getattr(entry, name) for name in CONFIRMED_FIELDS]
    old_forms = set(entry.forms.values_list("pk", flat=True)) if entry.pk else set()
    old_flags = (entry.all_forms, entry.active)
    entry.title = title.strip()
    entry.reference = reference.strip()
    entry.kind = kind
    entry.jurisdiction = jurisdiction.strip()
    entry.summary = summary.strip()
    entry.link = link.strip()
    entry.discipline = discipline
    entry.all_forms = all_forms
    entry.active = active
    confirmed_changed = before != [getattr(entry, name) for name in CONFIRMED_FIELDS]
    forms_changed = old_forms != {form.pk for form in forms}
    if entry.pk and not (
        confirmed_changed or forms_changed or old_flags != (all_forms, active)
    ):
        return entry
    if entry.pk and confirmed_changed:
        entry.version += 1
    entry.full_clean()
    applies = "every form" if all_forms else ", ".join(f.name for f in forms) or "-"
    attribute(entry, user=user, reason=f"{reason}; applies to {applies}")
    entry.save()
    if forms_changed:
        entry.forms.set(forms)
    return entry


@transaction.atomic
def register_withdraw(
    *, entry: StatutoryRequirement, user: User
) -> StatutoryRequirement:
    """The entry no longer applies (repealed, superseded): no new review gets it;
    the reviews that confirmed it keep their checks, and the entry its history."""
    entry = StatutoryRequirement.objects.select_for_update().get(pk=entry.pk)
    if not entry.active:
        raise ValidationError("It is already withdrawn.")
    entry.active = False
    attribute(entry, user=user, reason="Withdrawn")
    entry.save()
    return entry
