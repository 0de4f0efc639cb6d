"""The rules of emergency plans: documents kept in versions, draft → active → retired, one
plan in force per incident type, and matching an incident to the plan it runs under.

Versioning: an incident records the plan version it ran under, so a version, once written,
never changes. Every edit that changes the document writes a new version, whatever
the plan's status, and the plan's status carries over to it: editing a draft makes a newer
draft, editing an active plan makes version n+1 the active one at once. A version is never
rewritten in place, so the version number is also the ETag a stale edit is caught by, and
an incident that ran under version n reads version n back unchanged. A retired plan is a
record and is not edited.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from emergency_svc.events import EmergencyEvent
from emergency_svc.incident_types.service import ensure_known_types
from emergency_svc.plans import policy
from emergency_svc.plans.document import PlanDocument, PlanKind
from emergency_svc.plans.models import (
    EmergencyPlan,
    MatchedPlan,
    PlanCreate,
    PlanEdit,
    PlanIncidentType,
    PlanRead,
    PlanStatus,
    PlanSummary,
    PlanVersion,
    PlanVersionRead,
    PlanVersionSummary,
)
from guanjia_shared.auth import Principal
from guanjia_shared.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page

# ---------------------------------------------------------------------------------------
# Matching: what incidents call.


async def matching_plan(session: AsyncSession, incident_type: str) -> MatchedPlan | None:
    """The plan an incident of `incident_type` runs under: the active special plan covering
    the type, else the active master plan (总体预案 covers what no special plan does), else
    None. Drafts and retired plans are never matched."""
    plan = await session.scalar(
        select(EmergencyPlan)
        .join(PlanIncidentType, PlanIncidentType.plan_id == EmergencyPlan.id)
        .where(
            PlanIncidentType.incident_type == incident_type,
            PlanIncidentType.in_force.is_(True),
        )
    )
    if plan is None:
        plan = await _active_master_plan(session)
    if plan is None:
        return None
    return await plan_version(session, plan.id, plan.version)


async def plan_version(session: AsyncSession, plan_id: str, version: int) -> MatchedPlan:
    """Version `version` of the plan, as it was written (what an incident ran under)."""
    plan = await get_plan(session=session, plan_id=plan_id)
    found = await _version_row(session, plan_id, version)
    return MatchedPlan(
        plan_id=plan.id,
        code=plan.code,
        version=found.version,
        document=PlanDocument.model_validate(found.document),
    )


# ---------------------------------------------------------------------------------------
# Reading.


async def get_plan(*, session: AsyncSession, plan_id: str) -> EmergencyPlan:
    plan = await session.get(EmergencyPlan, plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    return plan


async def read_plan(*, session: AsyncSession, plan_id: str) -> PlanRead:
    """The plan as its current version states it."""
    plan = await get_plan(session=session, plan_id=plan_id)
    return _plan_read(plan, await _version_row(session, plan.id, plan.version))


async def list_plans(
    *,
    session: AsyncSession,
    page: PageParams,
    kind: PlanKind | None = None,
    status: PlanStatus | None = None,
    incident_type: str | None = None,
) -> tuple[list[EmergencyPlan], int]:
    query = select(EmergencyPlan).order_by(EmergencyPlan.code)
    if kind is not None:
        query = query.where(EmergencyPlan.kind == kind.value)
    if status is not None:
        query = query.where(EmergencyPlan.status == status.value)
    if incident_type is not None:
        query = query.where(
            EmergencyPlan.id.in_(
                select(PlanIncidentType.plan_id).where(
                    PlanIncidentType.incident_type == incident_type
                )
            )
        )
    return await fetch_page(session, query, page)


async def list_versions(
    *, session: AsyncSession, plan_id: str, page: PageParams
) -> tuple[list[PlanVersionSummary], int]:
    await get_plan(session=session, plan_id=plan_id)
    query = select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.version)
    rows, total = await fetch_page(session, query, page)
    return [
        PlanVersionSummary(
            plan_id=row.plan_id,
            version=row.version,
            title=row.document["title"],
            created_at=row.created_at,
            created_by=row.created_by,
        )
        for row in rows
    ], total


async def get_version(*, session: AsyncSession, plan_id: str, version: int) -> PlanVersionRead:
    await get_plan(session=session, plan_id=plan_id)
    found = await _version_row(session, plan_id, version)
    return PlanVersionRead(
        **found.document,
        plan_id=found.plan_id,
        version=found.version,
        created_at=found.created_at,
        created_by=found.created_by,
    )


# ---------------------------------------------------------------------------------------
# Writing.


async def create_plan(*, session: AsyncSession, data: PlanCreate, actor: Principal) -> PlanRead:
    """A new plan is a draft at version 1."""
    policy.ensure_may_keep(actor)
    document = PlanDocument.model_validate(data.model_dump(exclude={"code"}))
    await ensure_known_types(session, document.incident_types, "#/incident_types")
    await _ensure_code_free(session, data.code)
    plan = EmergencyPlan(
        code=data.code,
        title=document.title,
        kind=document.kind.value,
        incident_types=list(document.incident_types),
        status=PlanStatus.draft.value,
        version=1,
        created_by=actor.id,
    )
    session.add(plan)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent create took the code after our check
        await session.rollback()
        raise _code_taken(data.code) from exc
    written = _new_version(plan, document, actor)
    session.add(written)
    await _record_coverage(session, plan)
    await session.flush()
    await _record_plan_event(session, EmergencyEvent.plan_created, plan, actor)
    await session.commit()
    return _plan_read(plan, written)


async def edit_plan(
    *,
    session: AsyncSession,
    plan_id: str,
    data: PlanEdit,
    actor: Principal,
    expected_version: int | None = None,
) -> PlanRead:
    """The parts given replace those of the current version, as a new version (see the
    module's docstring); an edit that changes nothing writes nothing."""
    policy.ensure_may_keep(actor)
    plan = await get_plan(session=session, plan_id=plan_id)
    _ensure_at_version(plan, expected_version)
    if plan.status == PlanStatus.retired:
        raise Conflict(
            f"plan {plan.code} is retired; it stays as the record incidents ran under",
            rule="retired-plan-is-not-edited",
        )
    current = await _version_row(session, plan.id, plan.version)
    document = _valid_document(current.document | data.model_dump(exclude_unset=True, mode="json"))
    if document == PlanDocument.model_validate(current.document):
        return _plan_read(plan, current)
    await ensure_known_types(session, document.incident_types, "#/incident_types")
    if plan.status == PlanStatus.active:
        # The new version is in force at once, so it must not take another plan's place.
        await _ensure_no_other_plan_in_force(session, plan.id, document)
    previous = plan.version
    async with _refusing_a_second_plan_in_force(session, plan.id, document):
        moved = await session.execute(
            update(EmergencyPlan)
            .where(
                EmergencyPlan.id == plan.id,
                EmergencyPlan.version == previous,
                EmergencyPlan.status == plan.status,
            )
            .values(
                version=previous + 1,
                title=document.title,
                kind=document.kind.value,
                incident_types=list(document.incident_types),
            )
            .execution_options(synchronize_session=False)
        )
        _ensure_moved(moved.rowcount, plan)
        await session.refresh(plan)
        await _record_coverage(session, plan)
    written = _new_version(plan, document, actor)
    session.add(written)
    await session.flush()
    await _record_plan_event(
        session, EmergencyEvent.plan_updated, plan, actor, previous_version=previous
    )
    await session.commit()
    return _plan_read(plan, written)


async def activate_plan(
    *,
    session: AsyncSession,
    plan_id: str,
    actor: Principal,
    expected_version: int | None = None,
) -> PlanRead:
    """draft → active: incidents of its types (any type, for the master plan) now run
    under its current version. At most one special plan is in force per incident type,
    and one master plan."""
    policy.ensure_may_keep(actor)
    plan = await get_plan(session=session, plan_id=plan_id)
    _ensure_at_version(plan, expected_version)
    if plan.status != PlanStatus.draft:
        raise Conflict(
            f"plan {plan.code} is {plan.status}; only a draft is activated",
            rule="plan-activates-from-draft",
        )
    current = await _version_row(session, plan.id, plan.version)
    document = PlanDocument.model_validate(current.document)
    await _ensure_no_other_plan_in_force(session, plan.id, document)
    async with _refusing_a_second_plan_in_force(session, plan.id, document):
        await _move(session, plan, PlanStatus.draft, PlanStatus.active)
        await _record_coverage(session, plan)
    await _record_plan_event(session, EmergencyEvent.plan_activated, plan, actor)
    await session.commit()
    return _plan_read(plan, current)


async def retire_plan(
    *,
    session: AsyncSession,
    plan_id: str,
    actor: Principal,
    expected_version: int | None = None,
) -> PlanRead:
    """active → retired: no incident is matched to it any more; its versions stay readable
    for the incidents that ran under them."""
    policy.ensure_may_keep(actor)
    plan = await get_plan(session=session, plan_id=plan_id)
    _ensure_at_version(plan, expected_version)
    if plan.status != PlanStatus.active:
        raise Conflict(
            f"plan {plan.code} is {plan.status}; only an active plan is retired",
            rule="plan-retires-from-active",
        )
    await _move(session, plan, PlanStatus.active, PlanStatus.retired)
    await _record_coverage(session, plan)
    await _record_plan_event(session, EmergencyEvent.plan_retired, plan, actor)
    await session.commit()
    return _plan_read(plan, await _version_row(session, plan.id, plan.version))


# ---------------------------------------------------------------------------------------
# The rules' parts.


async def _ensure_no_other_plan_in_force(
    session: AsyncSession, plan_id: str, document: PlanDocument
) -> None:
    """Two plans in force for one incident would leave it unclear whose procedures run."""
    if document.kind == PlanKind.master:
        other = await _active_master_plan(session)
        if other is not None and other.id != plan_id:
            raise Conflict(
                f"master plan {other.code} is already active; retire it first",
                rule="one-active-master-plan",
                active_plan_id=other.id,
                active_plan_code=other.code,
            )
        return
    clash = (
        await session.execute(
            select(PlanIncidentType.incident_type, EmergencyPlan.id, EmergencyPlan.code)
            .join(EmergencyPlan, EmergencyPlan.id == PlanIncidentType.plan_id)
            .where(
                PlanIncidentType.in_force.is_(True),
                PlanIncidentType.incident_type.in_(document.incident_types),
                PlanIncidentType.plan_id != plan_id,
            )
            .order_by(PlanIncidentType.incident_type)
        )
    ).first()
    if clash is not None:
        incident_type, other_id, other_code = clash
        raise Conflict(
            f"incident type {incident_type} is already covered by active plan {other_code}; "
            "retire it first",
            rule="one-active-plan-per-incident-type",
            incident_type=incident_type,
            active_plan_id=other_id,
            active_plan_code=other_code,
        )


async def _active_master_plan(session: AsyncSession) -> EmergencyPlan | None:
    return await session.scalar(
        select(EmergencyPlan).where(
            EmergencyPlan.kind == PlanKind.master.value,
            EmergencyPlan.status == PlanStatus.active.value,
        )
    )


async def _move(
    session: AsyncSession, plan: EmergencyPlan, source: PlanStatus, target: PlanStatus
) -> None:
    """Compare-and-set on status and version: of two moves (or a move and an edit) made
    from the same reading, one wins and the other is told to read again."""
    moved = await session.execute(
        update(EmergencyPlan)
        .where(
            EmergencyPlan.id == plan.id,
            EmergencyPlan.status == source.value,
            EmergencyPlan.version == plan.version,
        )
        .values(status=target.value)
        .execution_options(synchronize_session=False)
    )
    _ensure_moved(moved.rowcount, plan)
    await session.refresh(plan)


def _ensure_moved(rowcount: int, plan: EmergencyPlan) -> None:
    if rowcount != 1:
        raise PreconditionFailed(f"plan {plan.code} was changed meanwhile; read it again")


async def _record_coverage(session: AsyncSession, plan: EmergencyPlan) -> None:
    """Rewrite the plan's rows of incident types from its current heading; they are in
    force only while it is an active special plan."""
    in_force = plan.status == PlanStatus.active and plan.kind == PlanKind.special
    await session.execute(delete(PlanIncidentType).where(PlanIncidentType.plan_id == plan.id))
    if plan.incident_types:
        await session.execute(
            insert(PlanIncidentType),
            [
                {"plan_id": plan.id, "incident_type": code, "in_force": in_force}
                for code in plan.incident_types
            ],
        )
    await session.flush()


@contextlib.asynccontextmanager
async def _refusing_a_second_plan_in_force(
    session: AsyncSession, plan_id: str, document: PlanDocument
) -> AsyncIterator[None]:
    """Around a write that puts a plan in force: when a concurrent activation got in after
    our check, the unique indexes refuse the write, and the caller is told which plan is
    now in force, as the check would have said."""
    try:
        yield
    except IntegrityError as exc:
        await session.rollback()
        await _ensure_no_other_plan_in_force(session, plan_id, document)
        raise Conflict(
            "another plan for these incident types was put in force meanwhile; read again",
            rule="one-active-plan-per-incident-type",
        ) from exc


def _valid_document(data: dict[str, Any]) -> PlanDocument:
    """The merged document, or a 422 pointing at each part at fault."""
    try:
        return PlanDocument.model_validate(data)
    except ValidationError as exc:
        errors = [
            {
                "detail": error["msg"],
                "pointer": "#/" + "/".join(str(part) for part in error["loc"]),
            }
            for error in exc.errors()
        ]
        raise InvalidInput(
            "; ".join(f"{e['pointer']}: {e['detail']}" for e in errors), errors=errors
        ) from exc


def _ensure_at_version(plan: EmergencyPlan, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != plan.version:
        raise PreconditionFailed(
            f"plan {plan.code} is at version {plan.version}, not {expected_version}"
        )


def _new_version(plan: EmergencyPlan, document: PlanDocument, actor: Principal) -> PlanVersion:
    return PlanVersion(
        plan_id=plan.id,
        version=plan.version,
        document=document.model_dump(mode="json"),
        created_by=actor.id,
    )


async def _version_row(session: AsyncSession, plan_id: str, version: int) -> PlanVersion:
    found = await session.get(PlanVersion, (plan_id, version))
    if found is None:
        raise NotFound(f"no version {version} of plan {plan_id}")
    return found


def _plan_read(plan: EmergencyPlan, version: PlanVersion) -> PlanRead:
    return PlanRead(
        **version.document,
        id=plan.id,
        code=plan.code,
        status=PlanStatus(plan.status),
        version=plan.version,
        created_at=plan.created_at,
        created_by=plan.created_by,
        updated_at=version.created_at,
        updated_by=version.created_by,
    )


def _code_taken(code: str) -> Conflict:
    return Conflict(f"plan code {code} is already used", rule="unique-plan-code")


async def _ensure_code_free(session: AsyncSession, code: str) -> None:
    if await session.scalar(select(EmergencyPlan.id).where(EmergencyPlan.code == code)):
        raise _code_taken(code)


async def _record_plan_event(
    session: AsyncSession,
    event_type: EmergencyEvent,
    plan: EmergencyPlan,
    actor: Principal,
    **extra: Any,
) -> None:
    """The plan's heading as it now stands (not its whole document), with its version."""
    data = PlanSummary.model_validate(plan).model_dump(mode="json")
    await record_event(
        session, event_type, subject=plan.id, data={**data, **extra, "actor": actor.id}
    )
