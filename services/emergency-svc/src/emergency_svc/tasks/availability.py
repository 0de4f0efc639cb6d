"""Who is out of reach (on leave, away, ill): the tasks that would be theirs go to the
role's deputy instead (assignment.py), and an escalation skips a deputy out of reach.

A person is marked by the commanders, the leadership, an admin,
or themself (who may mark and read whose mark: tasks/policy.py); until a moment
(`unavailable_until`) or until the mark is cleared. One row per person: the mark as it
stands, not its history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, String, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field as TableField
from sqlmodel import select

from emergency_svc.database import EmergencyTable
from emergency_svc.tasks import policy
from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import AwareIsoDateTime
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.errors import NotFound, invalid_field
from guanjia_shared.inputs import StrictInput
from guanjia_shared.pagination import PageParams, fetch_page
from guanjia_shared.text import MultiLineText, SingleLineText


class Unavailability(EmergencyTable, table=True):
    __tablename__ = "unavailability"

    user_id: str = TableField(sa_column=Column(String(36), primary_key=True))
    # None: until the mark is cleared.
    unavailable_until: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    reason: str = TableField(max_length=500)
    marked_by: str = TableField(max_length=36)
    marked_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


class UnavailabilityIn(StrictInput):
    user_id: SingleLineText = Field(min_length=1, max_length=36, description="a gateway user id")
    unavailable_until: AwareIsoDateTime | None = Field(
        default=None, description="absent: until the mark is cleared"
    )
    reason: MultiLineText = Field(min_length=1, max_length=500)


class UnavailabilityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: str
    unavailable_until: datetime | None
    reason: str
    marked_by: str
    marked_at: datetime


async def mark_unavailable(
    *, session: AsyncSession, data: UnavailabilityIn, actor: Principal
) -> Unavailability:
    policy.ensure_may_mark(actor, data.user_id)
    at = now()
    if data.unavailable_until is not None and data.unavailable_until <= at:
        raise invalid_field("unavailable_until must be in the future", "#/unavailable_until")
    mark = await session.get(Unavailability, data.user_id, with_for_update=True)
    if mark is None:
        mark = Unavailability(user_id=data.user_id, reason=data.reason, marked_by=actor.id)
        session.add(mark)
    mark.unavailable_until = data.unavailable_until
    mark.reason = data.reason
    mark.marked_by = actor.id
    mark.marked_at = at
    await session.commit()
    return mark


async def clear_unavailability(*, session: AsyncSession, user_id: str, actor: Principal) -> None:
    policy.ensure_may_mark(actor, user_id)
    mark = await session.get(Unavailability, user_id)
    if mark is None:
        raise NotFound(f"{user_id} is not marked unavailable")
    await session.delete(mark)
    await session.commit()


async def list_unavailable(
    *, session: AsyncSession, viewer: Principal, page: PageParams, user_id: str | None = None
) -> tuple[list[Unavailability], int]:
    """The people out of reach now (marks that have run out are left out), as many of them
    as the viewer may see; of `user_id` only when given."""
    policy.ensure_may_read(viewer)
    query = (
        select(Unavailability)
        .where(_in_force(now()))
        .order_by(Unavailability.marked_at.desc(), Unavailability.user_id)
    )
    if user_id is not None:
        query = query.where(Unavailability.user_id == user_id)
    if (only := policy.marks_in_sight(viewer)) is not None:
        query = query.where(Unavailability.user_id == only)
    return await fetch_page(session, query, page)


async def unavailable_among(session: AsyncSession, people: Iterable[str], at: datetime) -> set[str]:
    """Which of `people` are out of reach at `at`."""
    wanted = {person for person in people if person}
    if not wanted:
        return set()
    rows = await session.execute(
        select(Unavailability.user_id).where(
            Unavailability.user_id.in_(sorted(wanted)), _in_force(at)
        )
    )
    return set(rows.scalars().all())


def _in_force(at: datetime):
    return or_(Unavailability.unavailable_until.is_(None), Unavailability.unavailable_until > at)
