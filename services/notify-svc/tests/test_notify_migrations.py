from guanjia_shared.testing.migration_checks import (
    check_migrations_run_down_and_up_again,
    check_models_match_migrations,
)
from notify_svc.database import MIGRATIONS


async def test_the_migrations_run_down_and_up_again(fresh_database):
    await check_migrations_run_down_and_up_again(MIGRATIONS, await fresh_database(MIGRATIONS))


async def test_the_models_and_the_migrations_agree(fresh_database):
    await check_models_match_migrations(MIGRATIONS, await fresh_database(MIGRATIONS))
