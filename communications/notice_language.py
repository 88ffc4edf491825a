"""The small template language of notice templates, and its checker.

Form admins write notice templates in Django template syntax, but only a documented
subset of it: the placeholders in PLACEHOLDERS, the tags in TAGS and the filters in
FILTERS (docs/security-user-text.md). Everything else (``{% debug %}``,
``{% lorem %}``, ``{% load %}``, ``|safe``, a misspelt ``{{ order_numer }}``) is
refused with a message a person can act on, both when a template is saved and every
time one is rendered, so a template stored before these rules fails closed with a
visible error instead of sending a blank.

This module is also the only tag library the notice engine knows: the engine has no
default builtins, so what is not registered here cannot even be parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.template import (
    Context,
    Engine,
    Library,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.base import (
    FilterExpression,
    Lexer,
    Node,
    NodeList,
    TokenType,
    Variable,
    VariableNode,
)
from django.template.defaulttags import CommentNode, ForNode, IfNode, TemplateLiteral

# The placeholders every notice gets; a list names the fields of its items.
PLACEHOLDERS: dict[str, frozenset[str] | None] = {
    "order_number": None,
    "customer_name": None,
    "contact_name": None,
    "customer_reference": None,
    "revision_number": None,
    "outcome": None,
    "accepted": None,
    "requirements": frozenset({"statement", "value", "category"}),
    "conditions": frozenset({"statement", "discipline", "note"}),
    "reasons": None,
    "change_reason": None,
    "subject_to_agreement": None,
    "agreement_url": None,
}
FORLOOP_FIELDS = frozenset(
    {"counter", "counter0", "revcounter", "revcounter0", "first", "last"}
)
TAGS = ("if", "for", "comment")
# Closing and middle words of the tags above, allowed wherever the tag is.
TAG_WORDS = frozenset(
    {"if", "elif", "else", "endif", "for", "empty", "endfor", "comment", "endcomment"}
)
FILTERS = (
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "length",
    "join",
    "first",
    "last",
    "yesno",
    "pluralize",
    "truncatewords",
    "truncatechars",
)
# A loop inside a loop multiplies the work by the number of requirements each time.
MAX_LOOP_DEPTH = 1

register = Library()
for _name in TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
for _name in FILTERS:
    register.filter(_name, defaultfilters.register.filters[_name])


class NoticeTemplateError(Exception):
    """A notice template uses something outside the notice language."""


class _NoticeEngine(Engine):
    # Django adds its default tags and filters to every engine unless told not to.
    default_builtins: list[str] = []


_ENGINE: Engine | None = None


def engine() -> Engine:
    """Plain-text e-mail: no escaping; no loaders, so no include/extends."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _NoticeEngine(
            autoescape=False,
            loaders=[],
            libraries={},
            builtins=["communications.notice_language"],
        )
    return _ENGINE


def _check_tokens(source: str) -> None:
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            word = (token.split_contents() or [""])[0]
            if word not in TAG_WORDS:
                raise NoticeTemplateError(
                    f"{{% {word} %}} is not allowed in notice templates. "
                    f"Allowed tags: {', '.join(TAGS)}."
                )


def _expressions(condition: Any) -> Iterator[FilterExpression]:
    """The filter expressions inside an {% if %} condition."""
    if condition is None:
        return
    if isinstance(condition, TemplateLiteral):
        yield condition.value
        return
    for side in (getattr(condition, "first", None), getattr(condition, "second", None)):
        yield from _expressions(side)


def _variables(expression: FilterExpression) -> Iterator[Variable]:
    if isinstance(expression.var, Variable) and expression.var.lookups:
        yield expression.var
    for _func, args in expression.filters:
        for is_variable, arg in args:
            if is_variable and isinstance(arg, Variable) and arg.lookups:
                yield arg


def _unknown(variable: Variable) -> NoticeTemplateError:
    shown = ".".join(variable.lookups)
    return NoticeTemplateError(
        f"{{{{ {shown} }}}} is not a placeholder notice templates know. "
        f"Use one of: {', '.join(PLACEHOLDERS)}."
    )


def _check_variable(variable: Variable, scope: dict[str, Any]) -> None:
    lookups = list(variable.lookups)
    head, rest = lookups[0], lookups[1:]
    if head == "forloop" and "forloop" in scope:
        if len(rest) == 1 and rest[0] in FORLOOP_FIELDS:
            return
        raise _unknown(variable)
    if head not in scope:
        raise _unknown(variable)
    fields = scope[head]
    if not rest:
        return
    if head in PLACEHOLDERS and fields is not None and rest[0].isdigit():
        rest = rest[1:]  # requirements.0.statement: one item of the list
        if not rest:
            return
    if fields is not None and len(rest) == 1 and rest[0] in fields:
        return
    raise _unknown(variable)


def _check_nodes(nodes: NodeList, scope: dict[str, Any], depth: int) -> None:
    for node in nodes:
        _check_node(node, scope, depth)


def _check_node(node: Node, scope: dict[str, Any], depth: int) -> None:
    if isinstance(node, VariableNode):
        for variable in _variables(node.filter_expression):
            _check_variable(variable, scope)
    elif isinstance(node, IfNode):
        for condition, nodelist in node.conditions_nodelists:
            for expression in _expressions(condition):
                for variable in _variables(expression):
                    _check_variable(variable, scope)
            _check_nodes(nodelist, scope, depth)
    elif isinstance(node, ForNode):
        if depth >= MAX_LOOP_DEPTH:
            raise NoticeTemplateError(
                "A {% for %} inside another {% for %} is not allowed in notice "
                "templates."
            )
        variables = list(_variables(node.sequence))
        for variable in variables:
            _check_variable(variable, scope)
        item_fields = None
        if variables and len(variables[0].lookups) == 1:
            item_fields = PLACEHOLDERS.get(variables[0].lookups[0])
        inner = {**scope, "forloop": None}
        for name in node.loopvars:
            inner[name] = item_fields
        _check_nodes(node.nodelist_loop, inner, depth + 1)
        _check_nodes(node.nodelist_empty, scope, depth)
    elif isinstance(node, CommentNode):
        return
    elif type(node).__name__ != "TextNode":
        raise NoticeTemplateError(
            f"{type(node).__name__} is not allowed in notice templates."
        )


def compile_checked(source: str) -> Any:
    """The compiled template, or NoticeTemplateError naming what is not allowed."""
    _check_tokens(source)
    try:
        template = engine().from_string(source)
    except TemplateSyntaxError as exc:
        message = f"The template has an error: {exc}"
        if "Invalid filter" in str(exc):
            message += f" Allowed filters: {', '.join(FILTERS)}."
        raise NoticeTemplateError(message) from exc
    _check_nodes(template.nodelist, dict(PLACEHOLDERS), 0)
    return template


def render_checked(source: str, context: dict[str, Any]) -> str:
    """Check, then render, template text with a notice context."""
    template = compile_checked(source)
    rendered = template.render(Context(context, autoescape=False))
    # Plain text, not HTML: render() marks its result safe, and a page showing it
    # (the template preview) would then not escape it. Joining makes a plain str.
    return "".join([rendered])
