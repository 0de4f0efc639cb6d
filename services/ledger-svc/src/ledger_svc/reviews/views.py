from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from guanjia_shared.auth import CurrentUser, Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.config import ServiceSettings
from ledger_svc.reviews import policy, service
from ledger_svc.reviews.models import (
    OutputCreate,
    OutputRead,
    ReviewCreate,
    ReviewDetail,
    ReviewRead,
    Verification,
)

# Who may do what: reviews/policy.py (the service checks it per review; the routes name the
# roles that may call them at all).
router = APIRouter(
    prefix="/api/v1/ledger/quality/reviews",
    tags=["quality"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Runner = Annotated[Principal, Depends(require_roles(*policy.RUNNERS))]
REVIEW = "/{review_id}"


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ReviewDetail)
async def make_review(
    data: ReviewCreate,
    session: SessionDep,
    actor: Runner,
    settings: ServiceSettings,
    response: Response,
):
    """A review in draft, its inputs collected into its pack at once."""
    review = await service.make_review(
        session=session, actor=actor, quality_office=settings.quality_office, data=data
    )
    response.headers["Location"] = f"{router.prefix}/{review.id}"
    return review


@router.get("", response_model=Page[ReviewRead])
async def list_reviews(
    session: SessionDep, actor: CurrentUser, settings: ServiceSettings, page: PageQuery
):
    """Latest date first."""
    items, total = await service.list_reviews(
        session=session, actor=actor, quality_office=settings.quality_office, page=page
    )
    return Page(items=items, total=total)


@router.get(REVIEW, response_model=ReviewDetail)
async def read_review(
    review_id: str, session: SessionDep, actor: CurrentUser, settings: ServiceSettings
):
    return await service.read_review(
        session=session, actor=actor, quality_office=settings.quality_office, review_id=review_id
    )


@router.post(f"{REVIEW}/pack", response_model=ReviewDetail)
async def collect_pack_again(
    review_id: str, session: SessionDep, actor: Runner, settings: ServiceSettings
):
    """The inputs collected anew, while a draft (409 `pack-frozen` once held)."""
    return await service.collect_again(
        session=session, actor=actor, quality_office=settings.quality_office, review_id=review_id
    )


@router.post(f"{REVIEW}/hold", response_model=ReviewDetail)
async def hold_review(
    review_id: str, session: SessionDep, actor: Runner, settings: ServiceSettings
):
    return await service.hold_review(
        session=session, actor=actor, quality_office=settings.quality_office, review_id=review_id
    )


@router.post(f"{REVIEW}/outputs", status_code=status.HTTP_201_CREATED, response_model=OutputRead)
async def add_output(
    review_id: str,
    data: OutputCreate,
    session: SessionDep,
    actor: Runner,
    settings: ServiceSettings,
):
    return await service.add_output(
        session=session, actor=actor, settings=settings, review_id=review_id, data=data
    )


@router.post(f"{REVIEW}/outputs/{{output_id}}/verify", response_model=OutputRead)
async def verify_output(
    review_id: str,
    output_id: str,
    data: Verification,
    session: SessionDep,
    actor: Runner,
    settings: ServiceSettings,
):
    return await service.verify_output(
        session=session,
        actor=actor,
        quality_office=settings.quality_office,
        review_id=review_id,
        output_id=output_id,
        data=data,
    )


@router.post(f"{REVIEW}/close", response_model=ReviewDetail)
async def close_review(
    review_id: str, session: SessionDep, actor: Runner, settings: ServiceSettings
):
    """held → closed, every output verified (409 `every-output-verified`)."""
    return await service.close_review(
        session=session, actor=actor, quality_office=settings.quality_office, review_id=review_id
    )
