from collections.abc import Callable

import pytest

from asset_svc.config import Settings
from asset_svc.database import MIGRATIONS
from asset_svc.main import create_app


@pytest.fixture
def service_under_test():
    return create_app, Settings, MIGRATIONS


@pytest.fixture
def admin(token_mint) -> dict[str, str]:
    return token_mint.headers("admin")


@pytest.fixture
def add_rows(session_factory) -> Callable:
    async def _add(*rows):
        async with session_factory() as session:
            for row in rows:  # one flush each: rows refer to those before them
                session.add(row)
                await session.flush()
            await session.commit()
        return rows

    return _add
