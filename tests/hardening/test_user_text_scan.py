"""No code path compiles or trusts text a user or an imported file supplies."""

from tests.hardening.user_text_scan import (
    project_findings,
    python_findings,
    template_findings,
)


def test_no_module_or_template_compiles_or_trusts_text():
    findings = project_findings()

    assert not findings, "\n".join(str(f) for f in findings)


def test_the_scanner_sees_a_fieldset_legend_from_a_variable():
    source = "def layout(q):\n    return Fieldset(q.section, 'a')\n"

    assert [f.where for f in python_findings(source)] == ["layout"]


def test_the_scanner_allows_a_literal_fieldset_legend():
    assert python_findings("Fieldset('Question', 'key')\nTemplate('{{ a }}')\n") == []


def test_the_scanner_sees_mark_safe_and_template_of_text():
    source = (
        "from django.utils.safestring import mark_safe\n"
        "def show(text):\n"
        "    mark_safe(text)\n"
        "    return Template(text).render(ctx)\n"
        "html = crispy.HTML(label)\n"
    )

    assert [f.line for f in python_findings(source)] == [3, 4, 5]


def test_the_scanner_sees_safe_filters_in_templates():
    source = "<p>{{ a }}</p>\n<p>{{ b|safe }}</p>\n{% autoescape off %}{{ c }}\n"

    assert [f.line for f in template_findings(source)] == [2, 3]
