"""The thresholds an item change is judged by are the app's own settings, the same ones
its sweep and its exceptions view use."""

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app

from .exception_helpers import add, history, make_plan, report


async def test_a_report_is_judged_by_the_apps_own_tolerance(service_client_factory, leader, owner):
    # On 2026-02-15, 45 of 89 days have passed: 50.6% expected. Progress 10 is behind by
    # more than the default 20 points, but not by more than 50.
    async with service_client_factory(
        create_app, Settings, MIGRATIONS, behind_tolerance_points=50
    ) as lenient:
        plan = await make_plan(lenient, leader)
        item = await add(lenient, leader, plan, "宽松", owner)
        await report(lenient, owner, item, 10, day="2026-02-15")
        assert await history(lenient, leader, item) == []
    async with service_client_factory(create_app, Settings, MIGRATIONS) as default:
        plan = await make_plan(default, leader)
        item = await add(default, leader, plan, "默认", owner)
        await report(default, owner, item, 10, day="2026-02-15")
        assert await history(default, leader, item) == [("behind", "2026-02-15", None)]
