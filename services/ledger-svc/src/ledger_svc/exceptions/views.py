from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from guanjia_shared.auth import CurrentUser, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.exceptions import service
from ledger_svc.exceptions.models import ExceptionRead, ExceptionRecordRead
from ledger_svc.exceptions.policy import VIEWERS
from ledger_svc.exceptions.rules import Reason
from ledger_svc.exceptions.service import Thresholds
from ledger_svc.plans.policy import READERS

router = APIRouter(prefix="/api/v1/ledger", tags=["exceptions"])


@router.get(
    "/exceptions",
    response_model=Page[ExceptionRead],
    # Department heads see their own department's (the filter is theirs, forced).
    dependencies=[Depends(require_roles(*VIEWERS))],
)
async def list_exceptions(
    session: SessionDep,
    actor: CurrentUser,
    page: PageQuery,
    thresholds: Thresholds,
    department: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    reason: Reason | None = None,
):
    items, total = await service.list_open_exceptions(
        session=session,
        actor=actor,
        page=page,
        thresholds=thresholds,
        department=department,
        reason=reason,
    )
    return {"items": items, "total": total}


@router.get(
    "/items/{item_id}/exceptions",
    response_model=list[ExceptionRecordRead],
    dependencies=[Depends(require_roles(*READERS))],
)
async def list_item_exceptions(item_id: str, session: SessionDep, actor: CurrentUser):
    return await service.list_item_exceptions(session=session, item_id=item_id, actor=actor)
