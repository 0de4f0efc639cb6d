"""The incident's timeline: append-only, one line per thing that happened.

Lines are inserted in the transaction of the change they record, so a line exists exactly
when its change does. `seq` comes from the table's own key rather than a counter on the
incident: the timers append lines (escalations, overdue tasks) without taking the
incident's row, which keeps them out of the way of the commander's own changes; the seqs of
one incident are increasing, not consecutive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.incidents.models import TimelineEntry, TimelineKind
from guanjia_shared.auth import Principal
from guanjia_shared.pagination import PageParams, fetch_page


def append_to_timeline(
    session: AsyncSession,
    incident_id: str,
    kind: TimelineKind,
    *,
    at: dt.datetime,
    actor: Principal | str | None,
    data: dict[str, Any],
    task_id: str | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(
        incident_id=incident_id,
        kind=kind.value,
        at=at,
        actor=actor.id if isinstance(actor, Principal) else actor,
        task_id=task_id,
        data=data,
    )
    session.add(entry)
    return entry


async def timeline_of(
    session: AsyncSession,
    incident_id: str,
    page: PageParams,
    *,
    kind: TimelineKind | None = None,
    task_id: str | None = None,
) -> tuple[list[TimelineEntry], int]:
    query = (
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident_id)
        .order_by(TimelineEntry.seq)
    )
    if kind is not None:
        query = query.where(TimelineEntry.kind == kind.value)
    if task_id is not None:
        query = query.where(TimelineEntry.task_id == task_id)
    return await fetch_page(session, query, page)
