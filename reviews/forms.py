"""Input validation for assessing and signing; the services re-check everything."""

from typing import Any

from django import forms

from orderreview import textlimits
from reviews.models import Assessment, Decision, StatutoryCheck
from reviews.services import REOPEN_REASON_MAX, VERDICTS_NEEDING_NOTE
from reviews.signing import MEANINGS
from reviews.statutory import STATES_NEEDING_NOTE


class AssessmentForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Verdict",
        choices=[
            (value, label)
            for value, label in Assessment.Verdict.choices
            if value != Assessment.Verdict.PENDING
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Choose a verdict."},
    )
    note = forms.CharField(
        label="Conditions or reason",
        required=False,
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="Required when it can be met only with conditions, or not at all.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        verdict = data.get("verdict")
        if verdict in VERDICTS_NEEDING_NOTE and not (data.get("note") or "").strip():
            self.add_error("note", VERDICTS_NEEDING_NOTE[verdict])
        return data


class StatutoryCheckForm(forms.Form):
    state = forms.ChoiceField(
        label="Does the order comply?",
        choices=[
            (value, label)
            for value, label in StatutoryCheck.State.choices
            if value != StatutoryCheck.State.PENDING
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Choose whether it complies."},
    )
    note = forms.CharField(
        label="Reason",
        required=False,
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="Required when it does not apply or we cannot comply.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        state = data.get("state")
        if state in STATES_NEEDING_NOTE and not (data.get("note") or "").strip():
            self.add_error("note", STATES_NEEDING_NOTE[state])
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why it needs a new look",
        max_length=REOPEN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "Say why this verdict needs a new look."},
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[
            (Decision.Outcome.ACCEPT, f"Accept — {MEANINGS['accept']}"),
            (Decision.Outcome.REJECT, f"Reject — {MEANINGS['reject']}"),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "Choose accept or reject."},
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text="Required to reject; they appear in the record and the audit trail.",
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control"}
        ),
        help_text="Signing needs your password again.",
    )
    # What the page showed: signing is refused when the content changed since.
    content_hash = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This form does not say what you were shown: reload the "
            "page, read what you sign, and sign again."
        },
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("outcome") == Decision.Outcome.REJECT
            and not (data.get("reasons") or "").strip()
        ):
            self.add_error("reasons", "Give the reasons for the rejection.")
        return data


DAMAGED = (
    "This form was damaged or is out of date: go back to the review, open "
    "“Mark all my open items as can meet” again and choose again."
)


class CanMeetForm(forms.Form):
    """ "Mark all my open items as can meet": the reviewer's open slots as the page
    listed them (one hidden field, however many), with the exceptions they ticked
    to leave open. Posting only the exceptions keeps a 3,000-item order's form
    under the request's field limit."""

    shown = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": DAMAGED}
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": DAMAGED, "invalid": DAMAGED, "min_value": DAMAGED},
    )
    exceptions = forms.TypedMultipleChoiceField(
        label="Leave open",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "invalid_choice": "Someone assessed one of your exceptions while you "
            "were choosing: the list below is up to date, check it and confirm again.",
        },
    )

    def __init__(
        self, *args: Any, slots: list[Assessment], revision: int, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {"shown": ",".join(str(s.pk) for s in slots), "revision": revision},
        )
        super().__init__(*args, **kwargs)
        self.slots = slots
        self.fields["exceptions"].choices = [(slot.pk, slot.pk) for slot in slots]

    def clean_shown(self) -> list[int]:
        text = self.cleaned_data["shown"]
        try:
            ids = [int(part) for part in text.split(",")]
        except ValueError:
            raise forms.ValidationError(DAMAGED) from None
        if any(pk < 1 for pk in ids):
            raise forms.ValidationError(DAMAGED)
        return ids

    def damaged(self) -> str:
        """The message when a hidden field came back unusable, once ("" if not)."""
        errors = [*self["shown"].errors, *self["revision"].errors]
        return errors[0] if errors else ""

    def chosen(self) -> list[int]:
        """The ids to mark: shown, not excepted (valid forms only)."""
        excepted = set(self.cleaned_data["exceptions"])
        return [pk for pk in self.cleaned_data["shown"] if pk not in excepted]

    def ticked(self) -> set[int]:
        """The exceptions ticked in what was posted (none on a fresh page)."""
        if not self.is_bound:
            return set()
        values = set()
        for value in self.data.getlist(self.add_prefix("exceptions")):
            try:
                values.add(int(value))
            except ValueError:
                continue
        return values
