from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, status

from guanjia_shared.auth import Principal, current_user, require_roles
from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from guanjia_shared.problem_docs import problem_response_doc
from ticket_svc.config import ServiceSettings
from ticket_svc.ratings import policy, service
from ticket_svc.ratings.models import (
    Moderation,
    ModerationIn,
    PublicComment,
    RatingCreate,
    RatingInvitation,
    RatingRead,
    RatingRecorded,
    RatingSummary,
)
from ticket_svc.tickets.models import RATING_CODE_MAX_LENGTH

router = APIRouter(
    prefix="/api/v1/ticket/ratings", tags=["ratings"], dependencies=[Depends(current_user)]
)
# 行风评议 is the public's: rating and reading the results need no token.
public_router = APIRouter(prefix="/public/v1/ratings", tags=["public"])
Moderator = Annotated[Principal, Depends(require_roles(*policy.MODERATORS))]
Reader = Annotated[Principal, Depends(require_roles(*policy.READERS))]
Department = Annotated[str | None, Query(min_length=1, max_length=100)]


def _client_address(request: Request) -> str:
    # uvicorn has already put the X-Forwarded-For of a trusted proxy here.
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(_client_address)]


@public_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RatingRecorded,
    responses={429: problem_response_doc(429, "Too many ratings from this address today")},
)
async def record_rating(
    data: RatingCreate, session: SessionDep, settings: ServiceSettings, address: ClientAddress
):
    return await service.record_rating(
        session=session,
        data=data,
        address=address,
        limit_per_day=settings.ratings_per_address_per_day,
    )


@public_router.get(
    "/invitations/{code}",
    response_model=RatingInvitation,
    responses={404: problem_response_doc(404, "No ticket has this rating code")},
)
async def get_invitation(
    code: Annotated[str, Path(min_length=1, max_length=RATING_CODE_MAX_LENGTH)],
    session: SessionDep,
):
    return await service.get_invitation(session=session, code=code)


@public_router.get("/summary", response_model=RatingSummary)
async def summarise_ratings(
    session: SessionDep,
    settings: ServiceSettings,
    from_: Annotated[IsoDate | None, Query(alias="from")] = None,
    to: IsoDate | None = None,
):
    return await service.summarise_ratings(
        session=session,
        min_count=settings.rating_summary_min_count,
        prior_weight=settings.rating_prior_weight,
        from_=from_,
        to=to,
    )


@public_router.get("/comments", response_model=Page[PublicComment])
async def list_public_comments(session: SessionDep, page: PageQuery, department: Department = None):
    items, total = await service.list_public_comments(
        session=session, page=page, department=department
    )
    return {"items": items, "total": total}


@router.get("", response_model=Page[RatingRead])
async def list_ratings(
    session: SessionDep,
    viewer: Reader,
    page: PageQuery,
    department: Department = None,
    moderation: Moderation | None = None,
):
    items, total = await service.list_ratings(
        session=session, viewer=viewer, page=page, department=department, moderation=moderation
    )
    return {"items": items, "total": total}


@router.post("/{rating_id}/approve", response_model=RatingRead)
async def approve_comment(
    rating_id: str, session: SessionDep, actor: Moderator, body: ModerationIn | None = None
):
    return await service.approve_comment(
        session=session, rating_id=rating_id, actor=actor, reason=body.reason if body else None
    )


@router.post("/{rating_id}/reject", response_model=RatingRead)
async def reject_comment(
    rating_id: str, session: SessionDep, actor: Moderator, body: ModerationIn | None = None
):
    return await service.reject_comment(
        session=session, rating_id=rating_id, actor=actor, reason=body.reason if body else None
    )
