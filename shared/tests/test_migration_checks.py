"""guanjia_shared.testing.migration_checks finds what the models and the migrations
disagree on, on both databases; the services' and the gateway's tests use it."""

import asyncio

import pytest
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, text

from guanjia_shared.testing.effects import MIGRATIONS
from guanjia_shared.testing.migration_checks import (
    _without_expression_indexes,
    check_models_match_migrations,
    schema_differences,
)


async def test_a_table_the_migrations_make_and_no_model_declares_is_found(database_url):
    # The effects service's env.py declares no model of its own: only the platform tables,
    # which its migration makes as the models say, and applied_effects, which no model has.
    differences = await asyncio.to_thread(schema_differences, MIGRATIONS, database_url)
    assert [(kind, table.name) for kind, table in differences] == [
        ("remove_table", "applied_effects")
    ]
    with pytest.raises(AssertionError, match="applied_effects"):
        await check_models_match_migrations(MIGRATIONS, database_url)


def test_on_sqlite_only_an_expression_index_seen_again_is_left_out():
    table = Table("t", MetaData(), Column("id", Integer), Column("name", String(8)))
    by_expression = Index("ix_t_name_desc", table.c.id, text("name DESC"))
    plain = Index("ix_t_id", table.c.id)
    differences = [
        ("remove_index", Index("ix_t_name_desc", table.c.id, table.c.name)),
        ("add_index", by_expression),
        ("add_index", plain),
        ("remove_index", Index("ix_t_gone", table.c.name)),
    ]
    assert _without_expression_indexes(differences) == differences[2:]
