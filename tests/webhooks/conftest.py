"""Webhook fixtures: an integrations admin, endpoints, and a real local receiver."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orderreview import roles
from tests import factories
from tests.conftest import _user_with_role
from tests.intake.conftest import COMPLETE, customer, intake_version
from webhooks import services
from webhooks.models import EventType

__all__ = ["COMPLETE", "customer", "intake_version"]


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    # The receiver below listens on 127.0.0.1 over plain HTTP; the SSRF tests turn
    # these off again.
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    settings.SITE_URL = "https://orderreview.example.com"


@pytest.fixture
def integrations_admin(db):
    return _user_with_role("integrator", roles.INTEGRATIONS_ADMIN)


@pytest.fixture
def other_customer(db):
    return factories.CustomerFactory(name="Other Works", account_code="OTHER-1")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A local HTTP server that records what it gets and answers with the next
    status of `answers` (200 when none are left)."""

    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    delay: float = 0.0

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"


@pytest.fixture
def receiver():
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            me = holder["receiver"]
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            me.requests.append(Received(self.path, dict(self.headers), body))
            if me.delay:
                threading.Event().wait(me.delay)
            status, headers, text = (
                me.answers.pop(0) if me.answers else (200, {}, b"ok")
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        do_GET = do_POST  # noqa: N815 (a followed redirect would arrive as GET)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["receiver"] = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder["receiver"]
    server.shutdown()
    server.server_close()


def endpoint_for(user, url: str, events=None, customer=None, active=True):  # noqa: ANN001, ANN201
    return services.endpoint_save(
        endpoint=None,
        user=user,
        url=url,
        description="ERP",
        events=events or list(EventType.values),
        customer=customer,
        active=active,
    )
