"""The rules of drills (演练).

- A drill exercises a plan that exists (422 `#/plan_id` otherwise).
- Its injects (the timed, scripted messages of the exercise) are replaced as a whole while
  it is scheduled; every message carries the drill mark 【演练】.
- Evaluators add findings while it is scheduled; recording adds the findings listed then,
  each a text or a finding with its evaluator, severity and department (a text already
  there is not added twice). Each finding is a follow-up titled with the
  drill mark, going to the department the evaluator named, if any.
- A drill is recorded once (409 `record-once`); after that nothing of it changes
  (409 `drill-recorded`). Recording publishes `emergency.drill.recorded`, in the same
  transaction, with exactly: `{id, plan_id, held_at (ISO 8601, UTC), year (the bureau year
  of held_at), participants: [{department, people}], score (number or null), findings:
  [text, …], follow_ups: [{title, department?}, …], recorded_by}` — the first six being
  what the ledger's scorecards read; the follow-ups become ledger items owned by
  `recorded_by`.

Every write first locks the drill's row (FOR UPDATE on PostgreSQL; SQLite has one writer
at a time), so a late finding and the recording cannot pass each other.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import column, func, table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.drills import policy
from emergency_svc.drills.marking import drill_text
from emergency_svc.drills.models import (
    Drill,
    DrillCreate,
    DrillFinding,
    DrillRead,
    DrillRecord,
    DrillStatus,
    FindingCreate,
    FindingRead,
    FindingSource,
    FollowUpRead,
    InjectIn,
    InjectRead,
    ParticipantIn,
)
from emergency_svc.events import EmergencyEvent
from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_year
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page

# The plans table, read for existence only (the plans folder owns its model).
_plans = table("plans", column("id"))


async def plan_exists(session: AsyncSession, plan_id: str) -> bool:
    return await session.scalar(select(_plans.c.id).where(_plans.c.id == plan_id)) is not None


async def ensure_plan(session: AsyncSession, plan_id: str | None) -> None:
    if plan_id is not None and not await plan_exists(session, plan_id):
        raise invalid_field(f"no plan {plan_id}", "#/plan_id")


def participants_of(participants: list[ParticipantIn]) -> list[dict[str, Any]]:
    """The participants as stored and published; a department is listed once."""
    seen: set[str] = set()
    for index, participant in enumerate(participants):
        if participant.department in seen:
            raise invalid_field(
                f"{participant.department} is listed twice", f"#/participants/{index}/department"
            )
        seen.add(participant.department)
    return [{"department": p.department, "people": p.people} for p in participants]


def held_at_of(given: datetime | None) -> datetime:
    moment = now()
    if given is None:
        return moment
    if given > moment:
        raise invalid_field("a drill or training is recorded once held, not before", "#/held_at")
    return given


def _injects_of(injects: list[InjectIn]) -> list[dict[str, Any]]:
    ordered = sorted(enumerate(injects), key=lambda pair: (pair[1].at_minute, pair[0]))
    return [
        {"at_minute": inject.at_minute, "message": drill_text(inject.message)}
        for _, inject in ordered
    ]


async def schedule_drill(*, session: AsyncSession, data: DrillCreate, actor: Principal) -> Drill:
    policy.ensure_may_write(actor)
    await ensure_plan(session, data.plan_id)
    drill = Drill(
        plan_id=data.plan_id,
        scenario=data.scenario,
        scheduled_at=data.scheduled_at,
        injects=_injects_of(data.injects),
        created_by=actor.id,
    )
    session.add(drill)
    await session.commit()
    return drill


async def get_drill(*, session: AsyncSession, drill_id: str) -> Drill:
    drill = await session.get(Drill, drill_id)
    if drill is None:
        raise NotFound(f"no drill {drill_id}")
    return drill


async def _locked_drill(session: AsyncSession, drill_id: str) -> Drill:
    drill = (
        await session.execute(
            select(Drill)
            .where(Drill.id == drill_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if drill is None:
        raise NotFound(f"no drill {drill_id}")
    return drill


def _ensure_scheduled(drill: Drill) -> None:
    if drill.status != DrillStatus.scheduled:
        raise Conflict("the drill is recorded: nothing of it changes now", rule="drill-recorded")


async def _findings(session: AsyncSession, drill_id: str) -> list[DrillFinding]:
    rows = await session.execute(
        select(DrillFinding)
        .where(DrillFinding.drill_id == drill_id)
        .order_by(DrillFinding.position)
    )
    return list(rows.scalars())


def follow_ups_of(findings: list[DrillFinding]) -> list[dict[str, Any]]:
    """One follow-up per finding, titled with the drill mark; `department` when named."""
    follow_ups = []
    for finding in findings:
        follow_up: dict[str, Any] = {"title": drill_text(finding.finding)}
        if finding.department:
            follow_up["department"] = finding.department
        follow_ups.append(follow_up)
    return follow_ups


async def read_drill(*, session: AsyncSession, drill_id: str) -> DrillRead:
    drill = await get_drill(session=session, drill_id=drill_id)
    return _drill_read(drill, await _findings(session, drill_id))


def _drill_read(drill: Drill, findings: list[DrillFinding]) -> DrillRead:
    return DrillRead(
        id=drill.id,
        plan_id=drill.plan_id,
        title=drill_text(drill.scenario),
        scenario=drill.scenario,
        scheduled_at=drill.scheduled_at,
        status=DrillStatus(drill.status),
        injects=[
            InjectRead(
                at_minute=inject["at_minute"],
                message=inject["message"],
                due_at=drill.scheduled_at + timedelta(minutes=inject["at_minute"]),
            )
            for inject in drill.injects
        ],
        findings=[FindingRead.model_validate(finding) for finding in findings],
        follow_ups=[FollowUpRead(**follow_up) for follow_up in follow_ups_of(findings)],
        participants=drill.participants,
        score=drill.score,
        held_at=drill.held_at,
        year=drill.year,
        recorded_at=drill.recorded_at,
        recorded_by=drill.recorded_by,
        created_at=drill.created_at,
        created_by=drill.created_by,
        version=drill.version,
    )


async def list_drills(
    *,
    session: AsyncSession,
    page: PageParams,
    plan_id: str | None = None,
    status: DrillStatus | None = None,
) -> tuple[list[Drill], int]:
    query = select(Drill).order_by(Drill.scheduled_at.desc(), Drill.id)
    if plan_id is not None:
        query = query.where(Drill.plan_id == plan_id)
    if status is not None:
        query = query.where(Drill.status == status.value)
    return await fetch_page(session, query, page)


async def replace_injects(
    *, session: AsyncSession, drill_id: str, injects: list[InjectIn], actor: Principal
) -> DrillRead:
    policy.ensure_may_write(actor)
    drill = await _locked_drill(session, drill_id)
    _ensure_scheduled(drill)
    drill.injects = _injects_of(injects)
    drill.version += 1
    await session.commit()
    return await read_drill(session=session, drill_id=drill_id)


async def add_finding(
    *, session: AsyncSession, drill_id: str, data: FindingCreate, actor: Principal
) -> DrillFinding:
    policy.ensure_may_write(actor)
    drill = await _locked_drill(session, drill_id)
    _ensure_scheduled(drill)
    count = await session.scalar(
        select(func.count()).select_from(DrillFinding).where(DrillFinding.drill_id == drill_id)
    )
    finding = DrillFinding(
        drill_id=drill_id,
        position=int(count or 0) + 1,
        finding=data.finding,
        evaluator=data.evaluator,
        severity=data.severity.value if data.severity else None,
        department=data.department,
        source=FindingSource.evaluator.value,
        recorded_by=actor.id,
    )
    session.add(finding)
    drill.version += 1
    await session.commit()
    return finding


async def record_drill(
    *, session: AsyncSession, drill_id: str, data: DrillRecord, actor: Principal
) -> DrillRead:
    policy.ensure_may_write(actor)
    drill = await _locked_drill(session, drill_id)
    if drill.status != DrillStatus.scheduled:
        raise Conflict("the drill is recorded already", rule="record-once")
    held_at = held_at_of(data.held_at)
    participants = participants_of(data.participants)
    findings = await _findings(session, drill_id)
    known = {finding.finding for finding in findings}
    moment = now()
    for given in data.findings:
        listed = given if isinstance(given, FindingCreate) else FindingCreate(finding=given)
        if listed.finding in known:
            continue
        known.add(listed.finding)
        finding = DrillFinding(
            drill_id=drill_id,
            position=len(findings) + 1,
            finding=listed.finding,
            evaluator=listed.evaluator,
            severity=listed.severity.value if listed.severity else None,
            department=listed.department,
            source=FindingSource.record.value,
            recorded_at=moment,
            recorded_by=actor.id,
        )
        session.add(finding)
        findings.append(finding)
    drill.status = DrillStatus.recorded.value
    drill.participants = participants
    drill.score = data.score
    drill.held_at = held_at
    drill.year = bureau_year(held_at)
    drill.recorded_at = moment
    drill.recorded_by = actor.id
    drill.version += 1
    await session.flush()
    await record_event(
        session,
        EmergencyEvent.drill_recorded,
        subject=drill.id,
        data={
            "id": drill.id,
            "plan_id": drill.plan_id,
            "held_at": held_at.astimezone(UTC).isoformat(),
            "year": drill.year,
            "participants": participants,
            "score": float(data.score) if data.score is not None else None,
            "findings": [finding.finding for finding in findings],
            "follow_ups": follow_ups_of(findings),
            # Who recorded it owns the follow-ups the ledger makes of its findings.
            "recorded_by": actor.id,
        },
    )
    await session.commit()
    return _drill_read(drill, findings)


async def last_drills_by_plan(session: AsyncSession) -> dict[str, datetime]:
    """When each plan was last drilled (its latest recorded drill), for readiness."""
    rows = await session.execute(
        select(Drill.plan_id, func.max(Drill.held_at))
        .where(Drill.status == DrillStatus.recorded.value)
        .group_by(Drill.plan_id)
    )
    return {plan_id: _utc(held_at) for plan_id, held_at in rows if held_at is not None}


def _utc(moment: datetime | Any) -> datetime:
    # An aggregate skips the column type: SQLite gives a naive UTC string or datetime back.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
