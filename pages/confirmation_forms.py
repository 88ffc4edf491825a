"""The form of a revision's customer confirmation: how and when, and the
conversation it happened in, picked from the order's communications and their
files, or recorded in the same form."""

from typing import Any

from django import forms
from django.utils import timezone

from communications.forms import DateTimeInput
from communications.models import Communication, CommunicationAttachment
from orderreview.forms import BoundedDateTimeField

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _communication_label(communication: Communication) -> str:
    when = timezone.localtime(communication.occurred_at)
    return (
        f"{when:%Y-%m-%d %H:%M} · {communication.get_channel_display()} · "
        f"{communication.subject}"
    )


class RevisionConfirmationForm(forms.Form):
    method = forms.CharField(
        label="How the customer confirmed",
        max_length=200,
        help_text="e.g. read back on the phone to Jo Buyer; confirmed by e-mail",
    )
    confirmed_at = BoundedDateTimeField(
        label="When", widget=DateTimeInput, input_formats=DATETIME_FORMATS
    )
    link = forms.ChoiceField(
        label="The communication it happened in",
        required=False,
        help_text="One of this order's communications or their files.",
    )
    new_subject = forms.CharField(
        label="Summary",
        max_length=200,
        required=False,
        help_text="e.g. Requirements read back to Jo Buyer, who agreed.",
    )
    new_channel = forms.ChoiceField(
        label="Channel",
        choices=Communication.Channel.choices,
        initial=Communication.Channel.PHONE,
        required=False,
    )
    new_occurred_at = BoundedDateTimeField(
        label="When it took place",
        required=False,
        widget=DateTimeInput,
        input_formats=DATETIME_FORMATS,
        help_text="Leave empty for the time of the confirmation.",
    )

    def __init__(
        self,
        *args: Any,
        communications: list[Communication],
        attachments: list[CommunicationAttachment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.linkable: dict[str, Any] = {}
        for communication in communications:
            self.linkable[f"c{communication.pk}"] = communication
        for attachment in attachments:
            self.linkable[f"a{attachment.pk}"] = attachment
        self.fields["link"].choices = [
            ("", "— none: I record the conversation below —"),
            (
                "Communications",
                [(f"c{c.pk}", _communication_label(c)) for c in communications],
            ),
            (
                "Files",
                [
                    (
                        f"a{a.pk}",
                        f"{a.original_name} — of "
                        f"{_communication_label(a.communication)}",
                    )
                    for a in attachments
                ],
            ),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        picked = cleaned.get("link")
        cleaned["link"] = self.linkable.get(picked) if picked else None
        typed = bool(cleaned.get("new_subject", "").strip())
        if picked and typed:
            self.add_error(
                "new_subject",
                "You chose a communication above: leave this empty, or choose "
                "none above.",
            )
        elif not picked and not typed and "new_subject" not in self.errors:
            self.add_error(
                "link",
                "Choose the communication in which the customer confirmed, or "
                "record it below.",
            )
        return cleaned
