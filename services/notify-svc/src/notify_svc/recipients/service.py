"""Reading the recipients replica: a role or a department resolves to its current holders,
and the admin sees who could not be reached (no verified contact point)."""

from __future__ import annotations

from sqlalchemy import String, cast, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal, Role
from guanjia_shared.clock import now
from guanjia_shared.pagination import PageParams, containing, fetch_page
from notify_svc.recipients.models import Recipient
from notify_svc.recipients.policy import ensure_may_read_recipients


def holding(role: Role):
    # Roles are a JSON list; its text holds each role in quotes on SQLite and PostgreSQL.
    return cast(Recipient.roles, String).like(f'%"{role}"%')


async def list_recipients(
    *,
    session: AsyncSession,
    actor: Principal,
    page: PageParams,
    role: Role | None = None,
    department: str | None = None,
    unit_id: str | None = None,
    q: str | None = None,
    unreachable: bool = False,
) -> tuple[list[Recipient], int]:
    """The active people, by name; `unreachable`: only those with no verified contact point,
    whom nothing but the console inbox reaches."""
    ensure_may_read_recipients(actor)
    query = (
        select(Recipient)
        .where(Recipient.active.is_(True))
        .order_by(Recipient.display_name, Recipient.username)
    )
    if role is not None:
        query = query.where(holding(role))
    if department is not None:
        query = query.where(Recipient.department == department)
    if unit_id is not None:
        query = query.where(Recipient.unit_id == unit_id)
    if q:
        query = query.where(containing(q, Recipient.username, Recipient.display_name))
    if unreachable:
        query = query.where(cast(Recipient.contacts, String) == "[]")
    return await fetch_page(session, query, page)


async def people_to_tell(
    session: AsyncSession,
    *,
    ids: set[str],
    roles: set[tuple[Role, str | None]],
) -> list[Recipient]:
    """The active people with one of the `ids`, or holding one of the `roles` (in the
    department paired with it, where one is), as the replica has them now; each once. A
    person named by id whom the replica does not know yet (their `auth.user.created` not
    come, as the streams keep no order between them) is told all the same: in the inbox,
    which needs no address."""
    if not ids and not roles:
        return []
    named = [Recipient.id.in_(sorted(ids))] if ids else []
    holders = [
        holding(role) & (Recipient.department == department)
        if department is not None
        else holding(role)
        for role, department in sorted(roles, key=str)
    ]
    query = select(Recipient).where(or_(*named, *holders)).order_by(Recipient.id)
    found = list((await session.execute(query)).scalars())
    known = {person.id for person in found}
    unknown = [
        unreplicated(person_id)
        for person_id in sorted(ids - known)
        if len(person_id) <= PERSON_ID_MAX  # not a person's id: nobody to tell
    ]
    return [person for person in found if person.active] + unknown


PERSON_ID_MAX = 36


async def display_names(session: AsyncSession, ids: set[str]) -> dict[str, str]:
    """The names the replica has for these people (one it has not heard of is left out)."""
    if not ids:
        return {}
    found = await session.execute(
        select(Recipient.id, Recipient.display_name).where(Recipient.id.in_(sorted(ids)))
    )
    return {person: name for person, name in found.all()}


def unreplicated(person_id: str) -> Recipient:
    """A person the replica has not heard of: no address, no preference."""
    return Recipient(
        id=person_id,
        username="",
        display_name="",
        roles=[],
        active=True,
        contacts=[],
        message_preferences=[],
        version=0,
        replicated_at=now(),
    )
