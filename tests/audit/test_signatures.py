import pytest
from django.db import connection
from django.urls import reverse

from audit.selectors import TimelineFilter, timeline_page
from audit.signatures import chain_report
from reviews.models import Signature
from reviews.services import decision_sign
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision


@pytest.fixture
def signatures(db, service_user, reviewer, approver, engineering, commercial):
    """Two decisions signed through the real service; the second is the chain head."""
    made = []
    for _ in range(2):
        review = submit_revision(engineering, commercial, entered_by=service_user)
        assess(slot(review, engineering), reviewer)
        assess(slot(review, commercial), approver)
        decision = decision_sign(
            review=review,
            signer=approver,
            outcome="accept",
            reasons="",
            password=TEST_PASSWORD,
        )
        made.append(decision.signatures.get())
    return made


def test_report_finds_the_chain_head(signatures):
    report = chain_report()
    assert report.ok
    assert report.head == signatures[-1]
    assert report.head_hash == signatures[-1].signature_hash
    assert report.length == 2


def test_page_shows_verdict_and_head(client, auditor, signatures):
    client.force_login(auditor)
    response = client.get(reverse("audit:signature_chain"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert signatures[-1].signature_hash in page
    assert "Verdict: the chain is intact." in page
    assert f'href="{reverse("reviews:signatures_verify")}"' in page


def test_page_reports_a_tampered_signature(client, auditor, signatures):
    first = signatures[0]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE reviews_signature DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE reviews_signature SET printed_name = 'Someone Else' WHERE id = %s",
            [first.pk],
        )
        cursor.execute("ALTER TABLE reviews_signature ENABLE TRIGGER USER")
    client.force_login(auditor)
    page = client.get(reverse("audit:signature_chain")).content.decode()
    assert "Verdict: the chain is broken." in page
    assert f"BROKEN at signature #{first.pk}" in page
    assert Signature.objects.count() == 2


def test_page_with_no_signature_yet(client, auditor):
    client.force_login(auditor)
    page = client.get(reverse("audit:signature_chain")).content.decode()
    assert "No signature yet." in page


def test_signature_page_refuses_others(client, reviewer, auditor, approver):
    url = reverse("audit:signature_chain")
    assert client.get(url).status_code == 302
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(auditor)
    assert client.post(url).status_code == 405
    client.force_login(approver)
    assert client.get(url).status_code == 200


def test_an_orders_timeline_reaches_its_signatures(signatures):
    first, second = signatures
    order_id = first.decision.review.order_id
    rows = timeline_page(TimelineFilter(order_id=order_id), size=500).rows
    found = {(row.model_label, row.object_id) for row in rows}
    assert ("reviews.signature", first.pk) in found
    assert ("reviews.signature", second.pk) not in found
