"""Every URL of the project, with plausible values in its path parameters.

Shared by the auditor walk (tests/audit) and the permission matrix, CSRF and CSP
walks (tests/hardening).
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

# Not walked, and why:
# - admin/: the Django admin has its own permission system; auditors are not staff,
#   so it sends them to its login page.
# - login, logout, password change: an auditor's own session and password, not
#   records of the process.
EXCLUDED_PREFIXES = ("admin/",)
EXCLUDED_NAMES = {"login", "logout", "password_change", "password_change_done"}
# A person's own API tokens and e-mail preferences: every role, auditors included,
# manages its own (like the password; not records of the process). The permission
# matrix covers them; the walks that expect an auditor's every write refused skip
# them.
OWN_ACCOUNT_NAMES = frozenset(
    {"api:token_list", "api:token_revoke", "staffmail:preferences"}
)
# The REST API: csrf-exempt at Django's level (a token request carries no cookie to
# forge); DRF's session authentication makes its own CSRF check.
API_ROUTE_PREFIX = "api/v1/"

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Endpoint:
    route: str
    name: str
    url: str


def _value(converter: str | None, name: str, samples: dict[str, str]) -> str:
    if name in samples:
        return samples[name]
    if converter == "int" or name.endswith("_id") or name in ("pk", "id"):
        return samples.get("int", "1")
    if converter == "uuid":
        return str(uuid.UUID(int=1))
    if converter == "slug":
        return samples.get("slug", "sample")
    if "number" in name:
        return samples.get("number", "SO-2026-000001")
    if "token" in name:
        return samples.get("token", "sample-token")
    return samples.get("str", "sample")


def _walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry.pattern, RegexPattern):
            raise AssertionError(
                f"{prefix}{entry.pattern} is a regular-expression URL: give it a "
                "path() route, or teach tests/urlwalk.py its parameters"
            )
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _walk(entry.url_patterns, route, full)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name or ""
            yield route, name


def endpoints(
    samples: dict[str, str] | None = None,
    *,
    per_name: dict[str, dict[str, str]] | None = None,
    exclude_names: set[str] | frozenset[str] = frozenset(EXCLUDED_NAMES),
) -> list[Endpoint]:
    """Every route outside the exclusions, with its parameters filled in.

    per_name gives one URL name its own parameter values (a real object for each
    route), falling back to samples.
    """
    samples = samples or {}
    per_name = per_name or {}
    found = []
    for entry in get_resolver().url_patterns:
        if str(entry.pattern).startswith(EXCLUDED_PREFIXES):
            continue
        for route, name in _walk([entry], "", ""):
            if name in exclude_names:
                continue
            values = {**samples, **per_name.get(name, {})}
            url = "/" + PARAMETER.sub(
                lambda m, values=values: _value(m["converter"], m["name"], values),
                route,
            )
            found.append(Endpoint(route=route, name=name, url=url))
    return found
