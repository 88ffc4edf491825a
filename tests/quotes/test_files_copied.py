"""An order made from a quote gets its own copy of the quote's files, asked once
or in a line: its downloads, backups and disposal only reach files under its own
number. The copy is the same file (name, SHA-256), so it is no difference from
the quote and its verdict carries forward."""

import pytest
from django.core.files.storage import default_storage

from orders.models import Channel
from orders.uploads import stored_upload_path
from requirements import quotes
from requirements import services as req_services
from requirements.quote_differences import quote_diff
from tests import factories
from tests.changes.conftest import assess_all, planner, sign, team  # noqa: F401
from tests.lines.conftest import PDF, PDF_SHA, file_lines_version, media, pdf  # noqa: F401
from tests.quotes.conftest import valid_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def quote_with_a_line_file(file_lines_version, service_user, team, approver, media):  # noqa: F811
    revision = req_services.intake_start(
        user=service_user,
        form_version=file_lines_version,
        channel=Channel.EMAIL,
        customer=factories.CustomerFactory(),
        documented_statement=True,
        answers={
            "po": "Q-1",
            "@lines": {
                "Lines": [
                    {"line": "new-1", "answers": {"part": "AB-1"}},
                    {"line": "new-2", "answers": {"part": "AB-2", "drawing": pdf()}},
                ]
            },
        },
        kind="quote",
        valid_until=valid_until(),
    )
    revision = req_services.revision_submit(revision=revision, user=service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    revision.order.refresh_from_db()
    return revision.order


def test_the_order_keeps_its_own_copy_of_the_quotes_line_file(
    quote_with_a_line_file, service_user
):
    quote = quote_with_a_line_file
    revision = quotes.order_from_quote(
        user=service_user, quote=quote, channel=Channel.EMAIL
    )
    order = revision.order
    drawing = revision.answers["@lines"]["Lines"][1]["answers"]["drawing"]
    path = stored_upload_path(drawing, order.number)
    assert path is not None, drawing
    with default_storage.open(path, "rb") as stored:
        assert stored.read() == PDF
    assert drawing["sha256"] == PDF_SHA
    # The quote's own file stays where it was.
    quote_file = quote.revisions.get(number=1).answers["@lines"]["Lines"][1]
    assert stored_upload_path(quote_file["answers"]["drawing"], quote.number)

    revision = req_services.revision_submit(revision=revision, user=service_user)
    diff = quote_diff(revision)
    assert not diff.changed and not diff.added and not diff.removed
