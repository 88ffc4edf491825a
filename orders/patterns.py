"""Answer patterns a form admin may set, and matching them without hanging a page.

A pattern is a regular expression an answer must match in full. Backtracking makes
some patterns cost exponential time (``(a+)+`` against "aaaa…b"), on public pages
anyone can post to. Two defences: a pattern with nested quantifiers or back-references
is refused when a question is saved or imported, and every match runs under a time
limit so a pattern stored before that check cannot hang a request.
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

# Well above what an honest pattern needs on a 20,000-character answer.
MATCH_TIMEOUT_SECONDS = 0.25
_REPEATS = {
    sre_constants.MAX_REPEAT,
    sre_constants.MIN_REPEAT,
    getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT),
}
_BACKREFERENCES = {sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS}


class PatternTimeout(Exception):
    """Matching took longer than MATCH_TIMEOUT_SECONDS."""


def _walk(items: Any, inside_repeat: bool) -> str | None:
    for op, arg in items:
        if op in _BACKREFERENCES:
            return "back-references (\\1, (?P=name)) are not allowed"
        children: list[Any] = []
        repeats = False
        if op in _REPEATS:
            low, high, body = arg
            repeats = high is sre_constants.MAXREPEAT or high > 1
            # A fixed count inside a repeat ((,\d{3})*) has one way to match.
            if repeats and inside_repeat and low != high:
                return (
                    "a repeated group may not contain another repeat, "
                    "e.g. (a+)+ or (\\w*)*: such patterns can take hours to check"
                )
            children = [body]
        elif op == sre_constants.SUBPATTERN:
            children = [arg[-1]]
        elif op == sre_constants.BRANCH:
            children = list(arg[1])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            children = [arg[1]]
        elif op == getattr(sre_constants, "ATOMIC_GROUP", None):
            children = [arg]
        for child in children:
            problem = _walk(child, inside_repeat or repeats)
            if problem:
                return problem
    return None


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern is refused, in words for the form admin; None when it is fine."""
    try:
        parsed = sre_parse.parse(pattern)
        regex.compile(pattern)
    except (re.error, regex.error) as error:
        return f"pattern is not a valid expression ({error})"
    except (RecursionError, OverflowError):
        return "pattern is too complex"
    return _walk(parsed, False)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> regex.Pattern:
    return regex.compile(pattern)


def pattern_fullmatch(pattern: str, value: str) -> bool:
    """Whether value matches pattern in full; PatternTimeout when it takes too long."""
    try:
        return (
            _compiled(pattern).fullmatch(value, timeout=MATCH_TIMEOUT_SECONDS)
            is not None
        )
    except TimeoutError as error:
        raise PatternTimeout(pattern) from error
