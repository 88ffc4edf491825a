"""A mail server that is down: every send fails the way SMTP does."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list) -> int:
        raise smtplib.SMTPConnectError(421, "mail.example.com is not answering")


class HangingBackend(BaseEmailBackend):
    """A mail server that takes the message and never answers: the worker is
    inside the send when it is killed. Writes a marker first so a test knows."""

    def send_messages(self, email_messages: list) -> int:
        import time
        from pathlib import Path

        from django.conf import settings

        Path(settings.EMAIL_FILE_PATH, "send-started").write_text("x")
        time.sleep(3600)
        return 0
