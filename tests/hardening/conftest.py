"""A small world of real objects behind every URL, and the users who walk it."""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.utils import timezone

from api import services as api_services
from audit.models import Disposal
from audit.registry import history_model, tracked_models
from communications import catalog_claims as claim_services
from communications import customer_property as property_services
from communications import services as comm_services
from communications.models import Communication, OutboundNotice
from orderreview import roles
from orderreview.db import quote_ident
from orderreview.db_roles import app_role_grant
from orders import services as order_services
from orders.models import Channel, Order, OrderFormVersion, Question
from pages.agreements import customer_answer_record
from requirements import change_orders
from requirements import services as req_services
from requirements.models import (
    ChangeNotification,
    QuoteDifference,
    Requirement,
    RequirementSet,
)
from reviews import agreements, statutory
from reviews import services as review_services
from reviews.models import ApprovalRule, Assessment, CustomerAgreement, Review
from tests import factories
from tests.hardening.quote_world import quote_world
from tests.intake.conftest import COMPLETE, answer_post, customer, intake_version
from tests.reviews.lines_world import submit_lines_revision
from tests.webhooks.world import webhook_world

__all__ = ["COMPLETE", "answer_post", "customer", "intake_version"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    # The walks and property tests hit the public pages far more than a person would.
    settings.PUBLIC_RATE_LIMIT = 100_000


def history_rows() -> int:
    """All history rows of all tracked models, in one query."""
    tables = [history_model(model)._meta.db_table for model in tracked_models()]
    counts = " + ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def database_url(user: str, password: str) -> str:
    """A postgres:// URL for the test database, as user."""
    db = connection.settings_dict
    host, port = db["HOST"] or "", db["PORT"] or ""
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    query = {}
    if host.startswith("/"):  # a Unix socket directory (the embedded server)
        query["host"] = host
    else:
        netloc += host
    if port:
        netloc += f":{port}"
    suffix = f"?{urlencode(query)}" if query else ""
    return f"postgres://{netloc}/{quote(db['NAME'], safe='')}{suffix}"


@dataclass(frozen=True)
class AppRole:
    name: str
    password: str

    @property
    def url(self) -> str:
        return database_url(self.name, self.password)


@pytest.fixture(scope="session")
def app_role(django_db_setup, django_db_blocker):
    """A login role granted exactly what migrate grants the app role, in the test
    database. Roles belong to the whole server, so the name carries the test
    database's: parallel suites on one server each have their own."""
    name = f"orderreview_app_{connection.settings_dict['NAME']}"[:63]
    password = secrets.token_urlsafe(24)
    quoted = quote_ident(name)
    with django_db_blocker.unblock():
        app_role_grant(connection, role=name)
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {quoted} PASSWORD %s", [password])
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                # SET ROLE (tests of the app's own work) needs membership.
                cursor.execute(f"GRANT {quoted} TO CURRENT_USER")
    yield AppRole(name, password)
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        try:
            cursor.execute(f"DROP OWNED BY {quoted}")
            cursor.execute(f"DROP ROLE {quoted}")
        except DatabaseError:
            # Still granted something elsewhere on the server: the next run with
            # this test database name sets the same role up again.
            pass


@pytest.fixture
def everyone(db, engineering, production, quality, commercial):
    """A user holding every role and discipline (CSRF and CSP walks)."""
    roles.sync_roles()
    user = factories.UserFactory(username="everyone")
    user.groups.add(*Group.objects.all())
    for discipline in (engineering, production, quality, commercial):
        discipline.members.add(user)
    return user


@dataclass
class World:
    """Two submitted orders (A, C) with open reviews, one draft (B) with a portal
    link, a complaint with an attachment, a notice, an offering, a draft form."""

    order_a: Order
    order_b: Order
    order_c: Order
    review_a: Review
    review_c: Review
    slot_a: Assessment
    slot_c: Assessment
    file_requirement_a: Requirement
    staff_requirement_b: Requirement
    token_b: str
    communication: Communication
    attachment_pk: int
    notice: OutboundNotice
    offering_pk: int
    draft_version: OrderFormVersion
    draft_question: Question
    catalog_slug: str
    # Order D: a submitted change (revision 2, its owner notified); order C has a
    # draft change (revision 2) with a hand-added requirement.
    change_c: RequirementSet
    change_requirement_c: Requirement
    order_d: Order
    notification_pk: int
    property_pk: int
    claim_pk: int
    # Customer service's API token (their token page's revoke URL).
    api_token_pk: int
    intake_slug: str
    intake_number: int
    # A disposal asked for (by customer service's user, saved directly: nothing in
    # the world is past retention) of the complaint.
    disposal_pk: int
    register_pk: int
    check_a_pk: int
    # Order E: accepted with a condition, waiting for the customer (token_e opens
    # their answer page); order F: its customer declined the conditions.
    order_e: Order
    token_e: str
    order_f: Order
    # An approval rule that applies to none of the world's reviews.
    approval_rule_pk: int
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    # A resolved difference from a quote, on order C's first revision (its page).
    quote_difference_pk: int = 0


def submitted(version, customer, user, **answers) -> Order:
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.PHONE,
        customer=customer,
        # Read back from the customer's written order: signing needs no confirmation.
        documented_statement=True,
        answers={**COMPLETE, **answers},
    )
    req_services.revision_submit(revision=revision, user=user)
    return Order.objects.get(pk=revision.order_id)


def conditionally_accepted(version, customer, user, approver) -> tuple[Order, str]:
    """An order signed "accept" with one condition, and the token of the link its
    decision notice gives the customer."""
    order = submitted(version, customer, user)
    review = Review.objects.get(order=order)
    slots = list(review.assessments.select_related("discipline").order_by("pk"))
    assessor = factories.UserFactory()
    assessor.groups.add(Group.objects.get_or_create(name=roles.REVIEWER)[0])
    for index, slot in enumerate(slots):
        slot.discipline.members.add(assessor)
        review_services.assessment_record(
            assessment=slot,
            user=assessor,
            verdict="conditions" if index == 0 else "can_meet",
            note="Earliest delivery in March" if index == 0 else "",
            version=slot.version,
        )
    # The register's entries for the form are confirmed too (8.2.2).
    for check in review.statutory_checks.select_related("discipline"):
        check.discipline.members.add(assessor)
        statutory.check_record(
            check=check, user=assessor, state="complies", note="", version=check.version
        )
    review_services.decision_sign(
        review=review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=factories.TEST_PASSWORD,
    )
    # The token the decision e-mail carries (the notice on file has none).
    token = agreements.agreement_link_issue(order=order)
    return Order.objects.get(pk=order.pk), token


@pytest.fixture
def world(
    intake_version, customer, service_user, reviewer, approver, engineering, production
) -> World:
    # Applies to the intake form: every review opened below gets its check.
    register_entry = factories.StatutoryRequirementFactory(
        discipline=engineering, forms=[intake_version.form]
    )
    drawing = SimpleUploadedFile("drawing.pdf", PDF, content_type="application/pdf")
    order_a = submitted(intake_version, customer, service_user, drawing=drawing)
    order_c = submitted(intake_version, customer, service_user)
    revision_b = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        customer=customer,
        answers=COMPLETE,
    )
    order_b = revision_b.order
    staff_requirement = req_services.requirement_add(
        revision=revision_b,
        user=service_user,
        statement="Pack in crates",
        category="organisation",
        discipline=engineering,
    )
    _, token = order_services.portal_link_create(order=order_b, user=service_user)
    review_a = Review.objects.get(order=order_a)
    review_c = Review.objects.get(order=order_c)
    slot_a = review_a.assessments.get(requirement__key="part_number")
    slot_c = review_c.assessments.get(requirement__key="part_number")
    file_requirement = Requirement.objects.get(
        requirement_set__order=order_a, key="drawing"
    )
    communication = comm_services.communication_record(
        customer=customer,
        order=order_a,
        direction="in",
        channel="email",
        kind="complaint",
        subject="Late delivery",
        body="The last batch came late.",
        occurred_at=timezone.now(),
        recorded_by=service_user,
        attachment=SimpleUploadedFile("letter.pdf", PDF),
    )
    attachment = communication.attachments.get()
    notice = OutboundNotice.objects.filter(order=order_a).first()
    if notice is None:
        notice = factories.OutboundNoticeFactory(order=order_a)
    offering = factories.OfferingFactory(order_form=intake_version.form)
    draft_version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Draft form", slug="draft-form")
    )
    draft_question = factories.QuestionFactory(version=draft_version, key="colour")
    change_c = change_orders.change_order_start(
        order=order_c,
        user=service_user,
        reason="More parts",
        channel=Channel.EMAIL,
        requested_by="Buyer",
    )
    change_requirement_c = req_services.requirement_add(
        revision=change_c,
        user=service_user,
        statement="Deliver in two batches",
        category="delivery",
        discipline=engineering,
    )
    order_d = submitted(intake_version, customer, service_user)
    change_d = change_orders.change_order_start(
        order=order_d,
        user=service_user,
        reason="Quantity doubled",
        channel=Channel.PHONE,
        requested_by="Buyer",
    )
    req_services.revision_answers_save(
        revision=change_d,
        user=service_user,
        answers={**change_d.answers, "part_number": "AX-200"},
    )
    req_services.revision_submit(revision=change_d, user=service_user)
    notification = ChangeNotification.objects.get(revision=change_d, user=service_user)
    claim = claim_services.claim_save(
        claim=None,
        offering=offering,
        statement="ISO 9001:2015 certified",
        valid_until=timezone.localdate() + timedelta(days=365),
        evidence=SimpleUploadedFile("certificate.pdf", PDF),
        user=service_user,
    )
    property_item = property_services.property_receive(
        customer=customer,
        order=order_a,
        kind="tooling",
        description="Drill jig J-7",
        received_on=timezone.localdate(),
        condition_on_receipt="Good",
        location="Store A",
        user=service_user,
    )
    api_token, _ = api_services.api_token_create(user=service_user, name="ERP import")
    disposal = Disposal.objects.create(
        record_type=Disposal.RecordType.COMPLAINT,
        communication=communication,
        record_label=f"Complaint #{communication.pk}",
        retention_rule="Feedback and complaints: kept 10 years",
        reason="Retention period over.",
        requested_by=service_user,
        requested_at=timezone.now(),
    )
    order_e, token_e = conditionally_accepted(
        intake_version, customer, service_user, approver
    )
    order_f, _ = conditionally_accepted(
        intake_version, customer, service_user, approver
    )
    customer_answer_record(
        agreement=CustomerAgreement.objects.get(order=order_f),
        state="declined",
        answered_by_name="Buyer",
        answered_via="phone",
        answered_at=timezone.now(),
        comment="March is too late",
        recorded_by=service_user,
        note="Called back",
    )
    world = World(
        order_a=order_a,
        order_b=order_b,
        order_c=order_c,
        review_a=review_a,
        review_c=review_c,
        slot_a=slot_a,
        slot_c=slot_c,
        file_requirement_a=file_requirement,
        staff_requirement_b=staff_requirement,
        token_b=token,
        communication=communication,
        attachment_pk=attachment.pk,
        notice=notice,
        offering_pk=offering.pk,
        draft_version=draft_version,
        draft_question=draft_question,
        catalog_slug=intake_version.form.slug,
        change_c=change_c,
        change_requirement_c=change_requirement_c,
        order_d=order_d,
        notification_pk=notification.pk,
        property_pk=property_item.pk,
        claim_pk=claim.pk,
        api_token_pk=api_token.pk,
        intake_slug=intake_version.form.slug,
        intake_number=intake_version.number,
        disposal_pk=disposal.pk,
        register_pk=register_entry.pk,
        check_a_pk=review_a.statutory_checks.get().pk,
        order_e=Order.objects.get(pk=order_e.pk),
        token_e=token_e,
        order_f=Order.objects.get(pk=order_f.pk),
        approval_rule_pk=ApprovalRule.objects.create(
            name="Export orders",
            conditions=[{"kind": "answer_yes", "question": "no-such-question"}],
            approvers_required=2,
        ).pk,
    )
    world.quote_difference_pk = QuoteDifference.objects.create(
        revision=order_c.revisions.get(number=1),
        key="quantity",
        change="changed",
        statement="Quantity",
        quote_value="250",
        order_value="400",
        discipline=engineering,
        # Resolved: signing order C's open review stays possible.
        resolution="reviewer",
        reason="Capacity for 400.",
        resolved_by=reviewer,
        resolved_at=timezone.now(),
    ).pk
    world.params = {
        **world_params(world),
        **webhook_world(customer, service_user),
        **quote_world(intake_version, customer, service_user, approver),
        **lines_world(),
    }
    return world


def lines_world() -> dict[str, dict[str, str]]:
    """A review of an order with one line, for the URL of a line's rows."""
    review = submit_lines_revision(1)
    return {"reviews:review_line": {"pk": str(review.pk), "line": "L1"}}


def world_params(w: World) -> dict[str, dict[str, str]]:
    """URL name -> the real objects filling its path parameters."""
    a, b = w.order_a.number, w.order_b.number
    form = {"slug": w.draft_version.form.slug, "number": str(w.draft_version.number)}
    question = {**form, "pk": str(w.draft_question.pk)}
    comm = {"pk": str(w.communication.pk)}
    notice = {"pk": str(w.notice.pk)}
    return {
        "orders:customer_detail": {"pk": str(w.order_a.customer_id)},
        "orders:customer_edit": {"pk": str(w.order_a.customer_id)},
        "orders:order_detail": {"number": a},
        "orders:order_edit": {"number": b},
        "orders:requirement_add": {"number": b},
        "orders:requirement_remove": {
            "number": b,
            "pk": str(w.staff_requirement_b.pk),
        },
        "orders:requirement_file": {
            "number": a,
            "pk": str(w.file_requirement_a.pk),
        },
        "orders:revision_confirmation": {"number": a, "revision": "1"},
        "orders:portal_link": {"number": b},
        "orders:order_from_quote": {"number": a},
        "orders:quote_renew": {"number": a},
        "orders:quote_difference": {
            "number": w.order_c.number,
            "pk": str(w.quote_difference_pk),
        },
        "orders:portal": {"token": w.token_b},
        "orders:agreement_portal": {"token": w.token_e},
        "orders:agreement_record": {"number": w.order_e.number},
        "orders:order_close_declined": {"number": w.order_f.number},
        "orders:catalog_request": {"form_slug": w.catalog_slug},
        "reviews:review_detail": {"pk": str(w.review_a.pk)},
        "reviews:assessment_save": {
            "pk": str(w.review_a.pk),
            "assessment_pk": str(w.slot_a.pk),
        },
        "reviews:assessment_reopen": {
            "pk": str(w.review_a.pk),
            "assessment_pk": str(w.slot_a.pk),
        },
        "reviews:statutory_check_save": {
            "pk": str(w.review_a.pk),
            "check_pk": str(w.check_a_pk),
        },
        "regulations:register_edit": {"pk": str(w.register_pk)},
        "reviews:approval_rule_edit": {"pk": str(w.approval_rule_pk)},
        "reviews:approval_rule_deactivate": {"pk": str(w.approval_rule_pk)},
        "regulations:register_withdraw": {"pk": str(w.register_pk)},
        "reviews:decision_sign": {"pk": str(w.review_a.pk)},
        "reviews:assessments_can_meet": {"pk": str(w.review_a.pk)},
        "reviews:acceptance_record": {"number": a, "revision": "1"},
        "reviews:acceptance_record_pdf": {"number": a, "revision": "1"},
        "communications:communication_detail": comm,
        "communications:communication_follow_up": comm,
        "communications:attachment_add": comm,
        "communications:attachment_download": {"pk": str(w.attachment_pk)},
        "communications:offering_edit": {"pk": str(w.offering_pk)},
        "communications:notice_detail": notice,
        "communications:notice_retry": notice,
        "communications:notice_cancel": notice,
        "communications:template_edit": {"kind": "acknowledgement"},
        **{
            f"communications:claim_{name}": {"pk": str(w.claim_pk)}
            for name in ("edit", "approve", "withdraw", "evidence")
        },
        **{
            f"communications:property_{name}": {"pk": str(w.property_pk)}
            for name in ("detail", "move", "release", "problem", "close")
        },
        "orderforms:form_detail": {"slug": form["slug"]},
        "orderforms:form_edit": {"slug": form["slug"]},
        "orderforms:version_create": {"slug": form["slug"]},
        "orderforms:version_detail": form,
        "orderforms:version_preview": form,
        "orderforms:version_publish": form,
        "orderforms:version_retire": form,
        "orderforms:version_discard": form,
        "orderforms:version_export": form,
        "orderforms:version_value": form,
        "orderforms:version_sections": form,
        "orderforms:question_create": form,
        "orderforms:question_preview": form,
        "orderforms:question_edit": question,
        "orderforms:question_move": question,
        "orderforms:question_remove": question,
        "audit:object_history": {
            "model": "orders.order",
            "object_id": str(w.order_a.pk),
        },
        "audit:order_as_of": {"number": a},
        "audit:disposal_request": {
            "record_type": "orders",
            "object_id": str(w.order_a.pk),
        },
        **{
            f"audit:disposal_{name}": {"pk": str(w.disposal_pk)}
            for name in ("detail", "decide", "execute")
        },
        "requirements:change_new": {"number": w.order_d.number},
        **{
            f"requirements:{name}": {"number": w.order_c.number, "revision": "2"}
            for name in ("change_edit", "change_discard", "change_requirement_add")
        },
        **{
            f"requirements:{name}": {
                "number": w.order_c.number,
                "revision": "2",
                "pk": str(w.change_requirement_c.pk),
            }
            for name in ("change_requirement_edit", "change_requirement_remove")
        },
        "requirements:revision_changes": {"number": w.order_d.number, "revision": "2"},
        "requirements:notification_detail": {"pk": str(w.notification_pk)},
        "api:token_revoke": {"pk": str(w.api_token_pk)},
        "api:customer_detail": {"pk": str(w.order_a.customer_id)},
        "api:order_form_version": {
            "slug": w.intake_slug,
            "number": str(w.intake_number),
        },
        "api:order_detail": {"number": a},
        "api:order_submit": {"number": a},
        "api:revision_list": {"number": w.order_d.number},
        **{
            f"api:{name}": {"number": w.order_d.number, "revision": "2"}
            for name in (
                "revision_detail",
                "revision_review",
                "acceptance_record",
                "acceptance_record_pdf",
            )
        },
        "api:revision_diff": {"number": w.order_d.number},
        "api:communication_detail": comm,
        "api:communication_attachment_add": comm,
        "api:communication_attachment": {
            **comm,
            "attachment_id": str(w.attachment_pk),
        },
        "api:order_file_upload": {"number": b, "key": "drawing"},
        "api:change_order_list": {"number": a},
        "api:change_order_detail": {"number": w.order_c.number, "revision": "2"},
        "api:change_order_submit": {"number": w.order_d.number, "revision": "2"},
        "api:change_order_file_upload": {
            "number": w.order_c.number,
            "revision": "2",
            "key": "drawing",
        },
        "api:order_line_file_upload": {"number": b, "line": "L1", "key": "drawing"},
        "api:change_order_line_file_upload": {
            "number": w.order_c.number,
            "revision": "2",
            "line": "L1",
            "key": "drawing",
        },
    }
