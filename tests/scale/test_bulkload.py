"""seed_scale's bulk load sets aside indexes and foreign keys, never uniqueness."""

import pytest
from django.db import IntegrityError, connection, transaction

from devtools import scale
from devtools.scale import bulkload
from requirements.models import RequirementSet
from tests.factories import RequirementSetFactory


def _unique_indexes() -> set[str]:
    """Every unique index of the loaded tables (those of unique constraints and
    the partial ones a conditional UniqueConstraint makes), as PostgreSQL spells it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_get_indexdef(x.indexrelid) FROM pg_index x
            JOIN pg_class c ON c.oid = x.indrelid
            WHERE x.indisunique AND c.relname = ANY(%s)
            """,
            [scale._loaded_tables()],
        )
        return {row[0] for row in cursor.fetchall()}


def test_unique_indexes_partial_ones_included_stay_enforced_while_loading(db):
    draft = RequirementSetFactory()
    unique = _unique_indexes()
    # The partial one: one draft revision per order, a conditional UniqueConstraint
    # (an index no pg_constraint row owns).
    assert any("reqset_one_draft" in d and " WHERE " in d for d in unique)
    with connection.cursor() as cursor:
        # As seed_scale does: keys checked row by row, none left pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        rebuild = bulkload.set_aside(cursor, scale._loaded_tables())
        # Secondary indexes and keys are set aside, uniqueness is not.
        assert any(s.startswith("CREATE INDEX") for s in rebuild)
        assert any("FOREIGN KEY" in s for s in rebuild)
        assert not any("UNIQUE" in s for s in rebuild)
        assert _unique_indexes() == unique
        # A second draft of the same order is refused as it arrives.
        with (
            pytest.raises(IntegrityError, match="reqset_one_draft"),
            transaction.atomic(),
        ):
            RequirementSetFactory(order=draft.order, number=2)
        bulkload.restore(cursor, rebuild)
    assert RequirementSet.objects.filter(order=draft.order).count() == 1
    assert _unique_indexes() == unique
