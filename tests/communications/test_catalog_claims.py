"""Claims in the catalog (issue 21, 8.2.2): accreditations and certifications carry
their evidence and an expiry date, are approved by a form admin, show publicly only
while approved and valid, and warn form admins when they expire."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from communications import catalog_claims as services
from communications.models import CatalogClaim
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CATALOG = reverse("communications:catalog")
NEW = reverse("communications:claim_create")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def evidence(name="certificate.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def approve(claim, user):
    claim.refresh_from_db()
    return services.claim_approve(claim=claim, user=user, seen=claim.fingerprint)


def save(user, *, claim=None, days=365, statement="ISO 9001:2015 certified", **kw):
    return services.claim_save(
        claim=claim,
        offering=kw.get("offering"),
        statement=statement,
        valid_until=timezone.localdate() + dt.timedelta(days=days),
        evidence=kw.get("file", evidence() if claim is None else None),
        user=user,
    )


def test_a_claim_keeps_its_evidence_with_a_hash_and_shows_only_once_approved(
    client, form_admin, second_form_admin
):
    claim = save(form_admin)

    assert claim.evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    assert claim.evidence_name == "certificate.pdf"
    assert "ISO 9001:2015 certified" not in client.get(CATALOG).content.decode()

    approve(claim, second_form_admin)

    assert "ISO 9001:2015 certified" in client.get(CATALOG).content.decode()
    assert claim.history.first().history_change_reason == "Approved"


def test_a_change_withdraws_the_approval(client, form_admin, second_form_admin):
    claim = save(form_admin)
    approve(claim, second_form_admin)

    claim = save(form_admin, claim=claim, statement="ISO 14001 certified")

    assert claim.approved_at is None
    assert claim.history.first().history_change_reason == (
        "Changed; approval withdrawn"
    )
    assert "ISO 14001" not in client.get(CATALOG).content.decode()


def test_an_expired_claim_leaves_the_catalog_and_cannot_be_approved(
    client, form_admin, second_form_admin
):
    claim = save(form_admin, days=10)
    approve(claim, second_form_admin)
    CatalogClaim.objects.filter(pk=claim.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )

    assert "ISO 9001:2015 certified" not in client.get(CATALOG).content.decode()
    client.force_login(form_admin)
    home = client.get(reverse("home")).content.decode()
    assert "Catalog claims to act on" in home
    assert "expired" in home

    fresh = save(form_admin, days=5)
    CatalogClaim.objects.filter(pk=fresh.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(Exception, match="It expired"):
        approve(fresh, second_form_admin)


def test_an_offerings_claim_shows_on_its_card(client, form_admin, second_form_admin):
    offering = factories.OfferingFactory(name="Precision turning")
    claim = save(form_admin, offering=offering, statement="NADCAP heat treating")
    approve(claim, second_form_admin)

    html = client.get(CATALOG).content.decode()

    card = html[html.index("Precision turning") :]
    assert "NADCAP heat treating" in card
    assert "Certifications and approvals" not in html  # no company-wide claim


def test_bad_input_comes_back_next_to_the_fields_with_nothing_lost(client, form_admin):
    client.force_login(form_admin)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    response = client.post(
        NEW,
        {
            "offering": "",
            "statement": "Kept <b>claim</b> text",
            "valid_until": yesterday,
            "evidence": evidence("certificate.exe", b"MZ\x90\x00"),
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "This date has passed" in html
    assert "Kept &lt;b&gt;claim&lt;/b&gt; text" in html
    response = client.post(
        NEW, {"statement": "", "valid_until": "2099-01-01", "evidence": evidence()}
    )
    assert "Choose the file again" in response.content.decode()
    assert not CatalogClaim.objects.exists()

    response = client.post(
        NEW,
        {
            "statement": "Kept",
            "valid_until": "2099-01-01",
            "evidence": evidence("certificate.exe", b"MZ\x90\x00"),
        },
    )
    assert "Files of this type are not accepted" in response.content.decode()
    response = client.post(NEW, {"statement": "Kept", "valid_until": "2099-01-01"})
    assert "Attach the certificate or other evidence." in response.content.decode()


def test_hostile_statements_are_text_in_the_catalog_and_the_admin_pages(
    client, form_admin, second_form_admin
):
    hostile = "<script>alert(1)</script>{{ request.user.password }}"
    claim = save(form_admin, statement=hostile)
    approve(claim, second_form_admin)
    client.force_login(form_admin)

    for url in (
        CATALOG,
        reverse("communications:claim_list"),
        claim.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html
        assert "pbkdf2" not in html


def test_the_evidence_downloads_never_inline_and_auditors_change_nothing(
    client, form_admin, auditor
):
    claim = save(form_admin)
    client.force_login(auditor)

    response = client.get(reverse("communications:claim_evidence", args=[claim.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    approve = reverse("communications:claim_approve", args=[claim.pk])
    assert client.post(approve).status_code == 403
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Approve this claim" not in page


def test_the_database_refuses_half_an_approval_and_an_unhashed_evidence(form_admin):
    claim = save(form_admin)
    rows = CatalogClaim.objects.filter(pk=claim.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(approved_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(evidence_sha256="not a hash")


@pytest.mark.parametrize("claims", [1, 15])
def test_the_catalog_keeps_its_query_count(
    client, form_admin, claims, django_assert_num_queries, second_form_admin
):
    offering = factories.OfferingFactory()
    for _ in range(claims):
        approve(save(form_admin, offering=offering), second_form_admin)

    # the offerings with their forms; their applicable regulations; the public
    # claims.
    with django_assert_num_queries(3):
        html = client.get(CATALOG).content.decode()
    assert html.count("ISO 9001:2015 certified") == claims


def test_the_author_of_a_version_does_not_approve_it_and_a_stale_page_is_refused(
    client, form_admin, second_form_admin, settings
):
    claim = save(form_admin)

    with pytest.raises(Exception, match="another form admin approves it"):
        approve(claim, form_admin)
    seen = claim.fingerprint
    save(second_form_admin, claim=claim, statement="ISO 9001:2015, scope widened")
    with pytest.raises(Exception, match="changed since you opened it"):
        services.claim_approve(claim=claim, user=form_admin, seen=seen)
    # the second admin wrote this version now: the first approves it
    claim = approve(claim, form_admin)
    assert claim.approved_by == form_admin
    settings.REVIEW_ALLOW_SELF_APPROVAL = True
    own = save(form_admin, statement="One-person shop")
    assert approve(own, form_admin).approved_by == form_admin


def test_saving_unchanged_keeps_the_approval(form_admin, second_form_admin):
    claim = approve(save(form_admin), second_form_admin)

    same = save(
        form_admin, claim=claim, days=(claim.valid_until - timezone.localdate()).days
    )

    assert same.approved_by == second_form_admin
    assert claim.history.count() == 2  # created, approved: no change recorded


def test_a_withdrawn_claim_leaves_the_catalog_and_the_home_list(
    client, form_admin, second_form_admin
):
    claim = approve(save(form_admin, days=5), second_form_admin)
    client.force_login(form_admin)
    assert "ISO 9001:2015 certified" in client.get(reverse("home")).content.decode()

    response = client.post(reverse("communications:claim_withdraw", args=[claim.pk]))

    assert response.status_code == 302
    assert "ISO 9001:2015 certified" not in client.get(CATALOG).content.decode()
    assert "ISO 9001:2015 certified" not in client.get(reverse("home")).content.decode()
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Withdrawn" in page and "Approve this claim" not in page
    with pytest.raises(Exception, match="withdrawn"):
        save(form_admin, claim=claim, statement="Back again")


def test_a_refused_claim_leaves_no_evidence_file_behind(form_admin, settings):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        save(form_admin, statement="x" * 100_000)

    stored = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []
    assert not CatalogClaim.objects.exists()
