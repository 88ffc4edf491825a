"""The builder's views: happy paths, access, methods, bad input, query counts."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import OrderForm, OrderFormVersion
from orders.orderforms import services as orderform_services
from tests import factories

Status = OrderFormVersion.Status


def item(key: str, **fields: object) -> dict:
    return {
        "key": key,
        "label": f"{key} label",
        "kind": "short_text",
        "discipline": "engineering",
        "category": "stated",
        **fields,
    }


def make_form(slug: str, questions: int = 2, publish: bool = True) -> OrderFormVersion:
    order_form = orderform_services.form_create(name=slug.title(), slug=slug)
    version = order_form.versions.get()
    orderform_services.question_add(
        version=version, item=item("coating", kind="yes_no")
    )
    orderform_services.question_add(
        version=version,
        item=item(
            "colour", required=True, show_if={"question": "coating", "in": ["yes"]}
        ),
    )
    for n in range(questions - 2):
        orderform_services.question_add(version=version, item=item(f"q{n}"))
    if publish:
        orderform_services.version_publish(
            version=version, user=None, change_note="First"
        )
    version.refresh_from_db()
    return version


@pytest.fixture
def published(db, engineering):
    return make_form("bracket")


@pytest.fixture
def draft(db, engineering):
    return make_form("housing", publish=False)


@pytest.fixture
def admin_client(client, form_admin):
    client.force_login(form_admin)
    return client


def url(name: str, version: OrderFormVersion | None = None, *args: object) -> str:
    if version is None:
        return reverse(f"orderforms:{name}", args=args)
    return reverse(
        f"orderforms:{name}", args=[version.form.slug, version.number, *args]
    )


# --- access: anonymous, wrong role, auditor, wrong method -----------------------------


def all_urls(published: OrderFormVersion, draft: OrderFormVersion) -> list[tuple]:
    question = draft.questions.get(key="colour")
    return [
        ("GET", url("form_list")),
        ("GET", url("form_create")),
        ("GET", url("form_import")),
        ("GET", reverse("orderforms:form_detail", args=["bracket"])),
        ("GET", reverse("orderforms:form_edit", args=["bracket"])),
        ("POST", reverse("orderforms:version_create", args=["bracket"])),
        ("GET", url("version_detail", published)),
        ("GET", url("version_preview", published)),
        ("GET", url("version_export", published)),
        ("POST", url("version_publish", draft)),
        ("POST", url("version_retire", published)),
        ("POST", url("version_discard", draft)),
        ("GET", url("question_create", draft)),
        ("POST", url("question_preview", draft)),
        ("GET", url("question_edit", draft, question.pk)),
        ("POST", url("question_move", draft, question.pk)),
        ("POST", url("question_remove", draft, question.pk)),
    ]


def test_anonymous_users_are_sent_to_login(client, published, draft):
    for method, address in all_urls(published, draft):
        response = getattr(client, method.lower())(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("login")), address


def test_other_roles_are_refused(client, service_user, published, draft):
    client.force_login(service_user)
    for method, address in all_urls(published, draft):
        response = getattr(client, method.lower())(address)
        assert response.status_code == 403, address


def test_auditors_read_but_change_nothing(client, auditor, published, draft):
    client.force_login(auditor)
    read = {url("form_list"), reverse("orderforms:form_detail", args=["bracket"])} | {
        url(name, published)
        for name in ("version_detail", "version_preview", "version_export")
    }
    for method, address in all_urls(published, draft):
        response = getattr(client, method.lower())(address)
        readable = method == "GET" and address in read
        assert response.status_code == (200 if readable else 403), address
    page = client.get(url("version_detail", published)).content.decode()
    assert "Retire" not in page and "Start a new draft" not in page
    assert "Check answers" not in page


def test_wrong_methods_are_refused(admin_client, published, draft):
    question = draft.questions.get(key="colour")
    assert admin_client.post(url("form_list")).status_code == 405
    assert admin_client.put(url("form_create")).status_code == 405
    assert admin_client.post(url("version_detail", published)).status_code == 405
    assert admin_client.post(url("version_export", published)).status_code == 405
    assert admin_client.get(url("version_publish", draft)).status_code == 405
    assert admin_client.get(url("version_retire", published)).status_code == 405
    assert admin_client.get(url("question_move", draft, question.pk)).status_code == 405
    assert (
        admin_client.get(url("question_remove", draft, question.pk)).status_code == 405
    )
    assert (
        admin_client.delete(url("question_edit", draft, question.pk)).status_code == 405
    )


def test_unknown_forms_versions_and_other_versions_questions_are_404(
    admin_client, published, draft
):
    assert admin_client.get("/forms/nothing/").status_code == 404
    assert admin_client.get("/forms/bracket/v9/").status_code == 404
    other = published.questions.get(key="colour")
    assert admin_client.get(url("question_edit", draft, other.pk)).status_code == 404
    response = admin_client.post(url("question_remove", draft, other.pk))
    assert response.status_code == 404


# --- lists and details: pinned query counts -------------------------------------------


def test_form_list_shows_forms_in_constant_queries(
    admin_client, django_assert_num_queries, published
):
    # session, user, the user's groups, forms, their versions (with question counts)
    with django_assert_num_queries(5):
        response = admin_client.get(url("form_list"))
    assert response.status_code == 200
    assert "Bracket" in response.content.decode()
    for n in range(5):
        make_form(f"form-{n}", publish=n % 2 == 0)
    with django_assert_num_queries(5):
        response = admin_client.get(url("form_list"))
    assert response.content.decode().count("/forms/form-") >= 5


def test_form_detail_lists_versions_in_constant_queries(
    admin_client, django_assert_num_queries, published, form_admin
):
    # session, user, groups, the form, its versions with question counts
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("orderforms:form_detail", args=["bracket"]))
    assert "v1" in response.content.decode()
    for _ in range(3):
        draft = orderform_services.version_start_draft(
            form=published.form, user=form_admin
        )
        orderform_services.version_publish(
            version=draft, user=form_admin, change_note="n"
        )
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("orderforms:form_detail", args=["bracket"]))
    assert "v4" in response.content.decode()


@pytest.mark.parametrize("questions", [2, 20])
def test_version_page_runs_constant_queries(
    admin_client, django_assert_num_queries, db, engineering, questions
):
    version = make_form("many", questions=questions, publish=False)
    # session, user, groups, the version with form and people, its questions with
    # their disciplines, its repeating sections (listed, and for the preview)
    address = url("version_detail", version)
    with django_assert_num_queries(7):
        response = admin_client.get(address)
    page = response.content.decode()
    assert page.count('class="formkit-question"') == questions
    assert "Publish version 1" in page


@pytest.mark.parametrize("questions", [2, 20])
def test_preview_page_runs_constant_queries(
    admin_client, django_assert_num_queries, db, engineering, questions
):
    version = make_form("many", questions=questions)
    # session, user, groups, the version with form and people, its questions, its
    # repeating sections
    address = url("version_preview", version)
    with django_assert_num_queries(6):
        response = admin_client.get(address)
    assert response.content.decode().count('class="formkit-question"') == questions


# --- forms ----------------------------------------------------------------------------


def test_create_a_form_and_land_on_its_draft(admin_client, form_admin):
    response = admin_client.post(
        url("form_create"),
        {"name": "Laser cutting", "slug": "laser", "description": ""},
    )
    version = OrderFormVersion.objects.get(form__slug="laser")
    assert response.status_code == 302
    assert response["Location"] == url("version_detail", version)
    assert version.created_by == form_admin


def test_create_form_with_bad_input_keeps_what_was_typed(admin_client, published):
    response = admin_client.post(
        url("form_create"), {"name": "Second bracket", "slug": "bracket"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A form with the slug &#x27;bracket&#x27; exists." in page
    assert 'value="Second bracket"' in page
    response = admin_client.post(url("form_create"), {"name": "", "slug": "no spaces"})
    assert response.status_code == 200
    assert OrderForm.objects.count() == 1


def test_edit_form_details(admin_client, published):
    address = reverse("orderforms:form_edit", args=["bracket"])
    response = admin_client.post(
        address, {"name": "Brackets", "description": "Bent", "active": ""}
    )
    assert response.status_code == 302
    published.form.refresh_from_db()
    assert (published.form.name, published.form.active) == ("Brackets", False)


# --- versions -------------------------------------------------------------------------


def test_start_a_new_draft_copies_the_published_version(admin_client, published):
    response = admin_client.post(reverse("orderforms:version_create", args=["bracket"]))
    draft = published.form.versions.get(number=2)
    assert response["Location"] == url("version_detail", draft)
    assert draft.questions.count() == 2
    response = admin_client.post(
        reverse("orderforms:version_create", args=["bracket"]), follow=True
    )
    assert "already a draft in progress" in response.content.decode()


def test_publish_with_a_change_note(admin_client, draft, form_admin):
    response = admin_client.post(url("version_publish", draft), {"change_note": "New"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_by, draft.change_note) == (
        Status.PUBLISHED,
        form_admin,
        "New",
    )
    page = admin_client.get(url("version_detail", draft)).content.decode()
    assert "Add question" not in page and "Publish version" not in page


def test_publish_without_a_note_shows_the_error_on_the_page(admin_client, draft):
    response = admin_client.post(url("version_publish", draft), {"change_note": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_publishing_twice_is_refused_with_a_message(admin_client, published):
    response = admin_client.post(
        url("version_publish", published), {"change_note": "x"}, follow=True
    )
    assert "is published and cannot be changed" in response.content.decode()


def test_retire_and_discard(admin_client, published, draft):
    response = admin_client.post(url("version_retire", published))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == Status.RETIRED
    response = admin_client.post(url("version_discard", draft))
    assert response["Location"] == reverse("orderforms:form_detail", args=["housing"])
    assert not OrderFormVersion.objects.filter(pk=draft.pk).exists()
    response = admin_client.post(url("version_discard", published), follow=True)
    assert "is retired and cannot be changed" in response.content.decode()


def test_export_downloads_the_json(admin_client, published):
    response = admin_client.get(url("version_export", published))
    assert response["Content-Disposition"] == 'attachment; filename="bracket-v1.json"'
    document = json.loads(response.content)
    assert [q["key"] for q in document["questions"]] == ["coating", "colour"]


def test_import_upload_creates_a_draft(admin_client, published):
    document = json.loads(admin_client.get(url("version_export", published)).content)
    upload = SimpleUploadedFile("f.json", json.dumps(document).encode())
    response = admin_client.post(url("form_import"), {"file": upload})
    version = published.form.versions.get(number=2)
    assert response["Location"] == url("version_detail", version)
    assert version.status == Status.DRAFT


def test_import_upload_lists_every_problem(admin_client, engineering):
    document = {
        "slug": "x",
        "name": "X",
        "questions": [item("a", kind="dial"), item("a")],
    }
    upload = SimpleUploadedFile("f.json", json.dumps(document).encode())
    response = admin_client.post(
        url("form_import"), {"file": upload, "publish": "on", "change_note": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 problems" in page
    assert "unknown kind &#x27;dial&#x27;" in page
    assert "duplicate key" in page
    assert "publishing needs a change note" in page
    upload = SimpleUploadedFile("f.json", b"{broken")
    response = admin_client.post(url("form_import"), {"file": upload})
    assert "not valid JSON" in response.content.decode()
    assert not OrderForm.objects.exists()


# --- questions ------------------------------------------------------------------------


def question_post(key: str, **fields: str) -> dict:
    return {
        "key": key,
        "label": f"{key} label",
        "kind": "short_text",
        "category": "stated",
        "discipline": "engineering",
        **fields,
    }


def test_add_a_question(admin_client, draft):
    response = admin_client.post(
        url("question_create", draft),
        question_post(
            "finish",
            kind="single_choice",
            choices="Anodise\nPaint\n",
            show_if_question="coating",
            show_if_values="yes",
            required="on",
        ),
    )
    assert response.status_code == 302
    finish = draft.questions.get(key="finish")
    assert finish.choices == ["Anodise", "Paint"]
    assert (finish.show_if_question, finish.show_if_values) == ("coating", ["yes"])


def test_bad_question_shows_errors_beside_fields_and_keeps_input(admin_client, draft):
    response = admin_client.post(
        url("question_create", draft),
        question_post("finish", kind="single_choice", unit="mm", label="Finish ünï"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A choice question needs choices." in page
    assert "A single choice question takes no unit." in page
    assert 'value="Finish ünï"' in page
    assert not draft.questions.filter(key="finish").exists()


def test_preview_button_renders_without_saving(admin_client, draft):
    response = admin_client.post(
        url("question_create", draft),
        question_post("extra", label="Extra thing", preview="1"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-formkit-key="extra"' in page
    assert not draft.questions.filter(key="extra").exists()


def test_live_preview_partial_for_htmx(admin_client, draft):
    colour = draft.questions.get(key="colour")
    response = admin_client.post(
        url("question_preview", draft),
        question_post("colour", label="Which RAL colour?", question_pk=str(colour.pk)),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "Which RAL colour?" in page
    assert page.count('class="formkit-question"') == 2


def test_adding_to_a_published_version_is_refused(admin_client, published):
    response = admin_client.get(url("question_create", published), follow=True)
    assert "cannot be changed" in response.content.decode()
    response = admin_client.post(url("question_create", published), question_post("x"))
    assert response.status_code == 302
    assert not published.questions.filter(key="x").exists()


def test_edit_a_question(admin_client, draft):
    colour = draft.questions.get(key="colour")
    response = admin_client.get(url("question_edit", draft, colour.pk))
    assert 'value="colour label"' in response.content.decode()
    response = admin_client.post(
        url("question_edit", draft, colour.pk),
        question_post(
            "colour",
            label="RAL colour",
            show_if_question="coating",
            show_if_values="yes",
        ),
    )
    assert response.status_code == 302
    colour.refresh_from_db()
    assert colour.label == "RAL colour"


def test_move_and_remove_questions(admin_client, draft):
    colour = draft.questions.get(key="colour")
    coating = draft.questions.get(key="coating")
    response = admin_client.post(
        url("question_move", draft, colour.pk), {"direction": "up"}, follow=True
    )
    assert "must stay above it" in response.content.decode()
    response = admin_client.post(url("question_remove", draft, coating.pk), follow=True)
    assert "change their show-if rule first" in response.content.decode()
    admin_client.post(url("question_remove", draft, colour.pk))
    assert list(draft.questions.values_list("key", flat=True)) == ["coating"]


# --- preview: server-side show-if and arbitrary answers -------------------------------


def test_preview_checks_answers_and_drops_hidden_ones(admin_client, published):
    address = url("version_preview", published)
    response = admin_client.post(address, {"preview-coating": "yes"})
    assert "This field is required." in response.content.decode()
    response = admin_client.post(
        address, {"preview-coating": "no", "preview-colour": "Red"}
    )
    page = response.content.decode()
    assert "these would be kept" in page
    assert '<dd class="col-sm-7">No</dd>' in page
    assert "Red</dd>" not in page
    response = admin_client.post(
        address, {"preview-coating": "no"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in response.content.decode()


@pytest.fixture
def every_kind_version(db, engineering):
    version = factories.OrderFormVersionFactory(form__slug="all")
    kinds = [
        ("short", "short_text", {"max_length": 10, "pattern": "[a-z]+"}),
        ("long", "long_text", {}),
        ("int", "integer", {"min_value": 0, "max_value": 9}),
        ("dec", "decimal", {"unit": "mm"}),
        ("date", "date", {}),
        ("yn", "yes_no", {}),
        ("one", "single_choice", {"choices": ["a", "b"]}),
        ("many", "multiple_choice", {"choices": ["a", "b"], "max_value": 1}),
        ("file", "file", {"allowed_file_types": "pdf"}),
        ("mail", "email", {}),
    ]
    for key, kind, fields in kinds:
        factories.QuestionFactory(
            version=version, key=key, kind=kind, required=True, **fields
        )
    return factories.publish_version(version)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    answers=st.dictionaries(
        st.sampled_from(["short", "long", "int", "dec", "date", "yn", "one", "many"]),
        st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300),
            st.lists(st.text(max_size=10), max_size=3),
            st.integers().map(str),
            st.sampled_from(["\x00", "9" * 5000, "1e99999", "NaN", "yes", "a"]),
        ),
    )
)
def test_arbitrary_answers_posted_to_a_rendered_form_never_crash(
    admin_client, every_kind_version, answers
):
    data = {f"preview-{key}": value for key, value in answers.items()}
    response = admin_client.post(url("version_preview", every_kind_version), data)
    assert response.status_code == 200


# --- home and navigation --------------------------------------------------------------


def test_home_lists_drafts_in_progress_for_form_admins(admin_client, draft, published):
    page = admin_client.get("/").content.decode()
    assert "Drafts in progress" in page
    assert url("version_detail", draft) in page
    assert url("version_detail", published) not in page
    assert 'href="/forms/">Order forms</a>' in page


def test_nav_has_no_order_forms_entry_for_other_roles(client, service_user):
    client.force_login(service_user)
    page = client.get("/").content.decode()
    assert 'href="/forms/"' not in page
