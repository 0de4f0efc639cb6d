"""The rules of nonconformities and corrective actions (the stages: models.py; who:
policy.py; the automatic ones: automatic.py).

- Opened by hand from an audit's finding or a complaint, against a procedure the register
  has (422 at `#/procedure_code` otherwise); it starts at `containment`.
- The stages go in order (409 `nonconformity-stage-order`, naming the stage it is at and
  the one the move needs): containment recorded → root cause, with whether similar cases
  exist elsewhere → corrective actions, any number, each a ledger item made through the
  items' own `add_item` in the year's corrective-action plan (source `{service: "ledger",
  ref: <nonconformity id>}`), so the exception sweep and the leaders' interventions take
  them as any item → the effectiveness check, which starts only with at least one action
  (409 `actions-before-check`) and every action done (409 `actions-done-before-check`),
  and waits `EFFECTIVENESS_CHECK_DAYS` → the verdict, with its evidence, not before that
  day (409 `effectiveness-check-not-due`); not effective sends it back to corrective
  actions (ISO 9001:2015 10.2.1 f: further action), its verdict kept in the moves →
  closed, only with an effective verdict and its evidence (409
  `close-needs-effective-verdict`).
- A closed nonconformity changes no more (409 `nonconformity-closed`).

Every write locks the nonconformity's row first (FOR UPDATE on PostgreSQL; SQLite has one
writer), so two moves on one nonconformity take turns; each writes its move row and its
`ledger.nonconformity.*` event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, PreconditionFailed, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ledger_svc.config import Settings
from ledger_svc.events import LedgerEvent
from ledger_svc.exceptions.service import exception_thresholds
from ledger_svc.items.models import Item, ItemCreate, ItemStatus, SourceIn
from ledger_svc.items.service import add_item
from ledger_svc.nonconformities import policy
from ledger_svc.nonconformities.exports import capa_workbook
from ledger_svc.nonconformities.models import (
    ActionCreate,
    ActionRead,
    Closing,
    Containment,
    CorrectiveAction,
    MoveKind,
    MoveRead,
    Nonconformity,
    NonconformityDetail,
    NonconformityMove,
    NonconformityOpen,
    NonconformityRead,
    NonconformitySignal,
    RootCause,
    SignalRead,
    Source,
    Stage,
    Verdict,
)
from ledger_svc.plans.service import corrective_plan
from ledger_svc.quality.models import ProcedureDocument

# Corrective actions are ledger items whose source is the nonconformity.
ITEM_SOURCE = "ledger"

# --- reading -------------------------------------------------------------------------------


async def list_nonconformities(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    page: PageParams,
    **filters: Any,
) -> tuple[list[Nonconformity], int]:
    """Newest first, those `actor` may read; `filters` as `_list_query` takes them."""
    return await fetch_page(session, _list_query(actor, quality_office, **filters), page)


async def capa_spreadsheet(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, **filters: Any
) -> tuple[str, bytes]:
    """Every nonconformity the list would answer, in its order, with its corrective actions,
    as an .xlsx file (exports.py): its file name and content."""
    nonconformities = list(
        (await session.execute(_list_query(actor, quality_office, **filters))).scalars().all()
    )
    actions = {n.id: await actions_of(session, n.id) for n in nonconformities}
    today = bureau_today()
    return f"capa-{today.isoformat()}.xlsx", capa_workbook(nonconformities, actions, today=today)


def _list_query(
    actor: Principal,
    quality_office: str | None,
    *,
    stage: Stage | None = None,
    open_: bool | None = None,
    source: Source | None = None,
    department: str | None = None,
    procedure_code: str | None = None,
) -> Select[Any]:
    query = select(Nonconformity).where(policy.visible_nonconformities(actor, quality_office))
    if stage is not None:
        query = query.where(Nonconformity.stage == stage.value)
    if open_ is not None:
        closed = Nonconformity.stage == Stage.closed.value
        query = query.where(~closed if open_ else closed)
    if source is not None:
        query = query.where(Nonconformity.source == source.value)
    if department is not None:
        query = query.where(Nonconformity.department == department)
    if procedure_code is not None:
        query = query.where(Nonconformity.procedure_code == procedure_code)
    return query.order_by(Nonconformity.opened_at.desc(), Nonconformity.id)


async def read_nonconformity(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, nonconformity_id: str
) -> NonconformityDetail:
    nonconformity = await session.get(Nonconformity, nonconformity_id)
    if nonconformity is None or not policy.may_read(actor, nonconformity, quality_office):
        # Another department's is not told apart from none.
        raise NotFound(f"no nonconformity {nonconformity_id}")
    return await detail_of(session, nonconformity)


async def detail_of(session: AsyncSession, nonconformity: Nonconformity) -> NonconformityDetail:
    moves = (
        await session.execute(
            select(NonconformityMove)
            .where(NonconformityMove.nonconformity_id == nonconformity.id)
            .order_by(NonconformityMove.at, NonconformityMove.id)
        )
    ).scalars()
    signals = (
        await session.execute(
            select(NonconformitySignal)
            .where(NonconformitySignal.nonconformity_id == nonconformity.id)
            .order_by(NonconformitySignal.occurred_at, NonconformitySignal.event_id)
        )
    ).scalars()
    return NonconformityDetail(
        **NonconformityRead.model_validate(nonconformity).model_dump(),
        actions=await actions_of(session, nonconformity.id),
        moves=[MoveRead.model_validate(move) for move in moves],
        signals=[SignalRead.model_validate(signal) for signal in signals],
    )


async def actions_of(session: AsyncSession, nonconformity_id: str) -> list[ActionRead]:
    """The corrective actions, each with its ledger item as it stands."""
    rows = await session.execute(
        select(CorrectiveAction, Item)
        .join(Item, Item.id == CorrectiveAction.item_id)
        .where(CorrectiveAction.nonconformity_id == nonconformity_id)
        .order_by(CorrectiveAction.created_at, CorrectiveAction.id)
    )
    return [_action_read(action, item) for action, item in rows.all()]


def _action_read(action: CorrectiveAction, item: Item) -> ActionRead:
    return ActionRead(
        id=action.id,
        nonconformity_id=action.nonconformity_id,
        item_id=item.id,
        plan_id=item.plan_id,
        title=item.title,
        owner_id=item.owner_id,
        department=item.department,
        deadline=item.deadline,
        progress=item.progress,
        status=item.status,
        completed_at=item.completed_at,
        created_at=action.created_at,
        created_by=action.created_by,
    )


# --- opening -------------------------------------------------------------------------------


async def open_nonconformity(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    data: NonconformityOpen,
) -> Nonconformity:
    policy.ensure_may_open(actor, data.department, quality_office)
    procedure_id = await procedure_in_register(session, data.procedure_code)
    if procedure_id is None:
        raise invalid_field(
            f"the register has no document {data.procedure_code}", "#/procedure_code"
        )
    nonconformity = Nonconformity(
        source=data.source.value,
        audit_finding_id=data.audit_finding_id,
        complaint_ref=data.complaint_ref,
        procedure_code=data.procedure_code,
        procedure_id=procedure_id,
        department=data.department,
        description=data.description,
        opened_by=actor.id,
    )
    session.add(nonconformity)
    await session.flush()
    await record_opening(session, nonconformity, actor_id=actor.id)
    await session.commit()
    return nonconformity


async def procedure_in_register(session: AsyncSession, code: str) -> str | None:
    """The id of the register's document of `code`, if it has one."""
    return await session.scalar(select(ProcedureDocument.id).where(ProcedureDocument.code == code))


async def record_opening(
    session: AsyncSession,
    nonconformity: Nonconformity,
    *,
    actor_id: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """The opening's move and event (the automatic rules add the events that led to it)."""
    await _record_move(
        session, nonconformity, MoveKind.opened, None, actor_id, detail or {}, version=False
    )
    await record_event(
        session,
        LedgerEvent.nonconformity_opened,
        subject=nonconformity.id,
        data={**nonconformity_facts(nonconformity), **(detail or {}), "actor": actor_id},
    )


# --- the stages ----------------------------------------------------------------------------


async def record_containment(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    nonconformity_id: str,
    data: Containment,
    expected_version: int | None = None,
) -> Nonconformity:
    nonconformity = await _for_writing(
        session, actor, quality_office, nonconformity_id, expected_version
    )
    policy.ensure_may_work(actor, nonconformity, quality_office)
    _ensure_stage(nonconformity, Stage.containment, "record its containment")
    nonconformity.containment = data.containment
    return await _move(
        session,
        nonconformity,
        MoveKind.contained,
        Stage.root_cause,
        actor,
        {"containment": data.containment},
    )


async def record_root_cause(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    nonconformity_id: str,
    data: RootCause,
    expected_version: int | None = None,
) -> Nonconformity:
    nonconformity = await _for_writing(
        session, actor, quality_office, nonconformity_id, expected_version
    )
    policy.ensure_may_work(actor, nonconformity, quality_office)
    _ensure_stage(nonconformity, Stage.root_cause, "record its root cause")
    nonconformity.root_cause = data.root_cause
    nonconformity.similar_elsewhere = data.similar_elsewhere
    nonconformity.similar_cases = data.similar_cases if data.similar_elsewhere else None
    return await _move(
        session,
        nonconformity,
        MoveKind.analysed,
        Stage.corrective_actions,
        actor,
        {
            "root_cause": data.root_cause,
            "similar_elsewhere": data.similar_elsewhere,
            "similar_cases": nonconformity.similar_cases,
        },
    )


async def add_action(
    *,
    session: AsyncSession,
    actor: Principal,
    settings: Settings,
    nonconformity_id: str,
    data: ActionCreate,
) -> ActionRead:
    """A corrective action: a ledger item of the year's corrective-action plan, made by the
    items' own rules (and judged at once by the exception thresholds, as any item)."""
    nonconformity = await _for_writing(session, actor, settings.quality_office, nonconformity_id)
    policy.ensure_may_work(actor, nonconformity, settings.quality_office)
    _ensure_stage(nonconformity, Stage.corrective_actions, "add a corrective action")
    plan = await corrective_plan(session, bureau_today().year)
    item = await add_item(
        session,
        plan,
        ItemCreate(
            title=data.title,
            target=data.target,
            breakdown=_provenance(nonconformity),
            quality_requirement=data.quality_requirement,
            owner_id=data.owner_id,
            department=data.department or nonconformity.department,
            deadline=data.deadline,
            source=SourceIn(service=ITEM_SOURCE, ref=nonconformity.id),
        ),
        actor_id=actor.id,
        thresholds=exception_thresholds(settings),
    )
    action = CorrectiveAction(
        nonconformity_id=nonconformity.id, item_id=item.id, created_by=actor.id
    )
    session.add(action)
    await session.flush()
    read = _action_read(action, item)
    await _move(
        session,
        nonconformity,
        MoveKind.action_added,
        Stage.corrective_actions,
        actor,
        {"action_id": action.id, "item_id": item.id, "title": item.title},
        event=LedgerEvent.nonconformity_action_added,
        extra={"action": read.model_dump(mode="json")},
    )
    return read


def _provenance(nonconformity: Nonconformity) -> str:
    opened = nonconformity.opened_at.date().isoformat()
    return (
        f"来源：不符合项（{Source(nonconformity.source).label}，程序文件 "
        f"{nonconformity.procedure_code}，{opened} 开启）的纠正措施"
    )


async def start_effectiveness_check(
    *,
    session: AsyncSession,
    actor: Principal,
    settings: Settings,
    nonconformity_id: str,
    expected_version: int | None = None,
) -> Nonconformity:
    """Every action done: the check waits `effectiveness_check_days`, so that the actions
    show (or fail to show) their effect in the work before anyone judges them."""
    nonconformity = await _for_writing(
        session, actor, settings.quality_office, nonconformity_id, expected_version
    )
    policy.ensure_may_work(actor, nonconformity, settings.quality_office)
    _ensure_stage(nonconformity, Stage.corrective_actions, "start the effectiveness check")
    actions = await actions_of(session, nonconformity.id)
    if not actions:
        raise Conflict(
            "the effectiveness of corrective actions is checked once there are some",
            rule="actions-before-check",
        )
    undone = [action.title for action in actions if action.status != ItemStatus.done]
    if undone:
        raise Conflict(
            f"{len(undone)} corrective action(s) not done yet: {', '.join(undone)}",
            rule="actions-done-before-check",
            undone=[action.item_id for action in actions if action.status != ItemStatus.done],
        )
    nonconformity.check_due_on = bureau_today() + dt.timedelta(
        days=settings.effectiveness_check_days
    )
    return await _move(
        session,
        nonconformity,
        MoveKind.check_started,
        Stage.effectiveness_check,
        actor,
        {"check_due_on": nonconformity.check_due_on.isoformat()},
    )


async def record_verdict(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    nonconformity_id: str,
    data: Verdict,
    expected_version: int | None = None,
) -> Nonconformity:
    """Effective: ready to close. Not effective: back to corrective actions for further
    action; this verdict stays in the moves, the next check makes its own."""
    nonconformity = await _for_writing(
        session, actor, quality_office, nonconformity_id, expected_version
    )
    policy.ensure_may_verify(actor, nonconformity, quality_office)
    _ensure_stage(nonconformity, Stage.effectiveness_check, "record the effectiveness verdict")
    if nonconformity.effective is not None:
        raise Conflict("the effectiveness verdict is recorded already", rule="verdict-once")
    today = bureau_today()
    if nonconformity.check_due_on is not None and today < nonconformity.check_due_on:
        raise Conflict(
            f"the effectiveness is checked from {nonconformity.check_due_on}, not on {today}",
            rule="effectiveness-check-not-due",
        )
    detail = {"effective": data.effective, "evidence": data.evidence}
    if data.effective:
        nonconformity.effective = True
        nonconformity.evidence = data.evidence
        nonconformity.verified_at = now()
        nonconformity.verified_by = actor.id
        to_stage = Stage.effectiveness_check
    else:
        nonconformity.check_due_on = None
        to_stage = Stage.corrective_actions
    return await _move(
        session,
        nonconformity,
        MoveKind.verdict_recorded,
        to_stage,
        actor,
        detail,
        event=LedgerEvent.nonconformity_verdict_recorded,
    )


async def close_nonconformity(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    nonconformity_id: str,
    data: Closing,
    expected_version: int | None = None,
) -> Nonconformity:
    nonconformity = await _for_writing(
        session, actor, quality_office, nonconformity_id, expected_version
    )
    policy.ensure_may_verify(actor, nonconformity, quality_office)
    if nonconformity.effective is not True or not nonconformity.evidence:
        raise Conflict(
            "a nonconformity is closed only with the verdict that its corrective actions were "
            f"effective, and its evidence (it is at {nonconformity.stage})",
            rule="close-needs-effective-verdict",
            stage=nonconformity.stage,
        )
    nonconformity.closed_at = now()
    nonconformity.closed_by = actor.id
    # An automatic one frees its key: the next run of failures may open another.
    nonconformity.open_key = None
    return await _move(
        session,
        nonconformity,
        MoveKind.closed,
        Stage.closed,
        actor,
        {"note": data.note},
        event=LedgerEvent.nonconformity_closed,
    )


# --- the writing's parts -------------------------------------------------------------------


async def _for_writing(
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    nonconformity_id: str,
    expected_version: int | None = None,
) -> Nonconformity:
    """The nonconformity, locked for the rest of the transaction, and not closed. One the
    actor may not read is not found, as when reading it."""
    nonconformity = await session.get(Nonconformity, nonconformity_id, with_for_update=True)
    if nonconformity is None or not policy.may_read(actor, nonconformity, quality_office):
        raise NotFound(f"no nonconformity {nonconformity_id}")
    if nonconformity.stage == Stage.closed:
        raise Conflict(
            f"nonconformity {nonconformity_id} is closed; it changes no more",
            rule="nonconformity-closed",
        )
    if expected_version is not None and expected_version != nonconformity.version:
        raise PreconditionFailed(
            f"it is at version {nonconformity.version}, not {expected_version}"
        )
    return nonconformity


def _ensure_stage(nonconformity: Nonconformity, needed: Stage, move: str) -> None:
    if nonconformity.stage != needed:
        raise Conflict(
            f"to {move} the nonconformity must be at {needed.value} ({needed.label}); "
            f"it is at {nonconformity.stage}",
            rule="nonconformity-stage-order",
            stage=nonconformity.stage,
            needed=needed.value,
        )


async def _move(
    session: AsyncSession,
    nonconformity: Nonconformity,
    kind: MoveKind,
    to_stage: Stage,
    actor: Principal,
    detail: dict[str, Any],
    *,
    event: LedgerEvent = LedgerEvent.nonconformity_stage_changed,
    extra: dict[str, Any] | None = None,
) -> Nonconformity:
    from_stage = nonconformity.stage
    nonconformity.stage = to_stage.value
    await _record_move(session, nonconformity, kind, from_stage, actor.id, detail)
    await record_event(
        session,
        event,
        subject=nonconformity.id,
        data={
            **nonconformity_facts(nonconformity),
            "move": kind.value,
            "from_stage": from_stage,
            **(extra or {}),
            "actor": actor.id,
        },
    )
    await session.commit()
    return nonconformity


async def _record_move(
    session: AsyncSession,
    nonconformity: Nonconformity,
    kind: MoveKind,
    from_stage: str | None,
    actor_id: str | None,
    detail: dict[str, Any],
    *,
    version: bool = True,
) -> None:
    if version:
        nonconformity.version += 1
    session.add(nonconformity)
    session.add(
        NonconformityMove(
            nonconformity_id=nonconformity.id,
            kind=kind.value,
            from_stage=from_stage,
            to_stage=nonconformity.stage,
            actor=actor_id,
            detail=detail,
        )
    )
    await session.flush()


def nonconformity_facts(nonconformity: Nonconformity) -> dict[str, Any]:
    """What every `ledger.nonconformity.*` event carries: the nonconformity without its
    texts (description, containment, root cause, evidence are read from the API)."""
    return {
        "id": nonconformity.id,
        "source": nonconformity.source,
        "audit_finding_id": nonconformity.audit_finding_id,
        "complaint_ref": nonconformity.complaint_ref,
        "procedure_code": nonconformity.procedure_code,
        "procedure_id": nonconformity.procedure_id,
        "department": nonconformity.department,
        "stage": nonconformity.stage,
        "trigger": nonconformity.trigger,
        "commitment_id": nonconformity.commitment_id,
        "commitment_code": nonconformity.commitment_code,
        "opened_at": nonconformity.opened_at.isoformat(),
        "check_due_on": (
            nonconformity.check_due_on.isoformat() if nonconformity.check_due_on else None
        ),
        "effective": nonconformity.effective,
        "closed_at": nonconformity.closed_at.isoformat() if nonconformity.closed_at else None,
        "version": nonconformity.version,
    }
