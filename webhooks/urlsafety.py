"""Which URLs a webhook may be sent to (SSRF): https on a public address.

The form refuses what it can tell from the URL alone; the sender resolves the host
when it sends, refuses private answers, and connects to the very address it
checked, so a name that resolves differently a moment later changes nothing.
WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE_NETWORKS open this for development
and tests.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeURL(ValueError):
    """A URL the sender refuses, with a sentence saying why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the IP address checked, connected to


def _schemes() -> tuple[str, ...]:
    return ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)


def url_problem(url: str) -> str | None:
    """What is wrong with url, from its text alone (the form's check), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "This is not a valid URL."
    if parts.scheme not in _schemes():
        if parts.scheme == "http":
            return "Webhook URLs must use https://."
        return "Webhook URLs must start with https://."
    if not parts.hostname:
        return "The URL has no host name."
    if parts.username or parts.password:
        return (
            "Leave user names and passwords out of the URL: the signature proves "
            "the request is ours."
        )
    if port == 0:
        return "This is not a valid port."
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return None
    host = parts.hostname.lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return "Webhooks cannot be sent to this machine or a local network name."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not address.is_global:
        return "Webhooks cannot be sent to a private, loopback or link-local address."
    return None


def address_refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def target_resolve(url: str) -> Target:
    """The address to connect to for url, or UnsafeURL saying why not."""
    problem = url_problem(url)
    if problem:
        raise UnsafeURL(problem)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeURL(f"The host name does not resolve: {error}") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeURL("The host name does not resolve.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        refused = [a for a in addresses if address_refused(a)]
        if refused:
            raise UnsafeURL(
                f"The host resolves to a private or loopback address ({refused[0]}): "
                "refused."
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])
