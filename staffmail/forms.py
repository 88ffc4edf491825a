from django import forms
from django.conf import settings

from staffmail.kinds import CHOOSABLE, Mode


class PreferencesForm(forms.Form):
    """One choice per kind (kinds the site makes mandatory cannot be off) and the
    hour of the daily digest."""

    digest_hour = forms.TypedChoiceField(
        label="Daily digest at",
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        help_text="Site time. Sent only on days something waits on you.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE:
            choices = list(Mode.choices)
            mandatory = kind in settings.STAFF_MAIL_MANDATORY
            if mandatory:
                choices = [c for c in choices if c[0] != Mode.OFF]
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                widget=forms.RadioSelect,
                help_text="Required by the site: it cannot be turned off."
                if mandatory
                else "",
            )

    def kind_fields(self) -> list:
        return [self[kind.value] for kind in CHOOSABLE]
