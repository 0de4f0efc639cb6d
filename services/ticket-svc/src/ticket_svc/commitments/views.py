from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from ticket_svc.commitments import policy, service
from ticket_svc.commitments.models import (
    MAX_PROCEDURE_CODE,
    CommitmentCreate,
    CommitmentRead,
    CommitmentUpdate,
    CommitmentVersionRead,
)

router = APIRouter(
    prefix="/api/v1/ticket/commitments", tags=["commitments"], dependencies=[Depends(current_user)]
)
# Disclosure (信息公开): the published commitments, for anyone, without a token.
public_router = APIRouter(prefix="/public/v1/commitments", tags=["public"])
Keeper = Annotated[Principal, Depends(require_roles(*policy.KEEPERS))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CommitmentRead)
async def create_commitment(
    data: CommitmentCreate, session: SessionDep, actor: Keeper, response: Response
):
    commitment = await service.create_commitment(session=session, data=data, actor=actor)
    response.headers["ETag"] = etag_of(commitment.version)
    response.headers["Location"] = f"{router.prefix}/{commitment.id}"
    return commitment


@router.get("", response_model=Page[CommitmentRead])
async def list_commitments(
    session: SessionDep,
    page: PageQuery,
    category: Annotated[str | None, Query(max_length=64)] = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
    published: bool | None = None,
    procedure_code: Annotated[str | None, Query(max_length=MAX_PROCEDURE_CODE)] = None,
):
    items, total = await service.list_commitments(
        session=session,
        page=page,
        published=published,
        category=category,
        department=department,
        procedure_code=procedure_code,
    )
    return {"items": items, "total": total}


@router.get("/{commitment_id}", response_model=CommitmentRead)
async def get_commitment(commitment_id: str, session: SessionDep, response: Response):
    commitment = await service.get_commitment(session=session, commitment_id=commitment_id)
    response.headers["ETag"] = etag_of(commitment.version)
    return commitment


@router.patch("/{commitment_id}", response_model=CommitmentRead)
async def update_commitment(
    commitment_id: str,
    data: CommitmentUpdate,
    session: SessionDep,
    actor: Keeper,
    response: Response,
    expected_version: IfMatchVersion,
):
    commitment = await service.update_commitment(
        session=session,
        commitment_id=commitment_id,
        data=data,
        actor=actor,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(commitment.version)
    return commitment


@router.get("/{commitment_id}/versions", response_model=Page[CommitmentVersionRead])
async def list_commitment_versions(commitment_id: str, session: SessionDep, page: PageQuery):
    items, total = await service.list_versions(
        session=session, commitment_id=commitment_id, page=page
    )
    return {"items": items, "total": total}


@router.get("/{commitment_id}/versions/{version}", response_model=CommitmentVersionRead)
async def get_commitment_version(
    commitment_id: str, version: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep
):
    return await service.get_version(session=session, commitment_id=commitment_id, version=version)


@router.post("/{commitment_id}/publish", response_model=CommitmentRead)
async def publish_commitment(
    commitment_id: str, session: SessionDep, actor: Keeper, response: Response
):
    commitment = await service.publish_commitment(
        session=session, commitment_id=commitment_id, actor=actor
    )
    response.headers["ETag"] = etag_of(commitment.version)
    return commitment


@router.post("/{commitment_id}/unpublish", response_model=CommitmentRead)
async def unpublish_commitment(
    commitment_id: str, session: SessionDep, actor: Keeper, response: Response
):
    commitment = await service.unpublish_commitment(
        session=session, commitment_id=commitment_id, actor=actor
    )
    response.headers["ETag"] = etag_of(commitment.version)
    return commitment


@public_router.get("", response_model=Page[CommitmentRead])
async def list_published_commitments(session: SessionDep, page: PageQuery):
    """The current version of each published commitment (who wrote it is not public)."""
    items, total = await service.list_commitments(session=session, page=page, published=True)
    return {"items": items, "total": total}
