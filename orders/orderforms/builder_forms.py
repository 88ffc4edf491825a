"""Input forms of the order-form builder: validation of what was typed, and layout."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms

from orderreview import textlimits
from orders.models import Discipline, OrderForm, Question, RequirementCategory
from orders.orderforms.question_attributes import BUILDER_ATTRIBUTES

Kind = Question.Kind
MAX_IMPORT_BYTES = 1024 * 1024


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class OrderFormCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80, help_text="Used in addresses and the JSON file, e.g. cnc-job."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=textlimits.NOTE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class OrderFormEditForm(forms.ModelForm):
    class Meta:
        model = OrderForm
        fields = ["name", "description", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"active": "Inactive forms are not offered for new orders."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class QuestionForm(forms.Form):
    """One question: a field for each of BUILDER_ATTRIBUTES (the show-if rule as two).
    The services check it against the rest of the version, with the same rules as
    the JSON import; their messages land beside these fields."""

    key = forms.SlugField(
        max_length=60, help_text="Short name, unique in the form, e.g. material."
    )
    label = forms.CharField(max_length=300)
    help_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=textlimits.HELP,
    )
    kind = forms.ChoiceField(choices=Kind.choices)
    required = forms.BooleanField(required=False)
    section = forms.CharField(max_length=120, required=False)
    category = forms.ChoiceField(
        choices=RequirementCategory.choices, label="Requirement category"
    )
    discipline = forms.ModelChoiceField(
        queryset=Discipline.objects.all(),
        to_field_name="slug",
        help_text="The discipline that must assess the answer.",
    )
    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=textlimits.BODY,
        help_text="Single and multiple choice: one choice per line.",
    )
    min_value = forms.DecimalField(
        required=False,
        max_digits=20,
        decimal_places=6,
        help_text="Numbers: smallest answer. Multiple choice: fewest ticks.",
    )
    max_value = forms.DecimalField(
        required=False,
        max_digits=20,
        decimal_places=6,
        help_text="Numbers: largest answer. Multiple choice: most ticks.",
    )
    unit = forms.CharField(
        max_length=30,
        required=False,
        help_text="Decimal and whole number, e.g. mm, hours, pieces.",
    )
    currencies = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=400,
        help_text="Amount: ISO 4217 codes (EUR, USD), one per line or separated "
        "by commas. One code fixes the currency; several let the answer choose.",
    )
    max_length = forms.IntegerField(
        required=False, min_value=1, help_text="Text and e-mail: most characters."
    )
    pattern = forms.CharField(
        max_length=200,
        required=False,
        help_text="Text and e-mail: a regular expression the whole answer matches.",
    )
    pattern_hint = forms.CharField(
        max_length=200,
        required=False,
        label="Pattern hint",
        help_text="Shown when an answer does not match the pattern, e.g. "
        "'like AB-1234'.",
    )
    allowed_file_types = forms.CharField(
        max_length=200, required=False, help_text="File: extensions, e.g. pdf,step"
    )
    max_file_size_kb = forms.IntegerField(
        required=False, min_value=1, label="Max file size (KB)"
    )
    show_if_question = forms.ChoiceField(
        required=False,
        label="Show only if question",
        help_text="Leave empty to always show. Only earlier questions can be used.",
    )
    show_if_values = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="…has one of these answers",
        help_text="One per line; yes/no questions answer yes or no.",
    )
    maps_to = forms.ChoiceField(
        required=False,
        label="Fills the order's",
        choices=[("", "— nothing —"), *Question.MapsTo.choices],
        help_text="The answer becomes this order field, so the two cannot disagree. "
        "Requested date: a date question; reference: short text; contact e-mail: "
        "an e-mail question.",
    )

    depends_on = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=textlimits.BODY,
        label="Verdict depends on",
        help_text="Keys of other questions of this form, one per line: a change order "
        "that changes any of them re-opens the verdict on this question instead of "
        "carrying it forward (delivery date depends on quantity).",
    )

    def __init__(
        self, *args: Any, earlier: list[Question] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["show_if_question"].choices = [("", "— always show —")] + [
            (q.key, f"{q.key}: {q.label}") for q in earlier or [] if q.kind != Kind.FILE
        ]
        self.helper = _helper()
        self.helper.layout = Layout(
            Fieldset(
                "Question",
                "key",
                "label",
                "help_text",
                Div(
                    Div("kind", css_class="col-md-6"),
                    Div("section", css_class="col-md-6"),
                    css_class="row",
                ),
                "required",
                Div(
                    Div("category", css_class="col-md-6"),
                    Div("discipline", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Answer limits (only those that fit the kind)",
                "choices",
                Div(
                    Div("min_value", css_class="col-md-4"),
                    Div("max_value", css_class="col-md-4"),
                    Div("unit", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("max_length", css_class="col-md-4"),
                    Div(Field("pattern"), css_class="col-md-8"),
                    css_class="row",
                ),
                "pattern_hint",
                "currencies",
                Div(
                    Div("allowed_file_types", css_class="col-md-6"),
                    Div("max_file_size_kb", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset("Show-if rule", "show_if_question", "show_if_values"),
            Fieldset("Order header", "maps_to"),
            Fieldset("Change orders", "depends_on"),
        )

    def clean_currencies(self) -> str:
        """ "eur, usd" is EUR and USD: codes are upper case, one per line."""
        text = self.cleaned_data.get("currencies") or ""
        codes = [code.strip().upper() for code in text.replace(",", "\n").split()]
        return "\n".join(code for code in codes if code)

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for attribute in BUILDER_ATTRIBUTES:
            name = attribute.name
            match attribute.shape:
                case "list":
                    values = getattr(question, name) or []
                    initial[name] = "\n".join(str(v) for v in values)
                case "discipline":
                    initial[name] = question.discipline.slug
                case "show_if":
                    initial["show_if_question"] = question.show_if_question
                    initial["show_if_values"] = "\n".join(question.show_if_values or [])
                case _:
                    initial[name] = getattr(question, name)
        return initial

    def item(self) -> dict[str, Any]:
        """The question as an import-format dict, for the services."""
        data = self.cleaned_data
        item: dict[str, Any] = {}
        for attribute in BUILDER_ATTRIBUTES:
            name = attribute.name
            match attribute.shape:
                case "list":
                    item[name] = _lines(data.get(name, ""))
                case "discipline":
                    item[name] = data[name].slug
                case "show_if":
                    item[name] = (
                        {
                            "question": data["show_if_question"],
                            "in": _lines(data.get("show_if_values", "")),
                        }
                        if data.get("show_if_question")
                        else None
                    )
                case _:
                    item[name] = data.get(name)
        return item


class PublishForm(forms.Form):
    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="What changed and why; kept with the version for the audit trail.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="JSON file", help_text="An order form exported from OrderReview."
    )
    publish = forms.BooleanField(
        required=False, help_text="Publish the imported version at once."
    )
    change_note = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Needed when publishing.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".json,application/json"
        self.helper = _helper()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        return upload


class SectionForm(forms.Form):
    """Whether one section repeats (the lines of an order), and its limits."""

    name = forms.CharField(max_length=120, widget=forms.HiddenInput)
    repeating = forms.BooleanField(
        required=False,
        help_text="Each entry answers the section's questions again (one line of "
        "the order each).",
    )
    min_entries = forms.IntegerField(min_value=0, max_value=500, initial=1)
    max_entries = forms.IntegerField(min_value=1, max_value=500, initial=50)
    entry_label = forms.CharField(
        max_length=40, initial="Line", help_text='What one entry is called: "Line".'
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def item(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
