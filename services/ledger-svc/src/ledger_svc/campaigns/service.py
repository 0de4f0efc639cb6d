"""The rules of campaigns (主题活动).

- A campaign starts within its year and ends on or after its first day. About three months
  is the bureau's custom ("用三个月左右时间组织活动"), not a rule: any length up to one year
  is accepted.
- Activities are held within the campaign's dates; results go to departments that took part.
- Closing records the campaign's outcome (its summary); who may close it, before and after
  its last day, and who writes campaigns at all: policy.py. A closed campaign is the
  record: nothing under it changes any more (409 `campaign-closed`).

Every write under a campaign first locks the campaign's row (FOR UPDATE on PostgreSQL;
SQLite has one writer at a time), so a close and a late result cannot pass each other.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, PreconditionFailed, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.campaigns import policy
from ledger_svc.campaigns.models import (
    ActivityCreate,
    ActivityRead,
    Campaign,
    CampaignActivity,
    CampaignClose,
    CampaignCreate,
    CampaignDetail,
    CampaignParticipant,
    CampaignRead,
    CampaignResult,
    CampaignUpdate,
    ParticipantIn,
    ParticipantRead,
    ResultCreate,
    ResultRead,
)
from ledger_svc.events import LedgerEvent


async def get_campaign(*, session: AsyncSession, campaign_id: str) -> Campaign:
    campaign = await session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"no campaign {campaign_id}")
    return campaign


async def list_campaigns(
    *, session: AsyncSession, page: PageParams, year: int | None = None
) -> tuple[list[Campaign], int]:
    query = select(Campaign).order_by(
        Campaign.year.desc(), Campaign.starts_on.desc(), Campaign.theme, Campaign.id
    )
    if year is not None:
        query = query.where(Campaign.year == year)
    return await fetch_page(session, query, page)


async def read_campaign(*, session: AsyncSession, campaign_id: str) -> CampaignDetail:
    """The campaign, its activities, their participants and results: four queries however
    many there are."""
    campaign = await get_campaign(session=session, campaign_id=campaign_id)
    activities = (
        await session.execute(
            select(CampaignActivity)
            .where(CampaignActivity.campaign_id == campaign_id)
            .order_by(CampaignActivity.held_on, CampaignActivity.created_at, CampaignActivity.id)
        )
    ).scalars()
    reads = await _activity_reads(session, campaign_id, list(activities))
    return CampaignDetail(**CampaignRead.model_validate(campaign).model_dump(), activities=reads)


async def create_campaign(
    *, session: AsyncSession, data: CampaignCreate, actor: Principal
) -> Campaign:
    policy.ensure_may_write(actor)
    _check_dates(data.year, data.starts_on, data.ends_on, sent=set(data.model_fields_set))
    campaign = Campaign(**data.model_dump(), created_by=actor.id, version=1)
    session.add(campaign)
    await session.flush()
    await record_event(
        session,
        LedgerEvent.campaign_created,
        subject=campaign.id,
        data={**_campaign_facts(campaign), "actor": actor.id},
    )
    await session.commit()
    return campaign


async def update_campaign(
    *,
    session: AsyncSession,
    campaign_id: str,
    data: CampaignUpdate,
    actor: Principal,
    expected_version: int | None = None,
) -> Campaign:
    policy.ensure_may_write(actor)
    campaign = await _campaign_for_writing(session, campaign_id)
    if expected_version is not None and expected_version != campaign.version:
        raise PreconditionFailed(
            f"campaign {campaign_id} is at version {campaign.version}, not {expected_version}"
        )
    changes = {
        field: value
        for field, value in data.model_dump(exclude_unset=True).items()
        if getattr(campaign, field) != value
    }
    if not changes:
        return campaign
    year = changes.get("year", campaign.year)
    starts_on = changes.get("starts_on", campaign.starts_on)
    ends_on = changes.get("ends_on", campaign.ends_on)
    _check_dates(year, starts_on, ends_on, sent=set(data.model_fields_set))
    if "starts_on" in changes or "ends_on" in changes:
        await _ensure_activities_within(session, campaign_id, starts_on, ends_on)
    for field, value in changes.items():
        setattr(campaign, field, value)
    campaign.version += 1
    session.add(campaign)
    await session.commit()
    return campaign


async def close_campaign(
    *, session: AsyncSession, campaign_id: str, data: CampaignClose, actor: Principal
) -> Campaign:
    policy.ensure_may_write(actor)
    campaign = await _campaign_for_writing(session, campaign_id)
    today = bureau_today()
    policy.ensure_may_close(actor, campaign, today)
    early = today <= campaign.ends_on
    campaign.summary = data.summary
    campaign.closed_at = now()
    campaign.closed_by = actor.id
    campaign.version += 1
    session.add(campaign)
    await session.flush()
    activities = await session.scalar(
        select(func.count())
        .select_from(CampaignActivity)
        .where(CampaignActivity.campaign_id == campaign_id)
    )
    results = await session.scalar(
        select(func.count())
        .select_from(CampaignResult)
        .join(CampaignActivity, CampaignActivity.id == CampaignResult.activity_id)
        .where(CampaignActivity.campaign_id == campaign_id)
    )
    await record_event(
        session,
        LedgerEvent.campaign_closed,
        subject=campaign.id,
        data={
            **_campaign_facts(campaign),
            "early": early,
            "activities": int(activities or 0),
            "results": int(results or 0),
            "actor": actor.id,
        },
    )
    await session.commit()
    return campaign


async def add_activity(
    *, session: AsyncSession, campaign_id: str, data: ActivityCreate, actor: Principal
) -> ActivityRead:
    policy.ensure_may_write(actor)
    campaign = await _campaign_for_writing(session, campaign_id)
    if not campaign.starts_on <= data.held_on <= campaign.ends_on:
        raise invalid_field(
            f"the campaign runs from {campaign.starts_on} to {campaign.ends_on}; "
            f"an activity on {data.held_on} is outside it",
            "#/held_on",
        )
    activity = CampaignActivity(
        campaign_id=campaign_id,
        kind=data.kind.value,
        title=data.title,
        held_on=data.held_on,
        description=data.description,
        created_by=actor.id,
    )
    session.add(activity)
    await session.commit()
    return _activity_read(activity, [], [])


async def list_activities(
    *, session: AsyncSession, campaign_id: str, page: PageParams
) -> tuple[list[ActivityRead], int]:
    await get_campaign(session=session, campaign_id=campaign_id)
    query = (
        select(CampaignActivity)
        .where(CampaignActivity.campaign_id == campaign_id)
        .order_by(CampaignActivity.held_on, CampaignActivity.created_at, CampaignActivity.id)
    )
    activities, total = await fetch_page(session, query, page)
    return await _activity_reads(session, campaign_id, activities, only_these=True), total


async def get_activity(
    *, session: AsyncSession, campaign_id: str, activity_id: str
) -> ActivityRead:
    await get_campaign(session=session, campaign_id=campaign_id)
    activity = await _activity_of(session, campaign_id, activity_id)
    [read] = await _activity_reads(session, campaign_id, [activity], only_these=True)
    return read


async def replace_participants(
    *,
    session: AsyncSession,
    campaign_id: str,
    activity_id: str,
    participants: list[ParticipantIn],
    actor: Principal,
) -> ActivityRead:
    """The departments that took part become exactly `participants`. A department that
    already has results cannot be taken off the list (its results would name a department
    that did not take part)."""
    policy.ensure_may_write(actor)
    await _campaign_for_writing(session, campaign_id)
    activity = await _activity_of(session, campaign_id, activity_id)
    wanted: dict[str, int] = {}
    for index, participant in enumerate(participants):
        if participant.department in wanted:
            raise invalid_field(
                f"department {participant.department} is listed twice", f"#/{index}/department"
            )
        wanted[participant.department] = participant.people

    current = {
        row.department: row
        for row in (
            await session.execute(
                select(CampaignParticipant).where(CampaignParticipant.activity_id == activity_id)
            )
        ).scalars()
    }
    removed = sorted(set(current) - set(wanted))
    if removed:
        with_results = (
            await session.execute(
                select(CampaignResult.department)
                .where(
                    CampaignResult.activity_id == activity_id,
                    CampaignResult.department.in_(removed),
                )
                .distinct()
                .order_by(CampaignResult.department)
            )
        ).scalars()
        with_results = list(with_results)
        if with_results:
            raise Conflict(
                f"departments {', '.join(with_results)} have results in this activity and "
                "stay among its participants",
                rule="participant-has-results",
            )
        await session.execute(
            delete(CampaignParticipant).where(
                CampaignParticipant.activity_id == activity_id,
                CampaignParticipant.department.in_(removed),
            )
        )
    for department, people in wanted.items():
        row = current.get(department)
        if row is None:
            session.add(
                CampaignParticipant(activity_id=activity_id, department=department, people=people)
            )
        elif row.people != people:
            row.people = people
            session.add(row)
    await session.commit()
    [read] = await _activity_reads(session, campaign_id, [activity], only_these=True)
    return read


async def record_result(
    *,
    session: AsyncSession,
    campaign_id: str,
    activity_id: str,
    data: ResultCreate,
    actor: Principal,
) -> CampaignResult:
    policy.ensure_may_write(actor)
    campaign = await _campaign_for_writing(session, campaign_id)
    activity = await _activity_of(session, campaign_id, activity_id)
    took_part = await session.get(CampaignParticipant, (activity_id, data.department))
    if took_part is None:
        raise invalid_field(
            f"department {data.department} is not a participant of activity {activity_id}",
            "#/department",
        )
    result = CampaignResult(activity_id=activity_id, recorded_by=actor.id, **data.model_dump())
    session.add(result)
    await session.flush()
    read = ResultRead.model_validate(result).model_dump(mode="json")
    await record_event(
        session,
        LedgerEvent.campaign_result_recorded,
        subject=campaign.id,
        data={
            "campaign_id": campaign.id,
            "year": campaign.year,
            "theme": campaign.theme,
            "activity_id": activity.id,
            "activity_kind": activity.kind,
            "activity_title": activity.title,
            "result_id": result.id,
            "department": result.department,
            "rank": read["rank"],
            "score": read["score"],
            "award": read["award"],
            "recorded_at": read["recorded_at"],
            "actor": actor.id,
        },
    )
    await session.commit()
    return result


async def _campaign_for_writing(session: AsyncSession, campaign_id: str) -> Campaign:
    """The campaign, locked for the rest of the transaction, and still open."""
    campaign = await session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None:
        raise NotFound(f"no campaign {campaign_id}")
    if campaign.closed_at is not None:
        raise Conflict(
            f"campaign {campaign_id} is closed; nothing under it changes any more",
            rule="campaign-closed",
        )
    return campaign


async def _activity_of(
    session: AsyncSession, campaign_id: str, activity_id: str
) -> CampaignActivity:
    activity = await session.get(CampaignActivity, activity_id)
    if activity is None or activity.campaign_id != campaign_id:
        raise NotFound(f"campaign {campaign_id} has no activity {activity_id}")
    return activity


def _one_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def _check_dates(year: int, starts_on: date, ends_on: date, *, sent: set[str]) -> None:
    if starts_on.year != year:
        pointer = "#/year" if "year" in sent and "starts_on" not in sent else "#/starts_on"
        raise invalid_field(f"a campaign of {year} starts in {year}, not on {starts_on}", pointer)
    if ends_on < starts_on:
        raise invalid_field(f"the campaign ends ({ends_on}) before it starts", "#/ends_on")
    # The custom is about three months; the limit is only that it fits in one year.
    last_day = _one_year_on(starts_on) - timedelta(days=1)
    if ends_on > last_day:
        raise invalid_field(
            f"a campaign runs at most one year: starting on {starts_on}, it ends by {last_day}",
            "#/ends_on",
        )


async def _ensure_activities_within(
    session: AsyncSession, campaign_id: str, starts_on: date, ends_on: date
) -> None:
    outside = (
        await session.execute(
            select(CampaignActivity.title, CampaignActivity.held_on)
            .where(
                CampaignActivity.campaign_id == campaign_id,
                or_(CampaignActivity.held_on < starts_on, CampaignActivity.held_on > ends_on),
            )
            .order_by(CampaignActivity.held_on)
            .limit(5)
        )
    ).all()
    if outside:
        held = ", ".join(f"{title} ({held_on})" for title, held_on in outside)
        raise Conflict(
            f"activities would fall outside {starts_on}–{ends_on}: {held}",
            rule="activities-outside-dates",
        )


async def _activity_reads(
    session: AsyncSession,
    campaign_id: str,
    activities: list[CampaignActivity],
    *,
    only_these: bool = False,
) -> list[ActivityRead]:
    """`activities` with their participants and results: two queries, over the whole
    campaign or, with `only_these`, over just these activities."""
    if not activities:
        return []
    ids = [activity.id for activity in activities]
    participants = (
        select(CampaignParticipant)
        .join(CampaignActivity, CampaignActivity.id == CampaignParticipant.activity_id)
        .where(CampaignActivity.campaign_id == campaign_id)
        .order_by(CampaignParticipant.department)
    )
    results = (
        select(CampaignResult)
        .join(CampaignActivity, CampaignActivity.id == CampaignResult.activity_id)
        .where(CampaignActivity.campaign_id == campaign_id)
        # Placings first, in order; then unranked results by department.
        .order_by(
            CampaignResult.rank.is_(None),
            CampaignResult.rank,
            CampaignResult.department,
            CampaignResult.recorded_at,
            CampaignResult.id,
        )
    )
    if only_these:
        participants = participants.where(CampaignParticipant.activity_id.in_(ids))
        results = results.where(CampaignResult.activity_id.in_(ids))
    by_activity_p: dict[str, list[CampaignParticipant]] = {id_: [] for id_ in ids}
    for row in (await session.execute(participants)).scalars():
        by_activity_p[row.activity_id].append(row)
    by_activity_r: dict[str, list[CampaignResult]] = {id_: [] for id_ in ids}
    for row in (await session.execute(results)).scalars():
        by_activity_r[row.activity_id].append(row)
    return [
        _activity_read(activity, by_activity_p[activity.id], by_activity_r[activity.id])
        for activity in activities
    ]


def _activity_read(
    activity: CampaignActivity,
    participants: list[CampaignParticipant],
    results: list[CampaignResult],
) -> ActivityRead:
    base = ActivityRead.model_validate(activity).model_dump(exclude={"participants", "results"})
    return ActivityRead(
        **base,
        participants=[ParticipantRead.model_validate(row) for row in participants],
        results=[ResultRead.model_validate(row) for row in results],
    )


def _campaign_facts(campaign: Campaign) -> dict[str, object]:
    """The campaign as events carry it: its recorded facts, not the status of the day."""
    return CampaignRead.model_validate(campaign).model_dump(mode="json", exclude={"status"})
