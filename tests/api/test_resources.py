"""The read resources and customer writes: the pages' roles, selectors and rules."""

from django.test import Client

from orderreview.models import User
from orders.models import Customer, Order, OrderFormVersion
from requirements import services as req_services
from tests import factories
from tests.api.conftest import COMPLETE, is_problem

CUSTOMERS = "/api/v1/customers/"
FORMS = "/api/v1/order-forms/"
ORDERS = "/api/v1/orders/"


def post_json(client: Client, url: str, data: dict) -> object:
    return client.post(url, data, content_type="application/json")


def submitted_order(version, customer, user: User, **answers) -> Order:
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel="phone",
        customer=customer,
        documented_statement=True,
        answers={**COMPLETE, **answers},
    )
    req_services.revision_submit(revision=revision, user=user)
    return Order.objects.get(pk=revision.order_id)


# --- customers ----------------------------------------------------------------------


def test_customers_are_searched_and_paged_by_keyset(service_api):
    for index in range(55):
        factories.CustomerFactory(name=f"Widget {index:02d}")
    factories.CustomerFactory(name="Acme")
    first = service_api.get(CUSTOMERS, {"q": "widget"}).json()
    assert len(first["results"]) == 50 and first["next"]
    rest = service_api.get(CUSTOMERS, {"q": "widget", "after": first["next"]}).json()
    assert len(rest["results"]) == 5 and rest["next"] is None
    names = [row["name"] for row in first["results"] + rest["results"]]
    assert names == sorted(names) and "Acme" not in names


def test_customer_service_creates_and_updates_a_customer(service_api, service_user):
    created = post_json(
        service_api, CUSTOMERS, {"name": " Acme ", "account_code": "ACME-1"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Acme" and body["account_code"] == "ACME-1"
    customer = Customer.objects.get(pk=body["id"])
    assert customer.history.get().history_user == service_user
    updated = service_api.patch(
        f"{CUSTOMERS}{customer.pk}/",
        {"email": "buyer@acme.example"},
        content_type="application/json",
    )
    assert updated.status_code == 200
    customer.refresh_from_db()
    assert customer.email == "buyer@acme.example" and customer.name == "Acme"


def test_auditors_read_customers_but_change_nothing(auditor_api):
    customer = factories.CustomerFactory(name="Acme")
    assert auditor_api.get(f"{CUSTOMERS}{customer.pk}/").json()["name"] == "Acme"
    refused = post_json(auditor_api, CUSTOMERS, {"name": "B", "account_code": "B"})
    assert is_problem(refused, 403, "permission-denied")
    patched = auditor_api.patch(
        f"{CUSTOMERS}{customer.pk}/", {"name": "X"}, content_type="application/json"
    )
    assert patched.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Acme" and Customer.objects.count() == 1


def test_reviewers_and_form_admins_do_not_read_customers(reviewer_api, form_admin_api):
    assert reviewer_api.get(CUSTOMERS).status_code == 403
    assert form_admin_api.get(CUSTOMERS).status_code == 403


# --- order forms --------------------------------------------------------------------


def test_only_active_published_forms_are_listed(service_api, intake_version):
    factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Draft only", slug="draft-only")
    )
    retired = factories.published_version(
        form=factories.OrderFormFactory(name="Old", slug="old", active=False)
    )
    assert retired.status == "published"
    rows = service_api.get(FORMS).json()["results"]
    assert [row["slug"] for row in rows] == ["machined-parts"]
    assert rows[0]["published_version"]["number"] == intake_version.number


def test_a_versions_questions_carry_kinds_limits_and_show_if(
    service_api, intake_version
):
    url = f"{FORMS}machined-parts/versions/{intake_version.number}/"
    body = service_api.get(url).json()
    questions = {q["key"]: q for q in body["questions"]}
    assert [q["key"] for q in body["questions"]][:3] == [
        "part_number",
        "quantity",
        "needs_certificate",
    ]
    quantity = questions["quantity"]
    assert quantity["kind"] == "integer" and quantity["required"] is True
    assert float(quantity["min_value"]) == 1 and float(quantity["max_value"]) == 10000
    certificate = questions["certificate_type"]
    assert certificate["show_if"] == {
        "question": "needs_certificate",
        "values": ["yes"],
    }
    assert certificate["choices"] == [
        {"value": "3.1", "label": "3.1"},
        {"value": "3.2", "label": "3.2"},
    ]
    assert questions["drawing"]["allowed_file_types"] == ["pdf"]
    assert questions["part_number"]["show_if"] is None


def test_a_draft_version_is_not_found(service_api, intake_version):
    draft = factories.OrderFormVersionFactory(form=intake_version.form, number=9)
    assert draft.status == OrderFormVersion.Status.DRAFT
    response = service_api.get(f"{FORMS}machined-parts/versions/9/")
    assert is_problem(response, 404, "not-found")


def test_reviewers_do_not_read_order_forms(reviewer_api, intake_version):
    assert reviewer_api.get(FORMS).status_code == 403


# --- orders -------------------------------------------------------------------------


def test_the_order_list_filters_like_the_page(
    service_api, intake_version, customer, service_user
):
    accepted_like = submitted_order(intake_version, customer, service_user)
    other = factories.CustomerFactory(name="Other Ltd")
    submitted_order(intake_version, other, service_user)
    everything = service_api.get(ORDERS).json()["results"]
    assert len(everything) == 2
    mine = service_api.get(ORDERS, {"customer": customer.pk}).json()["results"]
    assert [row["number"] for row in mine] == [accepted_like.number]
    assert mine[0]["customer"]["name"] == customer.name
    assert mine[0]["form"] == "machined-parts"
    by_number = service_api.get(ORDERS, {"q": accepted_like.number}).json()
    assert [row["number"] for row in by_number["results"]] == [accepted_like.number]
    drafts = service_api.get(ORDERS, {"status": "draft"}).json()["results"]
    assert drafts == []


def test_an_order_shows_its_header_status_and_revisions(
    reviewer_api, intake_version, customer, service_user
):
    order = submitted_order(intake_version, customer, service_user)
    body = reviewer_api.get(f"{ORDERS}{order.number}/").json()
    assert body["number"] == order.number
    assert body["status"] == order.status
    assert body["entered_by"]["username"] == "service"
    assert [r["number"] for r in body["revisions"]] == [1]
    revision = body["revisions"][0]
    assert revision["state"] == "submitted"
    assert revision["submitted_by"]["username"] == "service"
    assert revision["outcome"] is None


def test_form_admins_do_not_read_orders(form_admin_api):
    assert form_admin_api.get(ORDERS).status_code == 403
