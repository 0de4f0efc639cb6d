from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from guanjia_shared.auth import CurrentUser, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.exceptions.service import Thresholds
from ledger_svc.items import service
from ledger_svc.items.models import (
    DeadlineChangeRead,
    DeadlineMove,
    ItemCreate,
    ItemRead,
    ItemStatus,
    ItemUpdate,
    ProgressIn,
    ProgressReportRead,
)
from ledger_svc.plans.policy import READERS

router = APIRouter(
    prefix="/api/v1/ledger",
    tags=["items"],
    dependencies=[Depends(require_roles(*READERS))],
)
# Who may shape items, report on them and move their deadlines: items/policy.py (the
# service checks it: shaping depends on the item's department).


@router.post("/plans/{plan_id}/items", status_code=status.HTTP_201_CREATED, response_model=ItemRead)
async def create_item(
    plan_id: str,
    data: ItemCreate,
    session: SessionDep,
    actor: CurrentUser,
    thresholds: Thresholds,
    response: Response,
):
    item = await service.create_item(
        session=session, plan_id=plan_id, data=data, actor=actor, thresholds=thresholds
    )
    response.headers["Location"] = f"{router.prefix}/items/{item.id}"
    return (await service.views_of(session, [item]))[0]


@router.get("/plans/{plan_id}/items", response_model=Page[ItemRead])
async def list_plan_items(
    plan_id: str,
    session: SessionDep,
    page: PageQuery,
    parent_id: Annotated[str | None, Query(max_length=36)] = None,
    top_level: bool = False,
):
    items, total = await service.list_items(
        session=session, page=page, plan_id=plan_id, parent_id=parent_id, top_level=top_level
    )
    return {"items": await service.views_of(session, items), "total": total}


@router.get("/items", response_model=Page[ItemRead])
async def list_items(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    source_ref: Annotated[str | None, Query(max_length=64)] = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
    owner_id: Annotated[str | None, Query(max_length=36, description='a user id, or "me"')] = None,
    status: ItemStatus | None = None,
):
    items, total = await service.list_items(
        session=session,
        page=page,
        source_ref=source_ref,
        department=department,
        owner_id=viewer.id if owner_id == "me" else owner_id,
        status=status,
    )
    return {"items": await service.views_of(session, items), "total": total}


@router.get("/items/{item_id}", response_model=ItemRead)
async def get_item(item_id: str, session: SessionDep, response: Response):
    item = await service.get_item(session, item_id)
    response.headers["ETag"] = etag_of(item.version)
    return (await service.views_of(session, [item]))[0]


@router.patch("/items/{item_id}", response_model=ItemRead)
async def update_item(
    item_id: str,
    data: ItemUpdate,
    session: SessionDep,
    actor: CurrentUser,
    thresholds: Thresholds,
    response: Response,
    expected_version: IfMatchVersion,
):
    item = await service.update_item(
        session=session,
        item_id=item_id,
        data=data,
        actor=actor,
        thresholds=thresholds,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(item.version)
    return (await service.views_of(session, [item]))[0]


@router.post(
    "/items/{item_id}/progress",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgressReportRead,
)
async def report_progress(
    item_id: str, data: ProgressIn, session: SessionDep, actor: CurrentUser, thresholds: Thresholds
):
    return await service.report_progress(
        session=session, item_id=item_id, data=data, actor=actor, thresholds=thresholds
    )


@router.get("/items/{item_id}/progress", response_model=Page[ProgressReportRead])
async def list_progress(item_id: str, session: SessionDep, page: PageQuery):
    items, total = await service.list_progress(session=session, item_id=item_id, page=page)
    return {"items": items, "total": total}


@router.post("/items/{item_id}/deadline", response_model=ItemRead)
async def move_deadline(
    item_id: str,
    data: DeadlineMove,
    session: SessionDep,
    actor: CurrentUser,
    thresholds: Thresholds,
):
    item = await service.move_deadline(
        session=session, item_id=item_id, data=data, actor=actor, thresholds=thresholds
    )
    return (await service.views_of(session, [item]))[0]


@router.get("/items/{item_id}/deadline-changes", response_model=list[DeadlineChangeRead])
async def list_deadline_changes(item_id: str, session: SessionDep):
    return await service.list_deadline_changes(session=session, item_id=item_id)
