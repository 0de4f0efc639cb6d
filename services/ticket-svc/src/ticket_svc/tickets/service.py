"""The rules of a ticket's life.

Status: new → in_progress → resolved → closed; resolved → reopened → in_progress;
in_progress ⇄ waiting_requester. The first receiver owns the ticket until a department
head hands it on (with a reason). A request filed by a unit's own staff is owned by nobody
until an agent (or the head) of its department takes it, and so becomes its first
receiver; its response clock runs from the filing all the same. The owner's first action
(start, a comment, a coordination, a wait, a resolution) meets the response commitment and
moves a new or reopened ticket to in_progress. Every change appends to the ticket's
history, from which its SLA clocks are worked out again (sla.py), and is written with its
event in one transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import ColumnElement, func, insert, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal, Role
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, Forbidden, NotFound, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.calendars.service import load_working_calendar
from ticket_svc.calendars.working_time import (
    WorkingCalendar,
    add_working_time,
    end_of_working_days,
)
from ticket_svc.commitments.service import commitment_with_terms
from ticket_svc.config import Settings
from ticket_svc.tickets import policy as scope  # renamed below
from ticket_svc.tickets.models import (
    Channel,
    CommentIn,
    ConfirmIn,
    CoordinateIn,
    Coordination,
    CoordinationCompleteIn,
    CoordinationStatus,
    EventKind,
    ResolveIn,
    Ticket,
    TicketAlert,
    TicketCreate,
    TicketEvent,
    TicketSort,
    TicketStatus,
    TransferIn,
    WaitIn,
)
from ticket_svc.tickets.sla import (
    ClockReading,
    HistoryEntry,
    resolve_clock,
    response_clock,
    state_of,
    worst,
)
from ticket_svc.tickets.thresholds import (
    CoordinationDeadline,
    Threshold,
    clock_thresholds,
    coordination_thresholds,
    next_check_at,
    pending,
)

ACTIVE = (TicketStatus.new, TicketStatus.in_progress, TicketStatus.reopened)
UNSTARTED = (TicketStatus.new, TicketStatus.reopened)


@dataclass(frozen=True)
class SlaPolicy:
    warning_share: float = 0.8
    leader_share: float = 1.5
    auto_confirm_working_days: int = 3

    @classmethod
    def from_settings(cls, settings: Settings) -> SlaPolicy:
        return cls(
            warning_share=settings.sla_warning_percent / 100,
            leader_share=settings.leader_escalation_percent / 100,
            auto_confirm_working_days=settings.auto_confirm_working_days,
        )


# --- reading ---------------------------------------------------------------------------


def sla_state(ticket: Ticket, moment: dt.datetime, policy: SlaPolicy) -> str:
    """The worse of the two clocks at `moment`, from the columns the last event left."""
    response = state_of(
        moment=moment,
        running=ticket.responded_at is None,
        warn_at=ticket.response_warn_at,
        due_at=ticket.response_due_at,
        elapsed=dt.timedelta(seconds=ticket.response_working_seconds or 0),
        budget=dt.timedelta(seconds=ticket.response_budget_seconds),
        warning_share=policy.warning_share,
        finished=True,
    )
    resolve = state_of(
        moment=moment,
        running=ticket.resolve_running,
        warn_at=ticket.resolve_warn_at,
        due_at=ticket.resolve_due_at,
        elapsed=dt.timedelta(seconds=ticket.resolve_working_seconds),
        budget=dt.timedelta(seconds=ticket.resolve_budget_seconds),
        warning_share=policy.warning_share,
        finished=ticket.status in (TicketStatus.resolved, TicketStatus.closed),
    )
    return worst(response, resolve)


def ticket_view(
    ticket: Ticket, moment: dt.datetime, policy: SlaPolicy, viewer: Principal
) -> dict[str, Any]:
    return {
        **{column: getattr(ticket, column) for column in VIEW_COLUMNS},
        "requester": {
            "name": ticket.requester_name,
            "unit_id": ticket.requester_unit_id,
            "phone": ticket.requester_phone,
        },
        "sla_state": sla_state(ticket, moment, policy),
        "sla_paused": ticket.status == TicketStatus.waiting_requester,
        "rating_code": ticket.rating_code if scope.is_handed_rating_code(viewer, ticket) else None,
    }


VIEW_COLUMNS = (
    "id",
    "title",
    "description",
    "channel",
    "status",
    "requester_unit_id",
    "commitment_code",
    "commitment_version",
    "department",
    "building_id",
    "room_id",
    "first_receiver",
    "owner",
    "created_at",
    "responded_at",
    "resolved_at",
    "closed_at",
    "response_due_at",
    "resolve_due_at",
    "waiting_reason",
    "confirm_due_at",
    "satisfied",
    "rating",
    "reopen_count",
    "sla_met",
)


async def list_tickets(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    status: TicketStatus | None = None,
    department: str | None = None,
    owner: str | None = None,
    commitment_code: str | None = None,
    requester_unit_id: str | None = None,
    unassigned: bool | None = None,
    sort: TicketSort = TicketSort.newest,
) -> tuple[list[Ticket], int]:
    """A page of the tickets the viewer sees, newest first or soonest next deadline first
    (`sort`), and how many there are.
    `unassigned`: only the requests nobody has taken yet (True), or only taken ones."""
    filters = [
        column == value
        for column, value in {
            Ticket.status: status,
            Ticket.department: department,
            Ticket.owner: owner,
            Ticket.commitment_code: commitment_code,
            Ticket.requester_unit_id: requester_unit_id,
        }.items()
        if value is not None
    ]
    if unassigned is not None:
        filters.append(Ticket.owner.is_(None) if unassigned else Ticket.owner.is_not(None))
    order = (
        (Ticket.created_at.desc(), Ticket.id)
        if sort == TicketSort.newest
        else (Ticket.next_due_at.asc().nulls_last(), Ticket.id)
    )
    # The page's ids first, then their rows: an index holding the ids in this order finds
    # a deep page without reading the rows it skips.
    ids = (
        select(Ticket.id)
        .where(scope.visible_tickets(viewer), *filters)
        .order_by(*order)
        .limit(page.limit)
        .offset(page.offset)
    )
    rows = await session.execute(select(Ticket).where(Ticket.id.in_(ids)).order_by(*order))
    return list(rows.scalars().all()), await _count_visible(session, viewer, filters)


async def _count_visible(
    session: AsyncSession, viewer: Principal, filters: list[ColumnElement[bool]]
) -> int:
    """How many tickets the viewer sees: the first of their sight lines counted on its own
    (from an index, however many), the rest as the union of their ids, leaving out the
    first's so that none is counted twice. The first line's column is never null, so
    NOT leaves out exactly its tickets."""
    lines = scope.sight_lines(viewer)
    if lines is None:
        lines = [true()]
    if not lines:
        return 0
    first, *rest = lines
    total = await session.scalar(select(func.count()).select_from(Ticket).where(first, *filters))
    if rest:
        others = union(*(select(Ticket.id).where(line, ~first, *filters) for line in rest))
        total += await session.scalar(select(func.count()).select_from(others.subquery()))
    return int(total or 0)


async def get_ticket(
    session: AsyncSession, ticket_id: str, viewer: Principal, *, for_update: bool = False
) -> Ticket:
    query = select(Ticket).where(Ticket.id == ticket_id, scope.visible_tickets(viewer))
    if for_update:
        # Actions on one ticket take turns (PostgreSQL row lock; SQLite writes are serial).
        query = query.with_for_update(of=Ticket)
    ticket = await session.scalar(query)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id}")
    return ticket


async def list_history(
    *,
    session: AsyncSession,
    ticket_id: str,
    viewer: Principal,
    page: PageParams,
    kind: EventKind | None = None,
) -> tuple[list[TicketEvent], int]:
    await get_ticket(session, ticket_id, viewer)
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    if kind is not None:
        query = query.where(TicketEvent.kind == kind.value)
    return await fetch_page(session, query, page)


async def list_coordinations(
    *, session: AsyncSession, ticket_id: str, viewer: Principal
) -> list[Coordination]:
    await get_ticket(session, ticket_id, viewer)
    return list(await _coordinations(session, ticket_id))


# --- opening ---------------------------------------------------------------------------


async def open_ticket(
    *, session: AsyncSession, data: TicketCreate, actor: Principal, policy: SlaPolicy
) -> Ticket:
    """A request, taken by the bureau's staff (who become its first receiver and owner) or
    filed by a unit's own staff for their unit (untaken until an agent takes it)."""
    taker = actor.id if actor.has_any(*scope.RECEIVERS) else None
    requester_name, requester_unit_id = _requester(data, actor, taken=taker is not None)
    published, terms = await commitment_with_terms(session, data.commitment_code)
    if not published:
        raise invalid_field(
            f"commitment {data.commitment_code} is not published", "#/commitment_code"
        )
    # The requester's unit is taken as given: a unit created a moment ago may not have
    # reached this service's replica yet, and the request must not wait for it.
    ticket = _new_ticket(
        title=data.title,
        description=data.description,
        channel=data.channel.value,
        requester_name=requester_name,
        requester_unit_id=requester_unit_id,
        requester_phone=data.requester.phone,
        building_id=data.building_id,
        room_id=data.room_id,
        commitment_id=terms.commitment_id,
        commitment_code=data.commitment_code,
        commitment_version=terms.version,
        department=terms.department,
        calendar_id=terms.calendar_id,
        response_budget_seconds=terms.response_minutes * 60,
        resolve_budget_seconds=terms.resolve_hours * 3600,
        first_receiver=taker,
        owner=taker,
        created_at=now(),
    )
    # A new ticket's history is its creation alone, with no coordination and no alert yet:
    # its clocks are worked out from that, not read back, and the row is inserted once
    # with them (the hot path of the busiest write).
    clocks = clocks_from_history(
        await ticket_calendar(session, ticket),
        ticket,
        [HistoryEntry(EventKind.created.value, ticket.created_at)],
    )
    keep_clocks(ticket, clocks, policy, thresholds_of(ticket, clocks, policy, []), alerts=[])
    # Plain inserts on the transaction's connection, not the unit of work: the ticket is
    # complete here (its id is ours, it has no server defaults) and nothing else in this
    # transaction reads it back, so the ORM's bookkeeping would cost CPU for nothing.
    connection = await session.connection()
    await connection.execute(_INSERT_TICKET, _row_of(ticket))
    await connection.execute(
        _INSERT_TICKET_EVENT,
        {
            "ticket_id": ticket.id,
            "kind": EventKind.created.value,
            "actor": actor.id,
            "at": ticket.created_at,
            "data": {"channel": ticket.channel},
        },
    )
    await publish_ticket_event(session, "ticket.ticket.created", ticket)
    await session.commit()
    return ticket


def _requester(data: TicketCreate, actor: Principal, *, taken: bool) -> tuple[str, str | None]:
    """The requester's name and unit. The bureau's staff write down whoever asks; a unit's
    own staff file for their own unit only, under their own name unless they give one."""
    if taken:
        if data.requester.name is None:
            raise invalid_field("the requester's name is required", "#/requester/name")
        return data.requester.name, data.requester.unit_id
    if not actor.has_any(Role.unit_staff) or actor.unit_id is None:
        raise Forbidden("only the bureau's staff and a unit's own staff file requests")
    if data.requester.unit_id not in (None, actor.unit_id):
        # Not a malformed body but a request on another unit's behalf: refused for who asks.
        raise Forbidden("a unit's staff file requests for their own unit only")
    if data.channel != Channel.online:
        raise invalid_field(
            "a unit's own staff file online: the other channels are the desk's", "#/channel"
        )
    return data.requester.name or actor.display_name, actor.unit_id


_TICKETS = Ticket.__table__
_INSERT_TICKET = insert(_TICKETS)
_INSERT_TICKET_EVENT = insert(TicketEvent.__table__)
_TICKET_COLUMNS = tuple(column.key for column in _TICKETS.columns)
_TICKET_DEFAULTS = {
    name: field.default
    for name, field in Ticket.model_fields.items()
    if field.default_factory is None and not field.is_required()
}
_TICKET_DEFAULT_FACTORIES = {
    name: field.default_factory
    for name, field in Ticket.model_fields.items()
    if field.default_factory is not None
}


def _new_ticket(**values: Any) -> Ticket:
    """A new ticket as a plain object with the table's defaults: the ORM constructor
    costs some fifty instrumented attribute sets, and a new ticket is only inserted as a
    row and answered, never tracked by the session."""
    made = {name: make() for name, make in _TICKET_DEFAULT_FACTORIES.items() if name not in values}
    return cast(Ticket, SimpleNamespace(**{**_TICKET_DEFAULTS, **made, **values}))


def _row_of(ticket: Ticket) -> dict[str, Any]:
    return {column: getattr(ticket, column) for column in _TICKET_COLUMNS}


# --- taking a request filed by its unit -------------------------------------------------


async def take(
    *, session: AsyncSession, ticket_id: str, actor: Principal, policy: SlaPolicy
) -> Ticket:
    """首问负责: the first of the department's staff to take a request a unit filed becomes
    its first receiver and owner. The row lock makes takers queue; the second finds it
    taken."""
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not scope.works_in(actor, ticket.department):
        raise Forbidden("only an agent or the head of the ticket's department takes it")
    if ticket.owner is not None:
        raise Conflict("this request is already taken", rule="take-once")
    append_event(session, ticket, EventKind.taken, actor, now(), {})
    ticket.first_receiver = ticket.owner = actor.id
    await settle_clocks(session, ticket, policy)
    await publish_ticket_event(session, "ticket.ticket.taken", ticket)
    await session.commit()
    return ticket


# --- the owner's actions ---------------------------------------------------------------


async def start(
    *, session: AsyncSession, ticket_id: str, actor: Principal, policy: SlaPolicy
) -> Ticket:
    ticket = await _owned(session, ticket_id, actor, "start")
    if ticket.status not in UNSTARTED:
        raise _wrong_state(ticket, "start")
    _start(session, ticket, actor, now())
    return await _finish(session, ticket, policy)


async def comment(
    *, session: AsyncSession, ticket_id: str, data: CommentIn, actor: Principal, policy: SlaPolicy
) -> Ticket:
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if scope.only_reads(actor):
        raise Forbidden("an auditor reads tickets and does not comment on them")
    if ticket.status == TicketStatus.closed:
        raise _wrong_state(ticket, "comment on")
    at = now()
    if actor.id == ticket.owner and ticket.status in UNSTARTED:
        _start(session, ticket, actor, at)
    append_event(session, ticket, EventKind.commented, actor, at, {"body": data.body})
    return await _finish(session, ticket, policy)


async def coordinate(
    *,
    session: AsyncSession,
    ticket_id: str,
    data: CoordinateIn,
    actor: Principal,
    policy: SlaPolicy,
) -> Coordination:
    ticket = await _owned(session, ticket_id, actor, "ask another department for help on")
    if ticket.status not in (*ACTIVE, TicketStatus.waiting_requester):
        raise _wrong_state(ticket, "coordinate")
    if data.department == ticket.department:
        raise invalid_field("the ticket's own department already works on it", "#/department")
    at = now()
    if ticket.status in UNSTARTED:
        _start(session, ticket, actor, at)
    calendar = await ticket_calendar(session, ticket)
    coordination = Coordination(
        ticket_id=ticket.id,
        department=data.department,
        note=data.note,
        requested_by=actor.id,
        requested_at=at,
        due_at=_coordination_due(calendar, ticket, at, data.due_in_minutes),
    )
    session.add(coordination)
    await session.flush()
    append_event(
        session,
        ticket,
        EventKind.coordinated,
        actor,
        at,
        {
            "coordination_id": coordination.id,
            "department": data.department,
            "note": data.note,
            "due_at": coordination.due_at.isoformat(),
        },
    )
    await settle_clocks(session, ticket, policy, calendar)
    await publish_ticket_event(
        session,
        "ticket.ticket.coordinated",
        ticket,
        coordination_id=coordination.id,
        coordinating_department=coordination.department,
        coordination_due_at=coordination.due_at.isoformat(),
    )
    await session.commit()
    return coordination


def _coordination_due(
    calendar: WorkingCalendar, ticket: Ticket, at: dt.datetime, minutes: int | None
) -> dt.datetime:
    """The department's own deadline: as asked, else the ticket's resolution deadline while
    that is still ahead, else the commitment's whole resolution time from now."""
    if minutes is not None:
        return add_working_time(calendar, at, dt.timedelta(minutes=minutes))
    if ticket.resolve_running and ticket.resolve_due_at is not None and ticket.resolve_due_at > at:
        return ticket.resolve_due_at
    return add_working_time(calendar, at, dt.timedelta(seconds=ticket.resolve_budget_seconds))


async def complete_coordination(
    *,
    session: AsyncSession,
    ticket_id: str,
    coordination_id: str,
    data: CoordinationCompleteIn,
    actor: Principal,
    policy: SlaPolicy,
) -> Coordination:
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    coordination = await session.get(Coordination, coordination_id)
    if coordination is None or coordination.ticket_id != ticket.id:
        raise NotFound(f"no coordination {coordination_id} on ticket {ticket_id}")
    if not (actor.id == ticket.owner or scope.works_in(actor, coordination.department)):
        raise Forbidden("only the coordinating department or the owner completes its part")
    if coordination.status != CoordinationStatus.open:
        raise Conflict("this coordination is already completed", rule="complete-once")
    at = now()
    coordination.status = CoordinationStatus.completed.value
    coordination.completed_at = at
    coordination.completed_by = actor.id
    coordination.result = data.result
    append_event(
        session,
        ticket,
        EventKind.coordination_completed,
        actor,
        at,
        {
            "coordination_id": coordination.id,
            "department": coordination.department,
            "result": data.result,
            "late": at > coordination.due_at,
        },
    )
    await _finish(session, ticket, policy)
    return coordination


async def transfer(
    *, session: AsyncSession, ticket_id: str, data: TransferIn, actor: Principal, policy: SlaPolicy
) -> Ticket:
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not scope.heads_department(actor, ticket.department):
        raise Forbidden("only the head of the ticket's department hands its ownership on")
    if ticket.status == TicketStatus.closed:
        raise _wrong_state(ticket, "transfer")
    if ticket.owner is None:
        # Its first receiver is whoever takes it; a head who wants to hand it on takes it.
        raise Conflict("nobody has taken this request yet: take it first", rule="take-first")
    if data.to == ticket.owner:
        raise invalid_field("the ticket already belongs to them", "#/to")
    append_event(
        session,
        ticket,
        EventKind.transferred,
        actor,
        now(),
        {"from": ticket.owner, "to": data.to, "reason": data.reason},
    )
    previous = ticket.owner
    ticket.owner = data.to
    await settle_clocks(session, ticket, policy)
    await publish_ticket_event(
        session, "ticket.ticket.transferred", ticket, previous_owner=previous, reason=data.reason
    )
    await session.commit()
    return ticket


async def wait_for_requester(
    *, session: AsyncSession, ticket_id: str, data: WaitIn, actor: Principal, policy: SlaPolicy
) -> Ticket:
    ticket = await _owned(session, ticket_id, actor, "put on hold")
    if ticket.status not in ACTIVE:
        raise _wrong_state(ticket, "wait on the requester for")
    at = now()
    if ticket.status in UNSTARTED:
        _start(session, ticket, actor, at)
    append_event(session, ticket, EventKind.waiting, actor, at, {"reason": data.reason})
    ticket.status = TicketStatus.waiting_requester.value
    ticket.waiting_reason = data.reason
    return await _finish(session, ticket, policy)


async def resume(
    *, session: AsyncSession, ticket_id: str, actor: Principal, policy: SlaPolicy
) -> Ticket:
    """The owner goes on, or the requester's unit answers what the ticket waited on."""
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not scope.speaks_for_requester(actor, ticket):
        raise Forbidden("only the ticket's owner or the requester's unit may resume it")
    if ticket.status != TicketStatus.waiting_requester:
        raise _wrong_state(ticket, "resume")
    _resume(session, ticket, actor, now())
    return await _finish(session, ticket, policy)


async def resolve(
    *, session: AsyncSession, ticket_id: str, data: ResolveIn, actor: Principal, policy: SlaPolicy
) -> Ticket:
    ticket = await _owned(session, ticket_id, actor, "resolve")
    if ticket.status not in (*ACTIVE, TicketStatus.waiting_requester):
        raise _wrong_state(ticket, "resolve")
    open_parts = [c for c in await _coordinations(session, ticket.id) if c.status == "open"]
    if open_parts:
        departments = ", ".join(sorted({c.department for c in open_parts}))
        raise Conflict(
            f"coordination still open with {departments}: complete it first",
            rule="finish-coordinations-first",
        )
    at = now()
    if ticket.status == TicketStatus.waiting_requester:
        _resume(session, ticket, actor, at)
    if ticket.status in UNSTARTED:
        _start(session, ticket, actor, at)
    append_event(session, ticket, EventKind.resolved, actor, at, {"resolution": data.resolution})
    ticket.status = TicketStatus.resolved.value
    ticket.resolved_at = at
    # The requester's key to rating the service in public, made once: a ticket resolved
    # again keeps the code its requester was given. Kept out of the history and the event.
    if ticket.rating_code is None:
        ticket.rating_code = new_rating_code()
    calendar = await ticket_calendar(session, ticket)
    ticket.confirm_due_at = end_of_working_days(calendar, at, policy.auto_confirm_working_days)
    await settle_clocks(session, ticket, policy, calendar)
    await publish_ticket_event(
        session, "ticket.ticket.resolved", ticket, resolution=data.resolution
    )
    await session.commit()
    return ticket


def new_rating_code() -> str:
    """128 random bits, URL-safe (it goes into /rate/{code} and a QR code): unguessable."""
    return secrets.token_urlsafe(16)


# --- confirmation ----------------------------------------------------------------------


async def confirm(
    *, session: AsyncSession, ticket_id: str, data: ConfirmIn, actor: Principal, policy: SlaPolicy
) -> Ticket:
    """The requester's answer: satisfied closes the ticket, not satisfied reopens it."""
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not scope.speaks_for_requester(actor, ticket):
        raise Forbidden("only the requester's unit, or the owner on the requester's word, confirms")
    if ticket.status != TicketStatus.resolved:
        raise _wrong_state(ticket, "confirm")
    at = now()
    answer = {"satisfied": data.satisfied, "rating": data.rating, "comment": data.comment}
    append_event(session, ticket, EventKind.confirmed, actor, at, answer)
    ticket.satisfied = data.satisfied
    ticket.rating = data.rating
    ticket.confirm_comment = data.comment
    if data.satisfied:
        await _close(session, ticket, actor, at, policy)
        await session.commit()
        return ticket
    append_event(session, ticket, EventKind.reopened, actor, at, {"reason": "dissatisfied"})
    ticket.status = TicketStatus.reopened.value
    ticket.reopen_count += 1
    ticket.dissatisfied_reopens += 1
    ticket.confirm_due_at = None
    await settle_clocks(session, ticket, policy)
    await publish_ticket_event(
        session, "ticket.ticket.reopened", ticket, rating=data.rating, dissatisfied=True
    )
    await session.commit()
    return ticket


def confirm_automatically(
    session: AsyncSession, file: TicketFile, at: dt.datetime, policy: SlaPolicy
) -> TicketEventMessage:
    """Nobody answered within the working days allowed: the ticket closes without a rating.
    The caller holds the ticket's row, has checked it is resolved and due, records the
    `ticket.ticket.closed` event answered (the escalation scheduler records a batch's
    events together) and commits. Its clocks are settled from `file`, read no more."""
    ticket = file.ticket
    file.append(session, EventKind.confirmed, None, at, {"automatic": True})
    file.append(session, EventKind.closed, None, at, {})
    ticket.auto_confirmed = True
    _mark_closed(ticket, at)
    settle_file(file, policy)
    return _closed_event(ticket, at, file.coordinations)


async def _close(
    session: AsyncSession,
    ticket: Ticket,
    actor: Principal | None,
    at: dt.datetime,
    policy: SlaPolicy,
) -> None:
    """Records the close and its event; the caller commits."""
    append_event(session, ticket, EventKind.closed, actor, at, {})
    _mark_closed(ticket, at)
    file = await settle_clocks(session, ticket, policy)
    await record_event(session, *_closed_event(ticket, at, file.coordinations))


def _mark_closed(ticket: Ticket, at: dt.datetime) -> None:
    ticket.status = TicketStatus.closed.value
    ticket.closed_at = at
    ticket.confirm_due_at = None


def _closed_event(
    ticket: Ticket, at: dt.datetime, coordinations: Iterable[Coordination]
) -> TicketEventMessage:
    late = sorted(
        {
            c.department
            for c in coordinations
            if c.completed_at is not None and c.completed_at > c.due_at
        }
    )
    return ticket_event(
        "ticket.ticket.closed",
        ticket,
        sla_met=ticket.sla_met,
        rating=ticket.rating,
        satisfied=ticket.satisfied,
        auto_confirmed=ticket.auto_confirmed,
        closed_at=at.isoformat(),
        late_coordinating_departments=late,
    )


# --- the machinery ---------------------------------------------------------------------


async def _owned(session: AsyncSession, ticket_id: str, actor: Principal, what: str) -> Ticket:
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if ticket.owner is None:
        raise Forbidden(f"nobody may {what} a request before its department takes it")
    if actor.id != ticket.owner:
        raise Forbidden(f"only the ticket's owner may {what} it")
    return ticket


def _wrong_state(ticket: Ticket, what: str) -> Conflict:
    return Conflict(f"cannot {what} a ticket that is {ticket.status}", rule="ticket-state")


def append_event(
    session: AsyncSession,
    ticket: Ticket,
    kind: EventKind,
    actor: Principal | None,
    at: dt.datetime,
    data: dict[str, Any],
) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            kind=kind.value,
            actor=actor.id if actor else None,
            at=at,
            data=data,
        )
    )


def _start(session: AsyncSession, ticket: Ticket, actor: Principal, at: dt.datetime) -> None:
    append_event(session, ticket, EventKind.started, actor, at, {})
    ticket.status = TicketStatus.in_progress.value
    if ticket.responded_at is None:
        ticket.responded_at = at


def _resume(session: AsyncSession, ticket: Ticket, actor: Principal, at: dt.datetime) -> None:
    append_event(session, ticket, EventKind.resumed, actor, at, {})
    ticket.status = TicketStatus.in_progress.value
    ticket.waiting_reason = None


async def _finish(session: AsyncSession, ticket: Ticket, policy: SlaPolicy) -> Ticket:
    await settle_clocks(session, ticket, policy)
    await session.commit()
    return ticket


# The municipal default hours, Asia/Shanghai: built once, a calendar is never changed.
DEFAULT_CALENDAR = WorkingCalendar()


async def ticket_calendar(session: AsyncSession, ticket: Ticket) -> WorkingCalendar:
    return await ticket_calendar_of(session, ticket.calendar_id)


async def ticket_calendar_of(session: AsyncSession, calendar_id: str | None) -> WorkingCalendar:
    if calendar_id is None:
        return DEFAULT_CALENDAR
    return await load_working_calendar(session, calendar_id)


async def _coordinations(session: AsyncSession, ticket_id: str) -> list[Coordination]:
    query = (
        select(Coordination)
        .where(Coordination.ticket_id == ticket_id)
        .order_by(Coordination.requested_at, Coordination.id)
    )
    return list((await session.execute(query)).scalars().all())


@dataclass(frozen=True)
class Clocks:
    response: ClockReading
    resolve: ClockReading


@dataclass
class TicketFile:
    """What a ticket's clocks are worked out from: its history, its coordinations and the
    alerts raised on it. Read once (for a whole batch of tickets by the escalation
    scheduler), then kept up to date in memory by `append`."""

    ticket: Ticket
    calendar: WorkingCalendar
    history: list[HistoryEntry]
    coordinations: list[Coordination]
    alerts: set[tuple[str, str, str]]

    def clocks(self) -> Clocks:
        return clocks_from_history(self.calendar, self.ticket, self.history)

    def thresholds(self, clocks: Clocks, policy: SlaPolicy) -> list[Threshold]:
        return thresholds_of(self.ticket, clocks, policy, self.coordinations)

    def append(
        self,
        session: AsyncSession,
        kind: EventKind,
        actor: Principal | None,
        at: dt.datetime,
        data: dict[str, Any],
    ) -> None:
        """A line of history, written and known here."""
        append_event(session, self.ticket, kind, actor, at, data)
        self.history.append(HistoryEntry(kind.value, at))


async def read_ticket_files(
    session: AsyncSession,
    tickets: Sequence[Ticket],
    calendars: Mapping[str | None, WorkingCalendar],
) -> list[TicketFile]:
    """The files of `tickets` (each ticket's calendar in `calendars`, by its id), in three
    queries however many tickets: their histories, coordinations and alerts."""
    await session.flush()
    ids = [ticket.id for ticket in tickets]
    histories: dict[str, list[HistoryEntry]] = {id_: [] for id_ in ids}
    lines = await session.execute(
        select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.at)
        .where(TicketEvent.ticket_id.in_(ids))
        .order_by(TicketEvent.id)
    )
    for ticket_id, kind, at in lines:
        histories[ticket_id].append(HistoryEntry(kind, at))
    coordinations: dict[str, list[Coordination]] = {id_: [] for id_ in ids}
    parts = await session.execute(
        select(Coordination)
        .where(Coordination.ticket_id.in_(ids))
        .order_by(Coordination.requested_at, Coordination.id)
    )
    for part in parts.scalars():
        coordinations[part.ticket_id].append(part)
    alerts: dict[str, set[tuple[str, str, str]]] = {id_: set() for id_ in ids}
    raised = await session.execute(
        select(
            TicketAlert.ticket_id, TicketAlert.clock, TicketAlert.target_id, TicketAlert.threshold
        ).where(TicketAlert.ticket_id.in_(ids))
    )
    for ticket_id, *key in raised:
        alerts[ticket_id].add(tuple(key))
    return [
        TicketFile(
            ticket=ticket,
            calendar=calendars[ticket.calendar_id],
            history=histories[ticket.id],
            coordinations=coordinations[ticket.id],
            alerts=alerts[ticket.id],
        )
        for ticket in tickets
    ]


def clocks_from_history(
    calendar: WorkingCalendar, ticket: Ticket, history: list[HistoryEntry]
) -> Clocks:
    return Clocks(
        response=response_clock(
            calendar, dt.timedelta(seconds=ticket.response_budget_seconds), history
        ),
        resolve=resolve_clock(
            calendar, dt.timedelta(seconds=ticket.resolve_budget_seconds), history
        ),
    )


def thresholds_of(
    ticket: Ticket, clocks: Clocks, policy: SlaPolicy, coordinations: list[Coordination]
) -> list[Threshold]:
    shares = {
        "warning_share": policy.warning_share,
        "leader_share": policy.leader_share,
        "owned": ticket.owner is not None,
    }
    found = clock_thresholds("response", clocks.response, department=ticket.department, **shares)
    found += clock_thresholds("resolve", clocks.resolve, department=ticket.department, **shares)
    deadlines = [
        CoordinationDeadline(c.id, c.department, c.due_at, c.completed_at) for c in coordinations
    ]
    return found + coordination_thresholds(deadlines)


async def settle_clocks(
    session: AsyncSession,
    ticket: Ticket,
    policy: SlaPolicy,
    calendar: WorkingCalendar | None = None,
) -> TicketFile:
    """Work the clocks out again from the history and keep their results on the row;
    answers the file they were worked out from."""
    calendar = calendar or await ticket_calendar(session, ticket)
    [file] = await read_ticket_files(session, [ticket], {ticket.calendar_id: calendar})
    settle_file(file, policy)
    return file


def settle_file(file: TicketFile, policy: SlaPolicy) -> None:
    clocks = file.clocks()
    keep_clocks(file.ticket, clocks, policy, file.thresholds(clocks, policy), file.alerts)


_NOTHING_DUE = (TicketStatus.waiting_requester, TicketStatus.resolved, TicketStatus.closed)


def next_due_at(
    ticket: Ticket, response_due_at: dt.datetime, resolve_due_at: dt.datetime | None
) -> dt.datetime | None:
    """The deadline someone has to act by next (what sort=due orders by): none while the
    clock waits on the requester or once the ticket is resolved."""
    if ticket.status in _NOTHING_DUE:
        return None
    return response_due_at if ticket.responded_at is None else resolve_due_at


def keep_clocks(
    ticket: Ticket,
    clocks: Clocks,
    policy: SlaPolicy,
    thresholds: list[Threshold],
    alerts: Iterable[tuple[str, str, str]],
) -> None:
    """The clocks' results on the row, and when the scheduler should look at it next."""
    response, resolve = clocks.response, clocks.resolve
    paused = ticket.status == TicketStatus.waiting_requester
    finished = ticket.status in (TicketStatus.resolved, TicketStatus.closed)
    columns: dict[str, Any] = {
        "response_warn_at": response.moment_of(policy.warning_share),
        "response_due_at": response.deadline(),
        "response_working_seconds": None if response.running else _seconds(response.elapsed),
        "resolve_running": resolve.running,
        "resolve_warn_at": resolve.moment_of(policy.warning_share),
        "resolve_due_at": None if paused and not resolve.over(1.0) else resolve.deadline(),
        "resolve_working_seconds": _seconds(resolve.elapsed),
        # Judged at each resolution; a reopened ticket is judged again when resolved again.
        "sla_met": not response.over(1.0) and not resolve.over(1.0) if finished else None,
        "next_check_at": next_check_at(pending(thresholds, alerts), ticket.confirm_due_at),
    }
    columns["next_due_at"] = next_due_at(
        ticket, columns["response_due_at"], columns["resolve_due_at"]
    )
    if ticket.responded_at is not None:
        columns["response_wall_seconds"] = _seconds(ticket.responded_at - ticket.created_at)
    if finished:
        assert ticket.resolved_at is not None
        columns["resolve_wall_seconds"] = _seconds(ticket.resolved_at - ticket.created_at)
    for name, value in columns.items():
        # Only what changed: a table model's attribute costs a few µs to set, and the
        # scheduler settles a few hundred tickets a tick, most of them barely changed.
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)
    ticket.revision += 1


def _seconds(span: dt.timedelta) -> int:
    return int(span.total_seconds())


# An event as `record_events` takes it: its type, subject and data.
TicketEventMessage = tuple[str, str, dict[str, Any]]


def ticket_event(event_type: str, ticket: Ticket, **extra: Any) -> TicketEventMessage:
    """A ticket's event as the ticket stands now."""
    data = {
        "id": ticket.id,
        "title": ticket.title,
        "status": ticket.status,
        "department": ticket.department,
        "commitment": ticket.commitment_code,
        "commitment_version": ticket.commitment_version,
        "owner": ticket.owner,
        "first_receiver": ticket.first_receiver,
        "requester_unit_id": ticket.requester_unit_id,
        "building_id": ticket.building_id,
        "room_id": ticket.room_id,
        "channel": ticket.channel,
        **extra,
    }
    return event_type, ticket.id, data


async def publish_ticket_event(
    session: AsyncSession, event_type: str, ticket: Ticket, **extra: Any
) -> None:
    await record_event(session, *ticket_event(event_type, ticket, **extra))
