from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response, status

from asset_svc.register import policy, service
from asset_svc.register.models import (
    BuildingCreate,
    BuildingRead,
    BuildingUpdate,
    BuildingUse,
    LandParcelCreate,
    LandParcelRead,
    RoomCreate,
    RoomKind,
    RoomRead,
)
from guanjia_shared.auth import CurrentUser, Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery, SearchQuery
from guanjia_shared.spreadsheets import XLSX_RESPONSE, xlsx_response

router = APIRouter(prefix="/api/v1/asset", dependencies=[Depends(current_user)])
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]


@router.post(
    "/land-parcels",
    status_code=status.HTTP_201_CREATED,
    response_model=LandParcelRead,
    tags=["land parcels"],
)
async def create_land_parcel(data: LandParcelCreate, session: SessionDep, actor: Writer):
    return await service.create_land_parcel(session=session, data=data, actor=actor)


@router.get("/land-parcels", response_model=Page[LandParcelRead], tags=["land parcels"])
async def list_land_parcels(
    session: SessionDep, viewer: CurrentUser, page: PageQuery, owner_unit_id: str | None = None
):
    items, total = await service.list_land_parcels(
        session=session, viewer=viewer, page=page, owner_unit_id=owner_unit_id
    )
    return {"items": items, "total": total}


@router.get("/land-parcels/{parcel_id}", response_model=LandParcelRead, tags=["land parcels"])
async def get_land_parcel(parcel_id: str, session: SessionDep, viewer: CurrentUser):
    return await service.get_land_parcel(session=session, parcel_id=parcel_id, viewer=viewer)


@router.post(
    "/buildings",
    status_code=status.HTTP_201_CREATED,
    response_model=BuildingRead,
    tags=["buildings"],
)
async def create_building(
    data: BuildingCreate, session: SessionDep, actor: Writer, response: Response
):
    building = await service.create_building(session=session, data=data, actor=actor)
    response.headers["ETag"] = etag_of(building.version)
    return building


@router.get("/buildings", response_model=Page[BuildingRead], tags=["buildings"])
async def list_buildings(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    owner_unit_id: str | None = None,
    use: BuildingUse | None = None,
    q: SearchQuery = None,
):
    items, total = await service.list_buildings(
        session=session, viewer=viewer, page=page, owner_unit_id=owner_unit_id, use=use, q=q
    )
    return {"items": items, "total": total}


@router.get("/buildings/{building_id}", response_model=BuildingRead, tags=["buildings"])
async def get_building(
    building_id: str, session: SessionDep, viewer: CurrentUser, response: Response
):
    building = await service.get_building(session=session, building_id=building_id, viewer=viewer)
    response.headers["ETag"] = etag_of(building.version)
    return building


@router.patch("/buildings/{building_id}", response_model=BuildingRead, tags=["buildings"])
async def update_building(
    building_id: str,
    data: BuildingUpdate,
    session: SessionDep,
    actor: Writer,
    response: Response,
    expected_version: IfMatchVersion,
):
    building = await service.update_building(
        session=session,
        building_id=building_id,
        data=data,
        expected_version=expected_version,
        actor=actor,
    )
    response.headers["ETag"] = etag_of(building.version)
    return building


@router.post("/rooms", status_code=status.HTTP_201_CREATED, response_model=RoomRead, tags=["rooms"])
async def create_room(data: RoomCreate, session: SessionDep, actor: Writer):
    return await service.create_room(session=session, data=data, actor=actor)


@router.get("/rooms", response_model=Page[RoomRead], tags=["rooms"], responses=XLSX_RESPONSE)
async def list_rooms(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    building_id: str | None = None,
    occupant_unit_id: str | None = None,
    kind: RoomKind | None = None,
    vacant: bool | None = None,
    format: Literal["json", "xlsx"] = "json",
):
    """Rooms in pages; `format=xlsx` answers every matching room as a spreadsheet."""
    if format == "xlsx":
        content = await service.rooms_spreadsheet(
            session=session,
            viewer=viewer,
            building_id=building_id,
            occupant_unit_id=occupant_unit_id,
            kind=kind,
            vacant=vacant,
        )
        return xlsx_response(content, "rooms.xlsx")
    items, total = await service.list_rooms(
        session=session,
        viewer=viewer,
        page=page,
        building_id=building_id,
        occupant_unit_id=occupant_unit_id,
        kind=kind,
        vacant=vacant,
    )
    return {"items": items, "total": total}


@router.get("/rooms/{room_id}", response_model=RoomRead, tags=["rooms"])
async def get_room(room_id: str, session: SessionDep, viewer: CurrentUser):
    return await service.get_room(session=session, room_id=room_id, viewer=viewer)
