from gateway.database import MIGRATIONS
from guanjia_shared.testing.migration_checks import check_migrations_run_down_and_up_again


async def test_the_migrations_run_down_and_up_again(fresh_database):
    await check_migrations_run_down_and_up_again(MIGRATIONS, await fresh_database(MIGRATIONS))
