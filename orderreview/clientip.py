"""The client's address, taken correctly behind a known number of reverse proxies.

X-Forwarded-For is a list every proxy appends to: "<what the client claimed>, ...,
<client>, <proxy 1>, ..., <proxy n-1>", and the nearest proxy is REMOTE_ADDR. Only
the entries our own proxies appended can be believed, so with
DJANGO_TRUSTED_PROXY_COUNT = n the client is the n-th entry from the right;
whatever stands left of it was written by the client and is ignored. With 0 (the
default: the app faces clients directly) the header is ignored altogether. Lockout
(django-axes, through AXES_CLIENT_IP_CALLABLE) and the public rate limit both use
this one function.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent request, as far as our proxies vouch.

    None when there is none (requests made in-process, e.g. the test client's
    force_login): axes then records no address rather than a made-up one.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # Fewer hops than proxies: the request did not come through all of them,
        # so nothing in the header is vouched for.
        return remote
    return _address(forwarded[-count]) or remote
