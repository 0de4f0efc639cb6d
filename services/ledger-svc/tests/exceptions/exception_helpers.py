"""What the exception tests share: people with tokens, items made and reported on given
bureau days (the clock frozen on each), the sweep ticked by hand, and readers of what came
out (the view, an item's history, the events on NATS)."""

import datetime as dt
from dataclasses import dataclass

from guanjia_shared.bureau_time import BUREAU_TIMEZONE
from guanjia_shared.clock import frozen_at
from guanjia_shared.testing.plugin import RunningService
from guanjia_shared.testing.streams import published_events
from ledger_svc.exceptions.jobs import PLANS_PER_TICK, SweepResult, sweep_exceptions
from ledger_svc.exceptions.service import exception_thresholds

API = "/api/v1/ledger"
RAISED = "ledger.item.exception_raised"
CLEARED = "ledger.item.exception_cleared"


def on(day: str, hour: int = 10) -> dt.datetime:
    """`hour` o'clock on `day`, in the bureau's time zone."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), BUREAU_TIMEZONE)


@dataclass
class LedgerService(RunningService):
    async def sweep(
        self, day: str, *, session_factory=None, batch_size: int = PLANS_PER_TICK
    ) -> SweepResult:
        """One tick of the sweep early on `day`, as a replica runs it."""
        with frozen_at(on(day, hour=1)):
            return await sweep_exceptions(
                session_factory or self.session_factory,
                exception_thresholds(self.app.state.settings),
                batch_size=batch_size,
            )


async def make_plan(client, leader, title="2026年工作要点"):
    made = await client.post(
        f"{API}/plans", json={"year": 2026, "title": title}, headers=leader.headers
    )
    assert made.status_code == 201, made.text
    return made.json()


async def add(
    client,
    who,
    plan,
    title,
    owner,
    *,
    starts_on="2026-01-01",
    deadline="2026-03-31",
    department="综合处",
    parent=None,
    day=None,
):
    """An item, made on `day` (by default the day it starts)."""
    body = {
        "title": title,
        "owner_id": owner.id,
        "department": department,
        "starts_on": starts_on,
        "deadline": deadline,
    }
    if parent is not None:
        body["parent_id"] = parent["id"]
    with frozen_at(on(day or starts_on)):
        made = await client.post(f"{API}/plans/{plan['id']}/items", json=body, headers=who.headers)
    assert made.status_code == 201, made.text
    return made.json()


async def report(client, who, item, percent, day, note="进展"):
    with frozen_at(on(day)):
        answer = await client.post(
            f"{API}/items/{item['id']}/progress",
            json={"percent": percent, "note": note},
            headers=who.headers,
        )
    assert answer.status_code == 201, answer.text


async def move_deadline(client, leader, item, deadline, day, reason="工作调整"):
    with frozen_at(on(day)):
        moved = await client.post(
            f"{API}/items/{item['id']}/deadline",
            json={"deadline": deadline, "reason": reason},
            headers=leader.headers,
        )
    assert moved.status_code == 200, moved.text


async def view(client, who, day, **params):
    """The leadership's exceptions view as read on `day`."""
    with frozen_at(on(day, hour=9)):
        return await client.get(f"{API}/exceptions", params=params, headers=who.headers)


async def history(client, who, item):
    answer = await client.get(f"{API}/items/{item['id']}/exceptions", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return [(row["reason"], row["since"], row["cleared_because"]) for row in answer.json()]


async def exception_events(nats_url, namespace):
    """(type, item, reason, since) of every exception event the service published."""
    return [
        (
            event.short_type.rsplit("_", 1)[-1],
            event.subject,
            event.data["reason"],
            event.data["since"],
        )
        for event in await published_events(nats_url, namespace, "ledger")
        if event.short_type in (RAISED, CLEARED)
    ]
