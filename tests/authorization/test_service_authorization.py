"""Every route of every service × every role (and no token): who may, who may not.

One test per (service, caller, database): the service runs in-process on a database of its
own (SQLite, and PostgreSQL where its integer widths, text lengths and NUL bytes differ), an
admin lays down a small world (the caller's own unit and department, and another's), and
the caller makes every call of the service's table in order; every answer against the
table is collected into one failure. A second test per service fails when the service
serves a route the table does not classify, so every new route must be given its roles.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from asset_svc.config import Settings as AssetSettings
from asset_svc.database import MIGRATIONS as ASSET_MIGRATIONS
from asset_svc.main import create_app as create_asset_app
from emergency_svc.config import Settings as EmergencySettings
from emergency_svc.database import MIGRATIONS as EMERGENCY_MIGRATIONS
from emergency_svc.main import create_app as create_emergency_app
from ledger_svc.config import Settings as LedgerSettings
from ledger_svc.database import MIGRATIONS as LEDGER_MIGRATIONS
from ledger_svc.main import create_app as create_ledger_app
from notify_svc.config import Settings as NotifySettings
from notify_svc.database import MIGRATIONS as NOTIFY_MIGRATIONS
from notify_svc.main import create_app as create_notify_app
from tests.authorization.matrix import (
    CALLERS,
    DatabaseSnapshot,
    caller_for,
    classification_gaps,
    mismatches,
)
from tests.authorization.tables import asset, emergency, ledger, notify, ticket
from ticket_svc.config import Settings as TicketSettings
from ticket_svc.database import MIGRATIONS as TICKET_MIGRATIONS
from ticket_svc.main import create_app as create_ticket_app

SERVICES: dict[str, tuple[ModuleType, tuple]] = {
    "asset": (asset, (create_asset_app, AssetSettings, ASSET_MIGRATIONS)),
    "ticket": (ticket, (create_ticket_app, TicketSettings, TICKET_MIGRATIONS)),
    "ledger": (ledger, (create_ledger_app, LedgerSettings, LEDGER_MIGRATIONS)),
    "emergency": (emergency, (create_emergency_app, EmergencySettings, EMERGENCY_MIGRATIONS)),
    "notify": (notify, (create_notify_app, NotifySettings, NOTIFY_MIGRATIONS)),
}


# The tables lay down a 2026 world: plans with deadlines late in 2026, campaigns already run.
pytestmark = pytest.mark.on_day("2026-11-02T10:00:00+08:00")


@pytest.mark.parametrize("caller_role", CALLERS)
@pytest.mark.parametrize("service", SERVICES)
async def test_each_route_answers_each_role_as_the_table_says(
    service, caller_role, service_factory, token_mint
):
    table, app = SERVICES[service]
    async with service_factory(*app, **getattr(table, "SETTINGS", {})) as running:
        world = await table.build_world(running.client, token_mint, caller_for(caller_role, None))
        caller = caller_for(caller_role, world["own_unit"])
        snapshot = DatabaseSnapshot(running.settings.database_url)
        try:
            found = await mismatches(
                running.client, table.TABLE, caller, caller.headers(token_mint), world, snapshot
            )
        finally:
            await snapshot.close()
    assert not found, f"{service} as {caller_role}:\n" + "\n".join(found)


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_of_the_service_is_in_the_table(service, tmp_path):
    table, (create_app, settings_class, _) = SERVICES[service]
    app = create_app(
        settings_class(
            environment="test",
            database_url=f"sqlite+aiosqlite:///{tmp_path}/unused.db",
            jwks_url=f"file://{tmp_path}/jwks.json",
        )
    )
    gaps = classification_gaps(table.TABLE, app.openapi())
    assert not gaps, "\n".join(gaps)
