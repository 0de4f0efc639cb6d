from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field

from asset_svc.changes import policy, service
from asset_svc.changes.models import ChangeCreate, ChangeRead, ChangeType
from asset_svc.register.models import RoomRead
from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery

router = APIRouter(prefix="/api/v1/asset", dependencies=[Depends(current_user)])
Recorder = Annotated[Principal, Depends(require_roles(*policy.RECORDERS))]
# The register of changes is the bureau's own book; served units see their rooms' history.
Reader = Annotated[Principal, Depends(require_roles(*policy.READERS))]


class OccupancyRead(BaseModel):
    unit_id: str
    as_of: date
    rooms: list[RoomRead]
    room_count: int
    total_area: float
    area_by_kind: dict[str, float]


class ChangeEntry(BaseModel):
    """A change of the room in the register."""

    kind: Literal["change"]
    date: date
    recorded_at: datetime
    change_id: str
    type: ChangeType
    unit_id: str | None
    from_unit_id: str | None
    # Who held the room once the change took effect (none: vacant).
    occupant_after: str | None
    document_no: str | None
    reason: str
    actor_id: str
    corrects_change_id: str | None


class RepairEntry(BaseModel):
    """A repair: a closed service ticket that named the room (or its building, no room)."""

    kind: Literal["repair"]
    date: date
    recorded_at: datetime
    ticket_id: str
    title: str
    department: str | None


HistoryEntry = Annotated[ChangeEntry | RepairEntry, Field(discriminator="kind")]


@router.post(
    "/changes", status_code=status.HTTP_201_CREATED, response_model=ChangeRead, tags=["changes"]
)
async def record_change(data: ChangeCreate, session: SessionDep, actor: Recorder):
    change = await service.record_change(session=session, data=data, actor=actor)
    [read] = await service.read_changes(session, [change], actor)
    return read


@router.get("/changes", response_model=Page[ChangeRead], tags=["changes"])
async def list_changes(
    session: SessionDep,
    viewer: Reader,
    page: PageQuery,
    type: ChangeType | None = None,
    unit_id: str | None = None,
    building_id: str | None = None,
    room_id: str | None = None,
    effective_from: IsoDate | None = None,
    effective_to: IsoDate | None = None,
):
    changes, total = await service.list_changes(
        session=session,
        viewer=viewer,
        page=page,
        type=type,
        unit_id=unit_id,
        building_id=building_id,
        room_id=room_id,
        effective_from=effective_from,
        effective_to=effective_to,
    )
    return {"items": await service.read_changes(session, changes, viewer), "total": total}


@router.get("/changes/{change_id}", response_model=ChangeRead, tags=["changes"])
async def get_change(change_id: str, session: SessionDep, viewer: Reader):
    change = await service.get_change(session=session, change_id=change_id, viewer=viewer)
    [read] = await service.read_changes(session, [change], viewer)
    return read


@router.get("/rooms/{room_id}/history", response_model=list[HistoryEntry], tags=["rooms"])
async def room_history(room_id: str, session: SessionDep, viewer: CurrentUser):
    return await service.room_history(session=session, room_id=room_id, viewer=viewer)


@router.get("/units/{unit_id}/occupancy", response_model=OccupancyRead, tags=["units"])
async def unit_occupancy(
    unit_id: str, session: SessionDep, viewer: CurrentUser, as_of: IsoDate | None = None
):
    return await service.unit_occupancy(
        session=session, unit_id=unit_id, as_of=as_of, viewer=viewer
    )
