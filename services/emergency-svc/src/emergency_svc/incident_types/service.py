"""The rules of incident types: the seeded ones and those an admin adds, each code once.
An incident or plan naming a type that is not here is refused (422)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.incident_types import policy
from emergency_svc.incident_types.models import IncidentType, IncidentTypeCreate
from guanjia_shared.auth import Principal
from guanjia_shared.errors import Conflict, InvalidInput, invalid_field
from guanjia_shared.pagination import PageParams, fetch_page


async def list_incident_types(
    *, session: AsyncSession, page: PageParams
) -> tuple[list[IncidentType], int]:
    return await fetch_page(session, select(IncidentType).order_by(IncidentType.code), page)


async def create_incident_type(
    *, session: AsyncSession, data: IncidentTypeCreate, actor: Principal
) -> IncidentType:
    policy.ensure_may_add(actor)
    if await session.get(IncidentType, data.code) is not None:
        raise _code_taken(data.code)
    incident_type = IncidentType(code=data.code, name=data.name, created_by=actor.id)
    session.add(incident_type)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent create took the code after our check
        await session.rollback()
        raise _code_taken(data.code) from exc
    await session.commit()
    return incident_type


async def ensure_known_type(session: AsyncSession, code: str, pointer: str) -> None:
    """Refuse (422 at `pointer`, e.g. `#/type`) a code that names no incident type."""
    if await session.get(IncidentType, code) is None:
        raise invalid_field(f"no incident type {code!r}", pointer)


async def ensure_known_types(session: AsyncSession, codes: Iterable[str], pointer: str) -> None:
    """Refuse a list naming unknown types, one error per unknown entry
    (`{pointer}/{index}`), so a client sees every bad entry at once."""
    wanted = list(codes)
    known = set(
        (
            await session.execute(select(IncidentType.code).where(IncidentType.code.in_(wanted)))
        ).scalars()
    )
    errors = [
        {"detail": f"no incident type {code!r}", "pointer": f"{pointer}/{index}"}
        for index, code in enumerate(wanted)
        if code not in known
    ]
    if errors:
        raise InvalidInput("; ".join(error["detail"] for error in errors), errors=errors)


def _code_taken(code: str) -> Conflict:
    return Conflict(f"incident type {code} already exists", rule="unique-incident-type-code")
