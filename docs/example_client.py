"""An OrderReview API client with only the Python standard library.

It shows the whole round trip of an integration (docs/guide-api.md):

1. create a customer,
2. read a published order form's questions,
3. enter a draft order with answers and submit it,
4. verify the signature of a webhook OrderReview sends about it.

Run it against a server with a token from your profile's "API tokens" page:

    ORDERREVIEW_TOKEN=ort_... python docs/example_client.py https://orders.example.com

tests/webhooks/test_example_client.py runs it against a live test server.
"""

import hashlib
import hmac
import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

SIGNATURE_TOLERANCE_SECONDS = 300


class ApiError(Exception):
    """A refusal from the API: its RFC 9457 problem details."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(
            f"{status}: {problem.get('title')} {problem.get('detail', '')}"
        )
        self.status = status
        self.problem = problem


class OrderReviewClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError("The base URL starts with https:// (or http://).")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: object = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.base_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 (scheme checked in __init__)
                request, timeout=self.timeout
            ) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, json.loads(error.read() or b"{}")) from error
        return json.loads(text) if text else None

    # --- the resources this example uses --------------------------------------

    def customer_create(self, name: str, account_code: str) -> dict[str, Any]:
        body = {"name": name, "account_code": account_code}
        return self.request("POST", "/api/v1/customers/", body)

    def published_forms(self) -> list[dict[str, Any]]:
        return self.request("GET", "/api/v1/order-forms/")["results"]

    def form_questions(self, slug: str, number: int) -> list[dict[str, Any]]:
        path = f"/api/v1/order-forms/{slug}/versions/{number}/"
        return self.request("GET", path)["questions"]

    def order_submit_new(
        self,
        *,
        customer_id: int,
        form_slug: str,
        answers: dict[str, Any],
        reference: str = "",
    ) -> dict[str, Any]:
        """Enter a draft with its answers and submit it, in one request."""
        body = {
            "customer": customer_id,
            "form": form_slug,
            "channel": "edi",
            "customer_reference": reference,
            # The order came in writing (our ERP holds it): no read-back needed.
            "documented_statement": True,
            "answers": answers,
            "submit": True,
        }
        return self.request("POST", "/api/v1/orders/", body)


def answers_missing(questions: list[dict[str, Any]], answers: dict[str, Any]) -> list:
    """Keys of required questions that are shown (their show-if rule holds) and not
    answered: what the server would refuse, found before sending."""

    def shown(question: dict[str, Any]) -> bool:
        rule = question.get("show_if")
        if not rule:
            return True
        value = answers.get(rule["question"])
        if isinstance(value, bool):
            value = "yes" if value else "no"
        return value in rule["values"]

    return [
        q["key"]
        for q in questions
        if q["required"] and shown(q) and answers.get(q["key"]) in (None, "")
    ]


def webhook_signature_valid(
    secret: str,
    signature_header: str,
    body: bytes,
    *,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when the OrderReview-Signature header ("t=<unix>,v1=<hex>") is an
    HMAC-SHA256 of "<t>.<raw body>" under secret, made within tolerance seconds.

    Use the raw request body, byte for byte, never a re-serialised JSON.
    """
    timestamp, signatures = None, []
    for item in signature_header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False  # too old (a replay) or from a clock far off
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)


def main(base_url: str, token: str) -> dict[str, Any]:
    client = OrderReviewClient(base_url, token)
    code = f"EX-{int(time.time())}"
    customer = client.customer_create("Example Customer Ltd", code)
    form = client.published_forms()[0]
    number = form["published_version"]["number"]
    questions = client.form_questions(form["slug"], number)
    answers = {"part_number": "AX-100", "quantity": 250, "needs_certificate": False}
    missing = answers_missing(questions, answers)
    if missing:
        raise SystemExit(f"Answer these questions first: {', '.join(missing)}")
    order = client.order_submit_new(
        customer_id=customer["id"], form_slug=form["slug"], answers=answers
    )
    print(f"Submitted {order['number']} for {customer['name']}")
    return order


if __name__ == "__main__":
    if len(sys.argv) != 2 or "ORDERREVIEW_TOKEN" not in os.environ:
        raise SystemExit("usage: ORDERREVIEW_TOKEN=... example_client.py BASE_URL")
    main(sys.argv[1], os.environ["ORDERREVIEW_TOKEN"])
