"""The signature chain's keys, parsed from settings values (used by settings.py).

A key id names each key, is stored on every signature, and so lets a key be rotated:
the current key signs, older keys stay listed only so their signatures still verify.
"""

import hashlib
import hmac
import re

from django.core.exceptions import ImproperlyConfigured

# Signatures made before the chain was keyed: plain SHA-256, verified as before and
# reported as unkeyed.
LEGACY_KEY_ID = "sha256-unkeyed"
DEV_KEY_ID = "dev-insecure"
MIN_KEY_LENGTH = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _checked_id(key_id: str, source: str) -> str:
    if not _KEY_ID.match(key_id) or key_id in (LEGACY_KEY_ID, DEV_KEY_ID):
        raise ImproperlyConfigured(
            f"{source}: key id {key_id!r} must be 1-40 letters, digits, '.', '_' or "
            f"'-', and not {LEGACY_KEY_ID!r} or {DEV_KEY_ID!r}."
        )
    return key_id


def _checked_secret(secret: str, source: str, *, debug: bool) -> str:
    if not debug and len(secret) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"{source} is shorter than {MIN_KEY_LENGTH} characters; generate one "
            "with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return secret


def parse_older_keys(value: str, *, debug: bool) -> dict[str, str]:
    """'id1:secret1,id2:secret2' -> {id: secret}. A secret may contain ':'."""
    keys: dict[str, str] = {}
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, secret = item.partition(":")
        if not sep or not secret:
            raise ImproperlyConfigured(
                "SIGNING_CHAIN_OLD_KEYS entries are id:secret, separated by commas."
            )
        key_id = _checked_id(key_id.strip(), "SIGNING_CHAIN_OLD_KEYS")
        if key_id in keys:
            raise ImproperlyConfigured(
                f"SIGNING_CHAIN_OLD_KEYS names key id {key_id!r} twice."
            )
        keys[key_id] = _checked_secret(
            secret, f"SIGNING_CHAIN_OLD_KEYS key {key_id!r}", debug=debug
        )
    return keys


def signing_chain_keys(
    *, current_id: str, current: str, older: str, debug: bool, secret_key: str
) -> tuple[str, dict[str, str]]:
    """The current key id and every known key by id (current included).

    Without SIGNING_CHAIN_KEY, development (DEBUG) signs with a key derived from
    SECRET_KEY under the id 'dev-insecure', so such signatures are recognisable;
    production refuses to start, as it does without DJANGO_SECRET_KEY.
    """
    keys = parse_older_keys(older, debug=debug)
    if not current:
        if not debug:
            raise ImproperlyConfigured(
                "SIGNING_CHAIN_KEY (or SIGNING_CHAIN_KEY_FILE) is not set. Production "
                "needs a secret key for the signature chain, kept outside the "
                "database; see docs/security-signature-chain.md. For local "
                "development set DJANGO_DEBUG=1 (make run does)."
            )
        derived = hmac.new(
            secret_key.encode("utf-8"),
            b"orderreview signature chain development key",
            hashlib.sha256,
        ).hexdigest()
        keys[DEV_KEY_ID] = derived
        return DEV_KEY_ID, keys
    current_id = _checked_id(current_id, "SIGNING_CHAIN_KEY_ID")
    if current_id in keys and keys[current_id] != current:
        raise ImproperlyConfigured(
            f"Key id {current_id!r} is both SIGNING_CHAIN_KEY_ID and, with another "
            "secret, in SIGNING_CHAIN_OLD_KEYS: give the new key a new id."
        )
    keys[current_id] = _checked_secret(current, "SIGNING_CHAIN_KEY", debug=debug)
    return current_id, keys
