"""Fixtures for order-form tests: versions built question by question."""

import pytest

from tests import factories


@pytest.fixture
def draft(db):
    """An empty draft version of a fresh form."""
    return factories.OrderFormVersionFactory()


@pytest.fixture
def add_question(draft):
    """add_question(kind, key=..., **fields) -> Question in the draft, in order."""

    def add(kind: str, key: str, **fields: object):
        return factories.QuestionFactory(version=draft, kind=kind, key=key, **fields)

    return add
