"""Change-order pages: permissions, bad input, query counts."""

import pytest
from django.urls import reverse

from orders.models import Order, RequirementCategory
from requirements import change_orders
from requirements import services as req_services
from requirements.models import ChangeNotification, RequirementSet
from tests import factories
from tests.changes.conftest import raise_change

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def change_draft(order, user):
    return change_orders.change_order_start(
        order=order,
        user=user,
        reason="Customer asked for 500",
        channel="email",
        requested_by="Jo Buyer",
    )


def revisions_with_changes(rows: int, engineering) -> RequirementSet:
    """An accepted revision 1 and a submitted revision 2 that changes, adds and
    removes rows requirements each (built directly: the page only reads)."""
    revision1 = factories.RequirementSetFactory(
        state=RequirementSet.State.ACCEPTED, order__status=Order.Status.IN_REVIEW
    )
    revision2 = factories.RequirementSetFactory(
        order=revision1.order,
        number=2,
        state=RequirementSet.State.SUBMITTED,
        reason="More parts",
    )
    for n in range(rows):
        factories.RequirementFactory(
            requirement_set=revision1, key=f"c{n}", value="1", discipline=engineering
        )
        factories.RequirementFactory(
            requirement_set=revision2, key=f"c{n}", value="2", discipline=engineering
        )
        factories.RequirementFactory(
            requirement_set=revision1, key=f"r{n}", discipline=engineering
        )
        factories.RequirementFactory(
            requirement_set=revision2, key=f"a{n}", discipline=engineering
        )
    return revision2


# --- raising a change order ---------------------------------------------------


def test_raising_a_change_order_opens_the_prefilled_form(
    client, accepted_order, service_user
):
    login(client, service_user)
    url = reverse("requirements:change_new", args=[accepted_order.number])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"reason": "Bigger batch", "channel": "email", "requested_by": "Jo Buyer"},
    )
    draft = accepted_order.revisions.get(number=2)
    assert response.url == reverse(
        "requirements:change_edit", args=[accepted_order.number, 2]
    )
    page = client.get(response.url).content.decode()
    assert 'value="AX-100"' in page and 'value="250"' in page
    assert "Bigger batch" in page
    assert draft.state == "draft"


def test_a_change_order_without_a_reason_shows_the_form_again(
    client, accepted_order, service_user
):
    login(client, service_user)
    url = reverse("requirements:change_new", args=[accepted_order.number])
    response = client.post(
        url, {"reason": "", "channel": "email", "requested_by": "Jo"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert 'value="Jo"' in response.content.decode()
    assert accepted_order.revisions.count() == 1


def test_a_draft_order_cannot_be_changed_and_says_why(
    client, service_user, change_version
):
    draft = req_services.intake_start(
        user=service_user,
        form_version=change_version,
        channel="phone",
        customer=factories.CustomerFactory(),
    )
    login(client, service_user)
    url = reverse("requirements:change_new", args=[draft.order.number])
    response = client.post(
        url, {"reason": "x", "channel": "email", "requested_by": "Jo"}
    )
    assert response.status_code == 200
    assert "only an accepted order" in response.content.decode()


def test_change_new_permissions(
    client, accepted_order, service_user, reviewer, auditor
):
    url = reverse("requirements:change_new", args=[accepted_order.number])
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, reviewer).get(url).status_code == 403
    assert login(client, auditor).get(url).status_code == 403
    assert login(client, service_user).put(url).status_code == 405
    missing = reverse("requirements:change_new", args=["SO-0000-000000"])
    assert client.get(missing).status_code == 404


# --- editing and submitting the draft --------------------------------------------


def test_submitting_the_change_shows_its_diff_and_re_opens_review(
    client, accepted_order, service_user
):
    draft = change_draft(accepted_order, service_user)
    login(client, service_user)
    url = reverse("requirements:change_edit", args=[accepted_order.number, 2])
    data = {"a-part_number": "AX-100", "a-quantity": "500", "a-finish": "anodised"}
    saved = client.post(url, {**data, "save": "1"})
    assert saved.url == url
    page = client.get(url).content.decode()
    assert "diff-changed" in page and "500" in page

    response = client.post(url, {**data, "submit": "1"}, follow=True)

    draft.refresh_from_db()
    assert draft.state == RequirementSet.State.SUBMITTED
    assert draft.review.assessments.filter(verdict="").count() == 1
    assert "what changed" in response.content.decode()


def test_invalid_answers_keep_what_was_typed(client, accepted_order, service_user):
    change_draft(accepted_order, service_user)
    login(client, service_user)
    url = reverse("requirements:change_edit", args=[accepted_order.number, 2])
    response = client.post(
        url, {"a-part_number": "AX-9", "a-quantity": "lots", "submit": "1"}
    )
    assert response.status_code == 200
    assert 'value="AX-9"' in response.content.decode()
    assert accepted_order.revisions.get(number=2).state == "draft"


def test_submitting_an_unchanged_change_says_so(client, accepted_order, service_user):
    change_draft(accepted_order, service_user)
    login(client, service_user)
    url = reverse("requirements:change_edit", args=[accepted_order.number, 2])
    data = {"a-part_number": "AX-100", "a-quantity": "250", "a-finish": "anodised"}
    response = client.post(url, {**data, "submit": "1"})
    assert response.status_code == 200
    assert "changes nothing" in response.content.decode()


def test_change_edit_permissions_and_other_revisions(
    client, accepted_order, service_user, reviewer, auditor
):
    change_draft(accepted_order, service_user)
    url = reverse("requirements:change_edit", args=[accepted_order.number, 2])
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, reviewer).get(url).status_code == 403
    assert login(client, auditor).get(url).status_code == 403
    login(client, service_user)
    assert client.put(url).status_code == 405
    # Revision 1 is not a change order; revision 3 does not exist.
    for number in (1, 3):
        other = reverse(
            "requirements:change_edit", args=[accepted_order.number, number]
        )
        assert client.get(other).status_code == 404


@pytest.mark.parametrize("rows", [1, 10])
def test_change_edit_query_count_is_constant(
    client, accepted_order, service_user, engineering, django_assert_num_queries, rows
):
    draft = change_draft(accepted_order, service_user)
    for n in range(rows):
        req_services.requirement_add(
            revision=draft,
            user=service_user,
            statement=f"Extra {n}",
            category=RequirementCategory.STATED,
            discipline=engineering,
        )
    login(client, service_user)
    url = reverse("requirements:change_edit", args=[accepted_order.number, 2])
    # session, user, groups, the revision with order/customer/form/creator, the
    # form's questions twice (the answer form's class and its initial values);
    # the diff: earlier revisions, the baseline's requirements, the draft's
    # questions with disciplines, the question lookup of the formkit preview,
    # the draft's hand-added requirements; the hand-added list; the form's
    # repeating sections (answer form, visible questions, answer requirements)
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.content.decode().count("Extra ") >= rows


# --- hand-added requirements -----------------------------------------------------


def test_hand_added_requirements_are_added_edited_and_removed(
    client, accepted_order, service_user, engineering, quality
):
    draft = change_draft(accepted_order, service_user)
    login(client, service_user)
    add = reverse(
        "requirements:change_requirement_add", args=[accepted_order.number, 2]
    )
    assert client.get(add).status_code == 200
    bad = client.post(add, {"statement": "", "category": "stated"})
    assert bad.status_code == 200 and "This field is required" in bad.content.decode()
    client.post(
        add,
        {
            "statement": "Pack in VCI",
            "category": "delivery",
            "discipline": engineering.pk,
        },
    )
    requirement = draft.requirements.get()
    edit = reverse(
        "requirements:change_requirement_edit",
        args=[accepted_order.number, 2, requirement.pk],
    )
    assert "Pack in VCI" in client.get(edit).content.decode()
    client.post(
        edit,
        {
            "statement": "Pack in VCI, 10 a bag",
            "category": "delivery",
            "discipline": quality.pk,
        },
    )
    requirement.refresh_from_db()
    assert (requirement.statement, requirement.discipline) == (
        "Pack in VCI, 10 a bag",
        quality,
    )
    remove = reverse(
        "requirements:change_requirement_remove",
        args=[accepted_order.number, 2, requirement.pk],
    )
    assert client.get(remove).status_code == 405
    client.post(remove)
    assert not draft.requirements.exists()


def test_requirements_of_another_order_are_404(
    client, accepted_order, service_user, engineering, change_version
):
    change_draft(accepted_order, service_user)
    other = factories.RequirementFactory(source="staff", discipline=engineering)
    login(client, service_user)
    for name in ("change_requirement_edit", "change_requirement_remove"):
        url = reverse(f"requirements:{name}", args=[accepted_order.number, 2, other.pk])
        assert client.post(url).status_code == 404


def test_hand_added_requirement_pages_refuse_other_roles(
    client, accepted_order, service_user, reviewer
):
    change_draft(accepted_order, service_user)
    add = reverse(
        "requirements:change_requirement_add", args=[accepted_order.number, 2]
    )
    assert client.get(add).url.startswith("/accounts/login/")
    assert login(client, reviewer).get(add).status_code == 403
    assert login(client, service_user).put(add).status_code == 405


def test_discarding_a_change_asks_for_confirmation_and_only_posts(
    client, accepted_order, service_user, auditor
):
    change_draft(accepted_order, service_user)
    url = reverse("requirements:change_discard", args=[accepted_order.number, 2])
    login(client, service_user)
    page = client.get(
        reverse("requirements:change_edit", args=[accepted_order.number, 2])
    ).content.decode()
    assert f'action="{url}" data-confirm=' in page
    assert client.get(url).status_code == 405
    assert login(client, auditor).post(url).status_code == 403
    response = login(client, service_user).post(url)
    assert response.url == accepted_order.get_absolute_url()
    assert accepted_order.revisions.count() == 1


# --- the diff page -------------------------------------------------------------------


def test_the_diff_page_shows_old_and_new_side_by_side(
    client, accepted_order, service_user, auditor, reviewer
):
    raise_change(accepted_order, service_user, {"quantity": 500, "finish": None})
    url = reverse("requirements:revision_changes", args=[accepted_order.number, 2])
    for user in (service_user, auditor, reviewer):
        page = login(client, user).get(url).content.decode()
        assert '<td class="diff-removed">250</td>' in page
        assert '<td class="diff-changed">500</td>' in page
        assert "Removed" in page and "Surface finish" in page
    assert login(client, auditor).post(url).status_code == 405


def test_diff_page_permissions(client, accepted_order, service_user, form_admin):
    raise_change(accepted_order, service_user, {"quantity": 500})
    url = reverse("requirements:revision_changes", args=[accepted_order.number, 2])
    assert client.get(url).url.startswith("/accounts/login/")
    assert login(client, form_admin).get(url).status_code == 403
    assert login(client, service_user).post(url).status_code == 405
    first = reverse("requirements:revision_changes", args=[accepted_order.number, 1])
    assert client.get(first).status_code == 404


@pytest.mark.parametrize("rows", [1, 12])
def test_diff_page_query_count_is_constant(
    client, service_user, engineering, django_assert_num_queries, rows
):
    revision2 = revisions_with_changes(rows, engineering)
    login(client, service_user)
    url = reverse("requirements:revision_changes", args=[revision2.order.number, 2])
    # session, user, groups, the revision with order/customer/creator, earlier
    # revisions (baseline), the baseline's and the revision's requirements,
    # who was notified
    with django_assert_num_queries(8):
        response = client.get(url)
    diff = response.context["diff"]
    assert (len(diff.changed), len(diff.added), len(diff.removed)) == (rows,) * 3


# --- notifications -----------------------------------------------------------------


def test_a_notified_reviewer_reads_and_acknowledges_the_change(
    client, accepted_order, service_user, planner
):
    revision2 = raise_change(accepted_order, service_user, {"quantity": 500})
    notification = ChangeNotification.objects.get(revision=revision2, user=planner)
    login(client, planner)
    home = client.get(reverse("home")).content.decode()
    assert notification.get_absolute_url() in home
    listing = client.get(reverse("requirements:notification_list")).content.decode()
    assert "To acknowledge" in listing
    url = notification.get_absolute_url()
    page = client.get(url).content.decode()
    assert "diff-changed" in page and 'data-confirm="' in page

    refused = client.post(url, {})
    assert refused.status_code == 200
    assert "Tick the box" in refused.content.decode()
    notification.refresh_from_db()
    assert notification.acknowledged_at is None

    client.post(url, {"confirm": "on"})
    notification.refresh_from_db()
    assert notification.acknowledged_at is not None
    order_page = client.get(accepted_order.get_absolute_url()).content.decode()
    assert "1 of 2 acknowledged" in order_page
    assert f"waiting: {service_user.printed_name}" in order_page


def test_someone_elses_notification_is_404(
    client, accepted_order, service_user, planner, reviewer
):
    revision2 = raise_change(accepted_order, service_user, {"quantity": 500})
    notification = ChangeNotification.objects.get(revision=revision2, user=planner)
    url = notification.get_absolute_url()
    assert login(client, reviewer).get(url).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404
    notification.refresh_from_db()
    assert notification.acknowledged_at is None


def test_notification_pages_refuse_anonymous_wrong_role_and_methods(
    client, accepted_order, service_user, planner, form_admin, auditor
):
    revision2 = raise_change(accepted_order, service_user, {"quantity": 500})
    notification = ChangeNotification.objects.get(revision=revision2, user=planner)
    listing = reverse("requirements:notification_list")
    assert client.get(listing).url.startswith("/accounts/login/")
    assert login(client, form_admin).get(listing).status_code == 403
    assert login(client, auditor).get(listing).status_code == 200
    assert login(client, auditor).post(listing).status_code == 405
    assert login(client, planner).post(listing).status_code == 405
    assert client.put(notification.get_absolute_url()).status_code == 405
    assert (
        login(client, form_admin).get(notification.get_absolute_url()).status_code
        == 403
    )


@pytest.mark.parametrize("rows", [1, 10])
def test_notification_list_query_count_is_constant(
    client, planner, django_assert_num_queries, rows
):
    for _ in range(rows):
        ChangeNotification.objects.create(
            revision=factories.RequirementSetFactory(number=2, reason="More"),
            user=planner,
            reason="Reviewer: Production",
        )
    login(client, planner)
    # session, user, groups (role check), the notifications with revision, order,
    # customer and creator
    with django_assert_num_queries(4):
        response = client.get(reverse("requirements:notification_list"))
    assert len(response.context["notifications"]) == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_notification_detail_query_count_is_constant(
    client, planner, engineering, django_assert_num_queries, rows
):
    revision2 = revisions_with_changes(rows, engineering)
    notification = ChangeNotification.objects.create(
        revision=revision2, user=planner, reason="Reviewer: Engineering"
    )
    login(client, planner)
    # session, user, groups, the notification with revision/order/customer/creator,
    # earlier revisions (baseline), the baseline's and the revision's requirements
    with django_assert_num_queries(7):
        response = client.get(notification.get_absolute_url())
    assert len(response.context["diff"].changed) == rows


# --- order page ------------------------------------------------------------------


def test_the_order_page_shows_the_revision_history(
    client, accepted_order, service_user, team, approver, auditor
):
    from tests.changes.conftest import assess_all, sign

    revision2 = raise_change(
        accepted_order, service_user, {"quantity": 9000}, reason="Customer doubled"
    )
    assess_all(revision2.review, team)
    sign(revision2.review, approver, "reject", "No capacity for 9000")
    login(client, service_user)
    page = client.get(accepted_order.get_absolute_url()).content.decode()
    assert "Revision history" in page
    assert "Customer doubled" in page and "Jo Buyer (purchasing)" in page
    assert "No capacity for 9000" in page
    assert reverse("reviews:acceptance_record", args=[accepted_order.number, 1]) in page
    assert (
        reverse("requirements:revision_changes", args=[accepted_order.number, 2])
        in page
    )
    assert reverse("requirements:change_new", args=[accepted_order.number]) in page
    # Auditors read the history but are not offered a change order.
    audit_page = login(client, auditor).get(accepted_order.get_absolute_url())
    assert reverse("requirements:change_new", args=[accepted_order.number]) not in (
        audit_page.content.decode()
    )
