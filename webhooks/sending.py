"""One HTTP POST of a delivery: signed, short timeout, redirects never followed.

http.client (standard library) is used rather than urllib, because it follows no
redirects at all and lets the connection go to the address urlsafety checked.
"""

import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from webhooks.models import EXCERPT_MAX_LENGTH
from webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)
from webhooks.urlsafety import Target, UnsafeURL, target_resolve

USER_AGENT = "OrderReview-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    succeeded: bool
    status_code: int | None
    response_ms: int | None
    excerpt: str


def body_bytes(payload: dict) -> bytes:
    """The exact bytes sent and signed."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _excerpt(text: str) -> str:
    text = text.strip()
    if len(text) > EXCERPT_MAX_LENGTH:
        text = text[: EXCERPT_MAX_LENGTH - 1] + "…"
    return text


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(
            target.host,
            target.port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    *,
    url: str,
    secret: str,
    payload: dict,
    event_type: str,
    event_id: str,
    delivery_id: str,
    now: int | None = None,
) -> Outcome:
    """Send one signed POST; 2xx is success, anything else (a redirect too) is not."""
    body = body_bytes(payload)
    timestamp = int(time.time()) if now is None else now
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(secret, timestamp, body),
        EVENT_HEADER: event_type,
        EVENT_ID_HEADER: event_id,
        DELIVERY_HEADER: delivery_id,
    }
    try:
        target = target_resolve(url)
    except UnsafeURL as error:
        return Outcome(False, None, None, _excerpt(f"Refused: {error}"))
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    connection_class = (
        _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    )
    connection = connection_class(target, timeout)
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(2048).decode("utf-8", errors="replace")
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        elapsed = round((time.monotonic() - started) * 1000)
        reason = "Timed out" if isinstance(error, TimeoutError) else "No answer"
        return Outcome(False, None, elapsed, _excerpt(f"{reason}: {error}"))
    finally:
        connection.close()
    elapsed = round((time.monotonic() - started) * 1000)
    if 300 <= status < 400:
        location = response.getheader("Location", "")
        text = f"Redirect to {location} not followed. {text}"
    return Outcome(200 <= status < 300, status, elapsed, _excerpt(text))
