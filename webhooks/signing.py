"""The signature on a delivery, Stripe-style: pure functions, no database.

    OrderReview-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

The timestamp is inside what is signed, so a receiver that refuses old timestamps
(docs/guide-api.md: five minutes) also refuses a replayed request.
"""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
SIGNATURE_HEADER = "OrderReview-Signature"
EVENT_HEADER = "OrderReview-Event"
DELIVERY_HEADER = "OrderReview-Delivery"
EVENT_ID_HEADER = "OrderReview-Event-Id"
DEFAULT_TOLERANCE_SECONDS = 300


def secret_generate() -> str:
    """A new endpoint secret: 32 random bytes, URL-safe, with a recognisable prefix."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature_compute(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature_compute(secret, timestamp, body)}"


def signature_verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """True when header carries a v1 signature of body under secret, made within
    tolerance seconds of now (either way: clocks drift)."""
    timestamp, candidates = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or abs(now - timestamp) > tolerance:
        return False
    expected = signature_compute(secret, timestamp, body)
    return any(hmac.compare_digest(expected, value) for value in candidates)
