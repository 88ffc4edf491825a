"""The re-review page of a change order: diff, carried-forward verdicts, counts."""

import pytest
from django.urls import reverse

from orders.models import RequirementCategory
from requirements import change_orders
from requirements import services as req_services

pytestmark = pytest.mark.django_db


def _change_with_additions(order, user, discipline, rows: int):
    draft = change_orders.change_order_start(
        order=order,
        user=user,
        reason="Extra operations",
        channel="email",
        requested_by="Jo Buyer",
    )
    req_services.revision_answers_save(
        revision=draft, user=user, answers={**draft.answers, "quantity": 500}
    )
    for n in range(rows):
        req_services.requirement_add(
            revision=draft,
            user=user,
            statement=f"Operation {n}",
            category=RequirementCategory.STATED,
            discipline=discipline,
        )
    return req_services.revision_submit(revision=draft, user=user)


def test_the_re_review_page_shows_the_diff_and_carried_forward_verdicts(
    client, accepted_order, service_user, reviewer, engineering
):
    revision2 = _change_with_additions(accepted_order, service_user, engineering, 1)
    client.force_login(reviewer)
    page = client.get(
        reverse("reviews:review_detail", args=[revision2.review.pk])
    ).content.decode()
    assert "2 assessment(s) carried forward" in page
    assert "Carried forward from revision 1" in page
    assert '<td class="diff-changed">500</td>' in page
    assert '<td class="diff-added">' in page


@pytest.mark.parametrize("rows", [1, 8])
def test_re_review_page_query_count_is_constant(
    client,
    accepted_order,
    service_user,
    reviewer,
    engineering,
    django_assert_num_queries,
    rows,
):
    revision2 = _change_with_additions(accepted_order, service_user, engineering, rows)
    client.force_login(reviewer)
    url = reverse("reviews:review_detail", args=[revision2.review.pk])
    # session, user, groups, review with order/customer/revision/decision, its
    # statutory checks, the user's disciplines, the counts of its slots
    # (reviews.line_counts), the slots shown with requirement/discipline/
    # assessor/carried-from; the diff: earlier revisions, the baseline's and
    # this revision's requirements
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count("Operation ") >= rows
