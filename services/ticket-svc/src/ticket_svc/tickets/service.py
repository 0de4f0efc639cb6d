"""The actions on an opened ticket (opening it is opening.py), and the lists and pages
that read tickets. One module, though long: every change of state reads beside the others
and they share their few helpers.

Status: new → in_progress → resolved → closed; resolved → reopened → in_progress;
in_progress ⇄ waiting_requester. The first receiver owns the ticket until a department
head hands it on (with a reason). A request filed by a unit's own staff is owned by nobody
until an agent (or the head) of its department takes it, and so becomes its first
receiver; its response clock runs from the filing all the same. The owner's first action
(start, a comment, a coordination, a wait, a resolution) meets the response commitment and
moves a new or reopened ticket to in_progress. Who may do each is in policy.py, enforced
here. Every change appends to the ticket's history, settles its SLA clocks again from it
(clocks.py), and is written with its event (events.py) in one transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import ColumnElement, func, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, Forbidden, NotFound, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.calendars.working_time import (
    WorkingCalendar,
    add_working_time,
    end_of_working_days,
)
from ticket_svc.events import EventType
from ticket_svc.tickets import policy
from ticket_svc.tickets.clocks import (
    SlaPolicy,
    TicketClocks,
    append_event,
    settle_clocks,
    ticket_calendar,
)
from ticket_svc.tickets.events import TicketEventMessage, closed_event, publish_ticket_event
from ticket_svc.tickets.models import (
    CommentIn,
    ConfirmIn,
    CoordinateIn,
    Coordination,
    CoordinationCompleteIn,
    CoordinationStatus,
    EventKind,
    ResolveIn,
    Ticket,
    TicketEvent,
    TicketRow,
    TicketSort,
    TicketStatus,
    TransferIn,
    WaitIn,
)

ACTIVE = (TicketStatus.new, TicketStatus.in_progress, TicketStatus.reopened)
UNSTARTED = (TicketStatus.new, TicketStatus.reopened)


# --- reading ---------------------------------------------------------------------------


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
    external_ref: str | None = None,
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
            Ticket.external_ref: external_ref,
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
        .where(policy.visible_tickets(viewer), *filters)
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
    lines = policy.sight_lines(viewer)
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
    query = select(Ticket).where(Ticket.id == ticket_id, policy.visible_tickets(viewer))
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


# --- taking a request filed by its unit -------------------------------------------------


async def take(
    *, session: AsyncSession, ticket_id: str, actor: Principal, sla: SlaPolicy
) -> Ticket:
    """首问负责: the first of the department's staff to take a request a unit filed becomes
    its first receiver and owner. The row lock makes takers queue; the second finds it
    taken."""
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not policy.works_in(actor, ticket.department):
        raise Forbidden("only an agent or the head of the ticket's department takes it")
    if ticket.owner is not None:
        raise Conflict("this request is already taken", rule="take-once")
    append_event(session, ticket, EventKind.taken, actor, now(), {})
    ticket.first_receiver = ticket.owner = actor.id
    await settle_clocks(session, ticket, sla)
    await publish_ticket_event(session, EventType.ticket_taken, ticket)
    await session.commit()
    return ticket


# --- the owner's actions ---------------------------------------------------------------


async def start(
    *, session: AsyncSession, ticket_id: str, actor: Principal, sla: SlaPolicy
) -> Ticket:
    ticket = await _owned(session, ticket_id, actor, "start")
    if ticket.status not in UNSTARTED:
        raise _wrong_state(ticket, "start")
    _start(session, ticket, actor, now())
    return await _finish(session, ticket, sla, EventType.ticket_started)


async def comment(
    *, session: AsyncSession, ticket_id: str, data: CommentIn, actor: Principal, sla: SlaPolicy
) -> Ticket:
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if policy.only_reads(actor):
        raise Forbidden("an auditor reads tickets and does not comment on them")
    if ticket.status == TicketStatus.closed:
        raise _wrong_state(ticket, "comment on")
    at = now()
    if actor.id == ticket.owner and ticket.status in UNSTARTED:
        _start(session, ticket, actor, at)
    append_event(session, ticket, EventKind.commented, actor, at, {"body": data.body})
    return await _finish(session, ticket, sla)


async def coordinate(
    *,
    session: AsyncSession,
    ticket_id: str,
    data: CoordinateIn,
    actor: Principal,
    sla: SlaPolicy,
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
    await settle_clocks(session, ticket, sla, calendar)
    await publish_ticket_event(
        session,
        EventType.ticket_coordinated,
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
    sla: SlaPolicy,
) -> Coordination:
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    coordination = await session.get(Coordination, coordination_id)
    if coordination is None or coordination.ticket_id != ticket.id:
        raise NotFound(f"no coordination {coordination_id} on ticket {ticket_id}")
    if not (actor.id == ticket.owner or policy.works_in(actor, coordination.department)):
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
    await _finish(session, ticket, sla)
    return coordination


async def transfer(
    *, session: AsyncSession, ticket_id: str, data: TransferIn, actor: Principal, sla: SlaPolicy
) -> Ticket:
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not policy.heads_department(actor, ticket.department):
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
    await settle_clocks(session, ticket, sla)
    await publish_ticket_event(
        session, EventType.ticket_transferred, ticket, previous_owner=previous, reason=data.reason
    )
    await session.commit()
    return ticket


async def wait_for_requester(
    *, session: AsyncSession, ticket_id: str, data: WaitIn, actor: Principal, sla: SlaPolicy
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
    return await _finish(session, ticket, sla, EventType.ticket_waiting, reason=data.reason)


async def resume(
    *, session: AsyncSession, ticket_id: str, actor: Principal, sla: SlaPolicy
) -> Ticket:
    """The owner goes on, or the requester's unit answers what the ticket waited on."""
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not policy.speaks_for_requester(actor, ticket):
        raise Forbidden("only the ticket's owner or the requester's unit may resume it")
    if ticket.status != TicketStatus.waiting_requester:
        raise _wrong_state(ticket, "resume")
    _resume(session, ticket, actor, now())
    return await _finish(session, ticket, sla, EventType.ticket_resumed)


async def resolve(
    *, session: AsyncSession, ticket_id: str, data: ResolveIn, actor: Principal, sla: SlaPolicy
) -> Ticket:
    ticket = await _owned(session, ticket_id, actor, "resolve")
    if ticket.status not in (*ACTIVE, TicketStatus.waiting_requester):
        raise _wrong_state(ticket, "resolve")
    open_parts = [
        c for c in await _coordinations(session, ticket.id) if c.status == CoordinationStatus.open
    ]
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
    ticket.confirm_due_at = end_of_working_days(calendar, at, sla.auto_confirm_working_days)
    await settle_clocks(session, ticket, sla, calendar)
    await publish_ticket_event(
        session, EventType.ticket_resolved, ticket, resolution=data.resolution
    )
    await session.commit()
    return ticket


def new_rating_code() -> str:
    """128 random bits, URL-safe (it goes into /rate/{code} and a QR code): unguessable."""
    return secrets.token_urlsafe(16)


# --- confirmation ----------------------------------------------------------------------


async def confirm(
    *, session: AsyncSession, ticket_id: str, data: ConfirmIn, actor: Principal, sla: SlaPolicy
) -> Ticket:
    """The requester's answer: satisfied closes the ticket, not satisfied reopens it."""
    ticket = await get_ticket(session, ticket_id, actor, for_update=True)
    if not policy.speaks_for_requester(actor, ticket):
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
        await _close(session, ticket, actor, at, sla)
        await session.commit()
        return ticket
    append_event(session, ticket, EventKind.reopened, actor, at, {"reason": "dissatisfied"})
    ticket.status = TicketStatus.reopened.value
    ticket.reopen_count += 1
    ticket.dissatisfied_reopens += 1
    ticket.confirm_due_at = None
    await settle_clocks(session, ticket, sla)
    await publish_ticket_event(
        session, EventType.ticket_reopened, ticket, rating=data.rating, dissatisfied=True
    )
    await session.commit()
    return ticket


def confirm_automatically(
    session: AsyncSession, clocks: TicketClocks, at: dt.datetime, sla: SlaPolicy
) -> TicketEventMessage:
    """Nobody answered within the working days allowed: the ticket closes without a rating.
    The caller holds the ticket's row, has checked it is resolved and due, records the
    `ticket.ticket.closed` event answered (the escalation job records a batch's events
    together) and commits. The clocks are settled from `clocks`, read no more."""
    ticket = clocks.ticket
    clocks.append(session, EventKind.confirmed, None, at, {"automatic": True})
    clocks.append(session, EventKind.closed, None, at, {})
    ticket.auto_confirmed = True
    _mark_closed(ticket, at)
    clocks.settle(sla)
    return closed_event(ticket, at, clocks.coordinations)


async def _close(
    session: AsyncSession,
    ticket: Ticket,
    actor: Principal | None,
    at: dt.datetime,
    sla: SlaPolicy,
) -> None:
    """Records the close and its event; the caller commits."""
    append_event(session, ticket, EventKind.closed, actor, at, {})
    _mark_closed(ticket, at)
    clocks = await settle_clocks(session, ticket, sla)
    await record_event(session, *closed_event(ticket, at, clocks.coordinations))


def _mark_closed(ticket: TicketRow, at: dt.datetime) -> None:
    ticket.status = TicketStatus.closed.value
    ticket.closed_at = at
    ticket.confirm_due_at = None


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


def _start(session: AsyncSession, ticket: Ticket, actor: Principal, at: dt.datetime) -> None:
    append_event(session, ticket, EventKind.started, actor, at, {})
    ticket.status = TicketStatus.in_progress.value
    if ticket.responded_at is None:
        ticket.responded_at = at


def _resume(session: AsyncSession, ticket: Ticket, actor: Principal, at: dt.datetime) -> None:
    append_event(session, ticket, EventKind.resumed, actor, at, {})
    ticket.status = TicketStatus.in_progress.value
    ticket.waiting_reason = None


async def _finish(
    session: AsyncSession,
    ticket: Ticket,
    sla: SlaPolicy,
    event_type: EventType | None = None,
    **event_data: Any,
) -> Ticket:
    """The clocks settled after a change, its event (the ticket as it now stands) told, and
    the whole committed."""
    await settle_clocks(session, ticket, sla)
    if event_type is not None:
        await publish_ticket_event(session, event_type, ticket, **event_data)
    await session.commit()
    return ticket


async def _coordinations(session: AsyncSession, ticket_id: str) -> list[Coordination]:
    query = (
        select(Coordination)
        .where(Coordination.ticket_id == ticket_id)
        .order_by(Coordination.requested_at, Coordination.id)
    )
    return list((await session.execute(query)).scalars().all())
