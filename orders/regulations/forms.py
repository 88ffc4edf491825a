"""The register entry form; the service re-checks everything."""

from django import forms as django_forms

from orderreview import textlimits
from orders.models import Discipline, OrderForm
from orders.regulations.models import StatutoryRequirement


class StatutoryRequirementForm(django_forms.ModelForm):
    discipline = django_forms.ModelChoiceField(
        queryset=Discipline.objects.order_by("name"),
        help_text="Its reviewers confirm it on every review it applies to.",
    )
    link = django_forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Where to read it: an http or https address.",
    )
    forms = django_forms.ModelMultipleChoiceField(
        queryset=OrderForm.objects.order_by("name"),
        required=False,
        widget=django_forms.CheckboxSelectMultiple,
        label="Order forms it applies to",
        help_text="Or tick “Applies to every form” below. Catalog offerings can "
        "list it too: it then applies to orders of their form.",
    )

    class Meta:
        model = StatutoryRequirement
        fields = [
            "reference",
            "title",
            "kind",
            "jurisdiction",
            "summary",
            "link",
            "discipline",
            "forms",
            "all_forms",
            "active",
        ]
        labels = {"all_forms": "Applies to every form"}
        help_texts = {
            "summary": f"What it requires of our orders. At most {textlimits.NOTE} "
            "characters.",
        }
        widgets = {"summary": django_forms.Textarea(attrs={"rows": 4})}
