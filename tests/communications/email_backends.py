"""A mail server that is down: every send fails the way SMTP does."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: list) -> int:
        raise smtplib.SMTPConnectError(421, "mail.example.com is not answering")
