from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response, status

from guanjia_shared.auth import Principal, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.etags import IfMatchVersion, etag_of
from guanjia_shared.pagination import Page, PageQuery
from ledger_svc.campaigns import policy, service
from ledger_svc.campaigns.models import (
    FIRST_YEAR,
    LAST_YEAR,
    ActivityCreate,
    ActivityRead,
    CampaignClose,
    CampaignCreate,
    CampaignDetail,
    CampaignRead,
    CampaignUpdate,
    ParticipantIn,
    ResultCreate,
    ResultRead,
)

# Who reads and who writes campaigns: campaigns/policy.py (the service checks it).
router = APIRouter(
    prefix="/api/v1/ledger/campaigns",
    tags=["campaigns"],
    dependencies=[Depends(require_roles(*policy.READERS))],
)
Writer = Annotated[Principal, Depends(require_roles(*policy.WRITERS))]
# The departments of one activity: the whole list, replacing the one before.
ParticipantList = Annotated[list[ParticipantIn], Body(max_length=500)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=CampaignRead)
async def create_campaign(
    data: CampaignCreate, session: SessionDep, actor: Writer, response: Response
):
    campaign = await service.create_campaign(session=session, data=data, actor=actor)
    response.headers["ETag"] = etag_of(campaign.version)
    response.headers["Location"] = f"{router.prefix}/{campaign.id}"
    return campaign


@router.get("", response_model=Page[CampaignRead])
async def list_campaigns(
    session: SessionDep,
    page: PageQuery,
    year: Annotated[int | None, Query(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
):
    items, total = await service.list_campaigns(session=session, page=page, year=year)
    return {"items": items, "total": total}


@router.get("/{campaign_id}", response_model=CampaignDetail)
async def get_campaign(campaign_id: str, session: SessionDep, response: Response):
    campaign = await service.read_campaign(session=session, campaign_id=campaign_id)
    response.headers["ETag"] = etag_of(campaign.version)
    return campaign


@router.patch("/{campaign_id}", response_model=CampaignRead)
async def update_campaign(
    campaign_id: str,
    data: CampaignUpdate,
    session: SessionDep,
    actor: Writer,
    response: Response,
    expected_version: IfMatchVersion,
):
    campaign = await service.update_campaign(
        session=session,
        campaign_id=campaign_id,
        data=data,
        actor=actor,
        expected_version=expected_version,
    )
    response.headers["ETag"] = etag_of(campaign.version)
    return campaign


@router.post("/{campaign_id}/close", response_model=CampaignRead)
async def close_campaign(
    campaign_id: str, data: CampaignClose, session: SessionDep, actor: Writer, response: Response
):
    campaign = await service.close_campaign(
        session=session, campaign_id=campaign_id, data=data, actor=actor
    )
    response.headers["ETag"] = etag_of(campaign.version)
    return campaign


@router.post(
    "/{campaign_id}/activities", status_code=status.HTTP_201_CREATED, response_model=ActivityRead
)
async def add_activity(
    campaign_id: str, data: ActivityCreate, session: SessionDep, actor: Writer, response: Response
):
    activity = await service.add_activity(
        session=session, campaign_id=campaign_id, data=data, actor=actor
    )
    response.headers["Location"] = f"{router.prefix}/{campaign_id}/activities/{activity.id}"
    return activity


@router.get("/{campaign_id}/activities", response_model=Page[ActivityRead])
async def list_activities(campaign_id: str, session: SessionDep, page: PageQuery):
    items, total = await service.list_activities(
        session=session, campaign_id=campaign_id, page=page
    )
    return {"items": items, "total": total}


@router.get("/{campaign_id}/activities/{activity_id}", response_model=ActivityRead)
async def get_activity(campaign_id: str, activity_id: str, session: SessionDep):
    return await service.get_activity(
        session=session, campaign_id=campaign_id, activity_id=activity_id
    )


@router.put("/{campaign_id}/activities/{activity_id}/participants", response_model=ActivityRead)
async def replace_participants(
    campaign_id: str,
    activity_id: str,
    participants: ParticipantList,
    session: SessionDep,
    actor: Writer,
):
    return await service.replace_participants(
        session=session,
        campaign_id=campaign_id,
        activity_id=activity_id,
        participants=participants,
        actor=actor,
    )


@router.post(
    "/{campaign_id}/activities/{activity_id}/results",
    status_code=status.HTTP_201_CREATED,
    response_model=ResultRead,
)
async def record_result(
    campaign_id: str, activity_id: str, data: ResultCreate, session: SessionDep, actor: Writer
):
    return await service.record_result(
        session=session, campaign_id=campaign_id, activity_id=activity_id, data=data, actor=actor
    )
