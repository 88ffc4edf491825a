"""The order-form renderer: every kind, every limit, show-if, the FORMKIT contract."""

import json
from decimal import Decimal

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Question
from orders.orderforms.answer_form import AnswerForm, answer_form_class
from orders.orderforms.answers import (
    answers_to_initial,
    display_value,
    questions_visible,
)
from orders.uploads import store_upload

Kind = Question.Kind


def form_for(version, data=None, files=None, **kwargs):
    version.refresh_from_db()
    return answer_form_class(version)(data=data, files=files, **kwargs)


def errors_of(version, data, files=None, **kwargs):
    form = form_for(version, data, files, **kwargs)
    form.is_valid()
    return form.errors


# --- every kind, valid and invalid ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "good", "expected", "bad"),
    [
        (Kind.SHORT_TEXT, {}, "  Anodised  ", "Anodised", None),
        (Kind.LONG_TEXT, {}, "Line one\nLine two", "Line one\nLine two", None),
        (Kind.INTEGER, {}, "42", 42, "4.5"),
        (Kind.DECIMAL, {"unit": "mm"}, "12.50", "12.50", "twelve"),
        (Kind.DATE, {}, "2026-12-01", "2026-12-01", "2026-13-45"),
        (Kind.YES_NO, {}, "yes", True, "maybe"),
        (Kind.SINGLE_CHOICE, {"choices": ["Steel", "Brass"]}, "Brass", "Brass", "Gold"),
        (
            Kind.MULTIPLE_CHOICE,
            {"choices": ["Deburr", "Anodise", "Paint"]},
            ["Deburr", "Paint"],
            ["Deburr", "Paint"],
            ["Deburr", "Gold"],
        ),
        (Kind.EMAIL, {}, "buyer@acme.example", "buyer@acme.example", "not-an-email"),
    ],
)
def test_each_kind_accepts_good_answers_and_refuses_bad_ones(
    add_question, draft, kind, fields, good, expected, bad
):
    add_question(kind, "q", **fields)
    form = form_for(draft, {"q": good})
    assert form.is_valid(), form.errors
    assert form.answers() == {"q": expected}
    json.dumps(form.answers())
    if bad is not None:
        errors = errors_of(draft, {"q": bad})
        assert list(errors) == ["q"]


def test_yes_no_answer_no_is_kept_as_false(add_question, draft):
    add_question(Kind.YES_NO, "q", required=True)
    form = form_for(draft, {"q": "no"})
    assert form.is_valid()
    assert form.answers() == {"q": False}


def test_file_question_yields_the_upload_and_checks_type_and_size(add_question, draft):
    add_question(
        Kind.FILE, "drawing", allowed_file_types="pdf, .STEP", max_file_size_kb=1
    )
    upload = SimpleUploadedFile("part.step", b"ISO-10303", "application/step")
    form = form_for(draft, {}, {"drawing": upload})
    assert form.is_valid(), form.errors
    assert form.answers()["drawing"] is upload

    wrong_type = SimpleUploadedFile("part.exe", b"MZ", "application/octet-stream")
    assert "drawing" in errors_of(draft, {}, {"drawing": wrong_type})
    too_big = SimpleUploadedFile("big.pdf", b"x" * 1025, "application/pdf")
    errors = errors_of(draft, {}, {"drawing": too_big})
    assert "larger than 1 KB" in errors["drawing"][0]


def test_resubmit_without_new_file_keeps_the_stored_one(add_question, draft):
    add_question(Kind.FILE, "drawing", required=True)
    stored = {"name": "a.pdf", "path": "uploads/SO-1/drawing/a.pdf", "size": 3}
    form = form_for(draft, {}, {}, initial={"drawing": stored})
    assert form.is_valid(), form.errors
    assert form.answers() == {"drawing": stored}
    assert "Stored: a.pdf" in form.fields["drawing"].help_text


def test_store_upload_saves_under_media_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("../../etc/my drawing.pdf", b"%PDF", "application/pdf")
    stored = store_upload(order_number="SO-2026-000001", key="drawing", upload=upload)
    assert stored["name"] == "my_drawing.pdf"
    assert stored["path"].startswith("uploads/SO-2026-000001/drawing/")
    assert (tmp_path / stored["path"]).read_bytes() == b"%PDF"
    assert stored["size"] == 4
    assert stored["content_type"] == "application/pdf"


# --- every limit ----------------------------------------------------------------------


def test_required_question_must_be_answered(add_question, draft):
    add_question(Kind.SHORT_TEXT, "q", required=True)
    assert errors_of(draft, {"q": "   "})["q"] == ["This field is required."]


def test_drafts_skip_required_but_keep_other_checks(add_question, draft):
    add_question(Kind.SHORT_TEXT, "name", required=True)
    add_question(Kind.INTEGER, "qty", required=True, max_value=10)
    form = form_for(draft, {"qty": "11"}, require_complete=False)
    assert not form.is_valid()
    assert list(form.errors) == ["qty"]
    form = form_for(draft, {}, require_complete=False)
    assert form.is_valid()
    assert form.answers() == {}


def test_text_max_length_and_pattern(add_question, draft):
    add_question(Kind.SHORT_TEXT, "part", max_length=8, pattern=r"[A-Z]{2}-\d+")
    add_question(Kind.LONG_TEXT, "notes", max_length=5)
    assert form_for(draft, {"part": "AB-123"}).is_valid()
    errors = errors_of(draft, {"part": "AB-123456", "notes": "too long"})
    assert "at most 8 characters" in errors["part"][0]
    assert "at most 5 characters" in errors["notes"][0]
    # The pattern must match the whole answer, not a part of it.
    errors = errors_of(draft, {"part": "xAB-1"})
    assert errors["part"] == ["Enter a value in the expected format."]


def test_email_pattern_and_length(add_question, draft):
    add_question(Kind.EMAIL, "mail", pattern=r".*@acme\.example", max_length=30)
    assert form_for(draft, {"mail": "jo@acme.example"}).is_valid()
    assert "mail" in errors_of(draft, {"mail": "jo@other.example"})


def test_integer_and_decimal_min_max(add_question, draft):
    add_question(Kind.INTEGER, "qty", min_value=1, max_value=500)
    add_question(
        Kind.DECIMAL, "tol", min_value=Decimal("0.001"), max_value=2, unit="mm"
    )
    assert form_for(draft, {"qty": "500", "tol": "0.001"}).is_valid()
    errors = errors_of(draft, {"qty": "0", "tol": "2.5"})
    # As the admin wrote the limit, with its unit (not "2.000000").
    assert errors["qty"] == ["Enter at least 1."]
    assert errors["tol"] == ["Enter at most 2 mm."]
    errors = errors_of(draft, {"qty": "501", "tol": "0.0001"})
    assert set(errors) == {"qty", "tol"}


def test_numbers_without_limits_still_refuse_absurd_sizes(add_question, draft):
    add_question(Kind.INTEGER, "qty")
    add_question(Kind.DECIMAL, "len")
    errors = errors_of(draft, {"qty": "9" * 30, "len": "1e400"})
    assert set(errors) == {"qty", "len"}
    assert set(errors_of(draft, {"qty": "9" * 5000, "len": "NaN"})) == {"qty", "len"}


def test_multiple_choice_min_and_max_ticks(add_question, draft):
    add_question(
        Kind.MULTIPLE_CHOICE, "ops", choices=["a", "b", "c"], min_value=2, max_value=2
    )
    assert form_for(draft, {"ops": ["a", "b"]}).is_valid()
    assert errors_of(draft, {"ops": ["a"]})["ops"] == ["Tick at least 2."]
    assert errors_of(draft, {"ops": ["a", "b", "c"]})["ops"] == ["Tick at most 2."]


# --- show-if --------------------------------------------------------------------------


@pytest.fixture
def coated(add_question, draft):
    add_question(Kind.YES_NO, "coating", required=True)
    add_question(
        Kind.SINGLE_CHOICE,
        "finish",
        choices=["Anodise", "Paint"],
        required=True,
        show_if_question="coating",
        show_if_values=["yes"],
    )
    add_question(
        Kind.SHORT_TEXT,
        "colour",
        required=True,
        show_if_question="finish",
        show_if_values=["Paint"],
    )
    return draft


def test_shown_conditional_question_is_required(coated):
    errors = errors_of(coated, {"coating": "yes"})
    assert errors["finish"] == ["This field is required."]
    assert "colour" not in errors  # its controller has no answer yet


def test_hidden_question_is_never_required_and_its_answer_is_dropped(coated):
    form = form_for(coated, {"coating": "no", "finish": "Gold", "colour": "Red"})
    assert form.is_valid(), form.errors
    assert form.answers() == {"coating": False}


def test_rules_chain_through_hidden_controllers(coated):
    # finish says Paint, but finish itself is hidden, so colour is hidden too.
    form = form_for(coated, {"coating": "no", "finish": "Paint"})
    assert form.is_valid(), form.errors
    assert form.answers() == {"coating": False}
    form = form_for(coated, {"coating": "yes", "finish": "Paint", "colour": "RAL 5015"})
    assert form.is_valid(), form.errors
    assert form.answers() == {"coating": True, "finish": "Paint", "colour": "RAL 5015"}


def test_questions_visible_for_stored_answers(coated):
    assert questions_visible(coated, {"coating": False}) == {"coating"}
    assert questions_visible(coated, {"coating": True, "finish": "Paint"}) == {
        "coating",
        "finish",
        "colour",
    }


def test_show_if_on_multiple_choice_matches_any_ticked_value(add_question, draft):
    add_question(Kind.MULTIPLE_CHOICE, "ops", choices=["Weld", "Paint"])
    add_question(
        Kind.SHORT_TEXT,
        "weld_std",
        required=True,
        show_if_question="ops",
        show_if_values=["Weld"],
    )
    assert "weld_std" in errors_of(draft, {"ops": ["Paint", "Weld"]})
    assert form_for(draft, {"ops": ["Paint"]}).is_valid()


def test_wrappers_carry_show_if_data_attributes_and_unit(add_question, draft, coated):
    add_question(Kind.DECIMAL, "length", unit="mm", min_value=1, section="Size")
    html = render_crispy_form(form_for(draft, prefix="answers"))
    assert 'data-show-if-question="coating"' in html
    assert 'data-show-if-name="answers-coating"' in html
    assert 'data-show-if-values="[&quot;yes&quot;]"' in html
    assert 'data-formkit-name="answers-finish"' in html
    assert "<legend" in html and "Size" in html
    assert ">mm<" in html
    assert 'min="1"' in html
    assert "<form" not in html  # the page supplies the form tag and buttons


def test_conditional_required_question_has_no_html_required(coated):
    form = form_for(coated)
    assert form["coating"].build_widget_attrs({}).get("required") is True
    assert "required" not in form["finish"].build_widget_attrs({})
    assert "Required when shown." in form.fields["finish"].help_text


# --- contract helpers -----------------------------------------------------------------


def test_raw_answers_keep_what_was_typed_even_when_invalid(add_question, draft):
    add_question(Kind.INTEGER, "qty")
    add_question(Kind.MULTIPLE_CHOICE, "ops", choices=["a", "b"])
    add_question(Kind.FILE, "drawing")
    data = QueryDict(mutable=True)
    data["qty"] = "twelve\x00"
    data.setlist("ops", ["a", "zzz"])
    form = form_for(draft, data, {"drawing": SimpleUploadedFile("a.pdf", b"x")})
    assert not form.is_valid()
    assert form.raw_answers() == {"qty": "twelve", "ops": ["a", "zzz"]}


def test_answers_round_trip_through_initial(add_question, draft, coated):
    add_question(Kind.DATE, "due")
    add_question(Kind.DECIMAL, "len", unit="mm")
    add_question(Kind.MULTIPLE_CHOICE, "ops", choices=["x", "y"])
    data = {
        "coating": "yes",
        "finish": "Paint",
        "colour": "Blue",
        "due": "2027-01-31",
        "len": "3.25",
        "ops": ["y"],
    }
    form = form_for(draft, data)
    assert form.is_valid(), form.errors
    answers = form.answers()
    initial = answers_to_initial(draft, answers)
    assert initial["coating"] == "yes"
    again = form_for(draft, initial)
    assert again.is_valid(), again.errors
    assert again.answers() == answers
    html = render_crispy_form(form_for(draft, initial=initial))
    assert 'value="2027-01-31"' in html
    assert 'value="yes" ' in html and "checked" in html


def test_display_value_is_human_text(add_question, draft):
    length = add_question(Kind.DECIMAL, "len", unit="mm")
    ops = add_question(Kind.MULTIPLE_CHOICE, "ops", choices=[["w", "Welding"], "Paint"])
    assert display_value(length, "3.5") == "3.5 mm"
    assert display_value(ops, ["w", "Paint"]) == "Welding, Paint"
    assert display_value(Kind.YES_NO, True) == "Yes"
    assert display_value(Kind.YES_NO, False) == "No"
    assert display_value(Kind.DATE, "2027-01-31") == "31 January 2027"
    assert display_value(Kind.FILE, {"name": "a.pdf", "path": "x"}) == "a.pdf"
    assert display_value(Kind.SHORT_TEXT, None) == "—"


def test_answer_form_class_is_an_answer_form_in_position_order(add_question, draft):
    add_question(Kind.SHORT_TEXT, "second", position=2)
    add_question(Kind.SHORT_TEXT, "first", position=1)
    form_class = answer_form_class(draft)
    assert issubclass(form_class, AnswerForm)
    assert list(form_class().fields) == ["first", "second"]


# --- arbitrary input never crashes ----------------------------------------------------

ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8")),
    st.sampled_from(["\x00", "\x1b[31m", "1e999999", "-0", "yes", "Paint", "9" * 500]),
    st.lists(st.text(max_size=20), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@pytest.fixture
def every_kind(add_question, draft):
    add_question(
        Kind.SHORT_TEXT, "short", required=True, max_length=20, pattern="[a-z]+"
    )
    add_question(Kind.LONG_TEXT, "long", max_length=200)
    add_question(Kind.INTEGER, "int", min_value=0, max_value=1000, required=True)
    add_question(Kind.DECIMAL, "dec", unit="kg")
    add_question(Kind.DATE, "date")
    add_question(Kind.YES_NO, "yn", required=True)
    add_question(
        Kind.SINGLE_CHOICE,
        "one",
        choices=["Anodise", "Paint"],
        show_if_question="yn",
        show_if_values=["yes"],
        required=True,
    )
    add_question(Kind.MULTIPLE_CHOICE, "many", choices=["a", "b"], max_value=1)
    add_question(Kind.FILE, "file", allowed_file_types="pdf")
    add_question(Kind.EMAIL, "mail")
    draft.refresh_from_db()
    return answer_form_class(draft)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    answers=st.dictionaries(
        st.sampled_from(
            ["short", "long", "int", "dec", "date", "yn", "one", "many", "mail", "x"]
        ),
        ANY_VALUE,
    ),
    complete=st.booleans(),
)
def test_arbitrary_answers_never_raise(every_kind, answers, complete):
    form = every_kind(data=answers, require_complete=complete)
    if form.is_valid():
        json.dumps(form.answers())
    else:
        assert form.errors
    json.dumps(form.raw_answers())
    assert "\x00" not in json.dumps(form.raw_answers())
    render_crispy_form(form)
