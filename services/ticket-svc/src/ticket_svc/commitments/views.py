from __future__ import annotations

from fastapi import APIRouter, Depends

from guanjia_shared.auth import current_user
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ticket_svc.commitments import service
from ticket_svc.commitments.models import CommitmentRead

router = APIRouter(
    prefix="/api/v1/ticket/commitments", tags=["commitments"], dependencies=[Depends(current_user)]
)
# Disclosure (信息公开): the published commitments, for anyone, without a token.
public_router = APIRouter(prefix="/public/v1/commitments", tags=["public"])


@router.get("", response_model=Page[CommitmentRead])
async def list_commitments(session: SessionDep, page: PageQuery):
    items, total = await service.list_commitments(session=session, page=page, published_only=False)
    return {"items": items, "total": total}


@public_router.get("", response_model=Page[CommitmentRead])
async def list_published_commitments(session: SessionDep, page: PageQuery):
    items, total = await service.list_commitments(session=session, page=page, published_only=True)
    return {"items": items, "total": total}
