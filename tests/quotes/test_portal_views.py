"""The quote's customer link pages: the staff page that creates and revokes links,
the quote PDF, and the customer's page where they accept or ask for changes."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from communications.models import Communication
from orders.models import Order
from requirements import quote_portal, quotes
from requirements.models import QuoteAcceptance, QuoteLink
from tests.quotes.conftest import submitted_quote

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>{{ secret }}{% now "Y" %}'


@pytest.fixture
def token(reviewed_quote, service_user):
    _link, token = quote_portal.quote_link_create(
        quote=reviewed_quote, user=service_user
    )
    return token


def _portal(token):
    return reverse("orders:quote_portal", args=[token])


# --- the customer's page --------------------------------------------------------------


def test_the_customer_reads_the_quote_through_the_link(client, token, reviewed_quote):
    page = client.get(_portal(token)).content.decode()
    assert f"Quote {reviewed_quote.number}" in page
    assert "revision 1" in page
    assert "AX-100" in page
    assert 'data-action="accept-quote"' in page


def test_the_customer_accepts_with_their_name(client, token, reviewed_quote):
    response = client.post(
        _portal(token), {"action": "accept", "revision": "1", "name": "Jo Buyer"}
    )
    assert response.status_code == 200
    assert "Jo Buyer, you accepted revision 1" in response.content.decode()
    acceptance = QuoteAcceptance.objects.get()
    assert acceptance.accepted_by_name == "Jo Buyer"
    # The page now says it is accepted instead of offering to accept again.
    page = client.get(_portal(token)).content.decode()
    assert "already accepted by Jo Buyer" in page
    assert 'data-action="accept-quote"' not in page


def test_accepting_without_a_name_shows_the_form_again(client, token):
    response = client.post(_portal(token), {"action": "accept", "revision": "1"})
    assert response.status_code == 200
    assert "Type your name to accept the quote." in response.content.decode()
    assert not QuoteAcceptance.objects.exists()


def test_a_stale_revision_is_refused_with_a_clear_message(client, token):
    response = client.post(
        _portal(token), {"action": "accept", "revision": "7", "name": "Jo"}
    )
    assert response.status_code == 200
    assert "A newer revision" in response.content.decode()
    assert not QuoteAcceptance.objects.exists()


def test_an_expired_quote_says_so_and_offers_no_acceptance(
    client, token, reviewed_quote
):
    Order.objects.filter(pk=reviewed_quote.pk).update(
        valid_until=datetime.date(2020, 1, 31)
    )
    page = client.get(_portal(token)).content.decode()
    assert "expired on 2020-01-31" in page
    assert 'data-action="accept-quote"' not in page


def test_hostile_text_is_shown_as_typed_never_run(
    client, token, reviewed_quote, service_user
):
    response = client.post(
        _portal(token), {"action": "accept", "revision": "1", "name": HOSTILE}
    )
    done = response.content.decode()
    assert "<script>alert" not in done
    assert "&lt;script&gt;alert" in done
    assert "{{ secret }}" in done
    client.post(
        _portal(token),
        {"action": "changes", "changes_name": HOSTILE, "message": HOSTILE},
    )
    communication = Communication.objects.get(kind=Communication.Kind.QUOTE)
    assert communication.body == HOSTILE
    client.force_login(service_user)
    for url in (
        reviewed_quote.get_absolute_url(),
        reverse("orders:quote_link", args=[reviewed_quote.number]),
        reverse("orders:order_from_quote", args=[reviewed_quote.number]),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "&lt;script&gt;alert" in page, url


def test_the_customer_asks_for_changes(client, token, reviewed_quote):
    response = client.post(
        _portal(token),
        {"action": "changes", "changes_name": "Jo", "message": "500 parts, please"},
    )
    assert response.status_code == 200
    assert "Your request for changes" in response.content.decode()
    communication = Communication.objects.get(kind=Communication.Kind.QUOTE)
    assert communication.order == reviewed_quote
    assert communication.body == "500 parts, please"


def test_asking_for_changes_without_a_message_keeps_what_was_typed(client, token):
    response = client.post(
        _portal(token), {"action": "changes", "changes_name": "Jo Buyer"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tell us what should change." in page
    assert 'value="Jo Buyer"' in page


def test_a_wrong_or_revoked_token_is_not_found(client, token, service_user):
    assert client.get(_portal(token[:-1] + "A" + "B")).status_code == 404
    link = QuoteLink.objects.get()
    quote_portal.quote_link_revoke(link=link, user=service_user)
    assert client.get(_portal(token)).status_code == 404
    response = client.post(
        _portal(token), {"action": "accept", "revision": "1", "name": "Jo"}
    )
    assert response.status_code == 404
    assert not QuoteAcceptance.objects.exists()


def test_an_expired_link_says_it_expired(client, token):
    QuoteLink.objects.update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get(_portal(token))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


# --- staff: links, PDF, the quote page --------------------------------------------


def test_customer_service_create_a_link_shown_once_and_revoke_it(
    client, reviewed_quote, service_user
):
    client.force_login(service_user)
    url = reverse("orders:quote_link", args=[reviewed_quote.number])
    response = client.post(url, {"action": "create", "label": "Jo Buyer"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    link = QuoteLink.objects.get()
    assert "/quote/" + link.token_start in page
    assert 'id="quote-url"' in page
    assert 'id="quote-url"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "revoke", "link": link.pk})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_by == service_user


def test_a_link_to_a_quote_not_reviewed_is_refused_with_a_message(
    client, change_version, service_user
):
    quote = submitted_quote(change_version, service_user).order
    client.force_login(service_user)
    url = reverse("orders:quote_link", args=[quote.number])
    response = client.post(url, {"action": "create"}, follow=True)
    assert "a link is sent once its review confirmed" in response.content.decode()
    assert not QuoteLink.objects.exists()


def test_link_page_permissions(client, reviewed_quote, reviewer, service_user):
    url = reverse("orders:quote_link", args=[reviewed_quote.number])
    assert client.get(url).status_code == 302
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(service_user)
    assert client.put(url).status_code == 405
    order = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel="email"
    ).order
    not_a_quote = reverse("orders:quote_link", args=[order.number])
    assert client.get(not_a_quote).status_code == 404


def test_a_revoke_of_another_quotes_link_is_not_found(
    client, reviewed_quote, token, service_user, change_version, team, approver
):
    from tests.quotes.conftest import assess_all, sign

    other = submitted_quote(change_version, service_user)
    assess_all(other.review, team)
    sign(other.review, approver)
    link = QuoteLink.objects.get()
    client.force_login(service_user)
    url = reverse("orders:quote_link", args=[other.order.number])
    assert client.post(url, {"action": "revoke", "link": link.pk}).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_quote_pdf_prints_the_reviewed_quote(
    client, reviewed_quote, service_user, auditor, form_admin
):
    url = reverse("orders:quote_pdf", args=[reviewed_quote.number])
    client.force_login(service_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = _pdf_text(response)
    assert f"Quote {reviewed_quote.number}" in text
    assert "Revision 1, as reviewed" in text
    assert reviewed_quote.customer.name in text
    assert f"Valid until: {reviewed_quote.valid_until:%Y-%m-%d}" in text
    assert "AX-100" in text
    assert "Not accepted yet" in text
    assert client.post(url).status_code == 405
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    client.force_login(form_admin)
    assert client.get(url).status_code == 403


def test_the_pdf_says_who_accepted(client, reviewed_quote, token, service_user):
    link = QuoteLink.objects.get()
    quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo Buyer")
    client.force_login(service_user)
    text = _pdf_text(
        client.get(reverse("orders:quote_pdf", args=[reviewed_quote.number]))
    )
    assert "Accepted by Jo Buyer" in text


def test_a_quote_not_reviewed_has_no_pdf(client, change_version, service_user):
    quote = submitted_quote(change_version, service_user).order
    client.force_login(service_user)
    url = reverse("orders:quote_pdf", args=[quote.number])
    assert client.get(url).status_code == 404


def test_the_quote_page_and_conversion_say_whether_the_customer_accepted(
    client, reviewed_quote, token, service_user
):
    client.force_login(service_user)
    convert = reverse("orders:order_from_quote", args=[reviewed_quote.number])
    assert "not accepted by the customer" in client.get(convert).content.decode()
    page = client.get(reviewed_quote.get_absolute_url()).content.decode()
    assert "data-quote-not-accepted" in page
    link = QuoteLink.objects.get()
    quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo Buyer")
    page = client.get(reviewed_quote.get_absolute_url()).content.decode()
    assert "Accepted by the customer: <strong>Jo Buyer</strong>" in page
    assert "Revision 1 accepted by the customer (Jo Buyer" in page
    assert "accepted by the customer: Jo Buyer" in client.get(convert).content.decode()
    response = client.post(convert, {"channel": "email", "documented_statement": "yes"})
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("accepted by the customer: Jo Buyer" in m for m in messages)


def test_the_audit_trail_shows_the_customers_acceptance(
    client, reviewed_quote, token, approver
):
    link = QuoteLink.objects.get()
    quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo Buyer")
    client.force_login(approver)
    url = reverse("audit:timeline") + f"?order={reviewed_quote.number}"
    page = client.get(url).content.decode()
    assert "Accepted by the customer (Jo Buyer) through the quote link" in page
