"""Tickets: a requester's request, owned by its first receiver (首问负责) to the end.

A ticket keeps its history as `TicketEvent` rows; its SLA clocks are worked out from that
history (see `clocks.py`) and their results are kept on the ticket row, so lists, reports
and the escalation job read columns instead of replaying events.

One module, though long: the tables, the plain row a new ticket is written as and the
shapes that cross the API sit side by side, so that a field's name is decided once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text, text
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ticket_svc.database import TicketTable


class TicketStatus(StrEnum):
    new = "new"
    in_progress = "in_progress"
    waiting_requester = "waiting_requester"
    resolved = "resolved"
    reopened = "reopened"
    closed = "closed"


class TicketSort(StrEnum):
    """The order of a ticket list."""

    newest = "newest"
    # The next open deadline first (`next_due_at`), the tickets with none last.
    due = "due"


class Channel(StrEnum):
    phone = "phone"
    walk_in = "walk_in"
    online = "online"
    letter = "letter"
    hotline = "hotline"  # forwarded from the city's 12345 hotline
    other = "other"


class SlaState(StrEnum):
    ok = "ok"
    warning = "warning"
    breached = "breached"


class EventKind(StrEnum):
    """What can happen to a ticket; the SLA clock reads the kinds marked in `sla.py`."""

    created = "created"
    taken = "taken"
    started = "started"
    commented = "commented"
    coordinated = "coordinated"
    coordination_completed = "coordination_completed"
    transferred = "transferred"
    waiting = "waiting"
    resumed = "resumed"
    resolved = "resolved"
    confirmed = "confirmed"
    reopened = "reopened"
    closed = "closed"
    sla_warning = "sla_warning"
    sla_breached = "sla_breached"
    escalated = "escalated"


# secrets.token_urlsafe(16) is 22 characters; the column leaves room for other forms.
RATING_CODE_MAX_LENGTH = 32


class Ticket(TicketTable, table=True):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_next_check_at", "next_check_at"),
        # A department's list by status, newest first: its page (index-only, however deep)
        # and its total.
        Index(
            "ix_tickets_department_status_created_at_id",
            "department",
            "status",
            text("created_at DESC"),
            "id",
        ),
        # An owner's and a department's lists by next open deadline (sort=due), soonest
        # first, tickets without one last: read in order along these, never sorted whole.
        Index("ix_tickets_owner_next_due_at_id", "owner", "next_due_at", "id"),
        # A period's tickets counted (reports/totals): index-only.
        Index("ix_tickets_created_at_status_sla_met", "created_at", "status", "sla_met"),
        Index("ix_tickets_department_next_due_at_id", "department", "next_due_at", "id"),
        # A rating code finds its ticket, and no two tickets share one.
        Index("uq_tickets_rating_code", "rating_code", unique=True),
        # Another system's own reference for a request it filed (the 12345 hotline's case
        # number): once per requester unit, so a retried filing finds the first.
        Index(
            "uq_tickets_requester_unit_id_external_ref",
            "requester_unit_id",
            "external_ref",
            unique=True,
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    title: str = TableField(max_length=200)
    description: str = TableField(default="", sa_column=Column(Text, nullable=False))
    channel: str = TableField(default=Channel.phone.value, max_length=32)
    status: str = TableField(default=TicketStatus.new.value, max_length=32, index=True)
    requester_name: str = TableField(default="", max_length=100)
    requester_unit_id: str | None = TableField(default=None, max_length=36, index=True)
    requester_phone: str | None = TableField(default=None, max_length=32)
    building_id: str | None = TableField(default=None, max_length=36)
    room_id: str | None = TableField(default=None, max_length=36)
    external_ref: str | None = TableField(default=None, max_length=64)

    # The commitment version the ticket is judged by, fixed when it is opened.
    commitment_id: str | None = TableField(default=None, max_length=36)
    commitment_code: str = TableField(default="", max_length=64, index=True)
    commitment_version: int = TableField(default=1)
    department: str = TableField(default="", max_length=100, index=True)
    calendar_id: str | None = TableField(default=None, max_length=36)
    response_budget_seconds: int = TableField(default=0)
    resolve_budget_seconds: int = TableField(default=0)

    # Null together until the request is taken: a unit's staff file it themselves, and the
    # first agent of its department to take it becomes both (首问负责).
    first_receiver: str | None = TableField(default=None, max_length=36, index=True)
    owner: str | None = TableField(default=None, max_length=36, index=True)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False, index=True)
    )
    responded_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    resolved_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))

    # The SLA clocks as of the last event (see sla.py): threshold moments of running
    # clocks, and the working time counted by stopped or paused ones.
    response_warn_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    response_due_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    response_working_seconds: int | None = None
    resolve_warn_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    resolve_due_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    resolve_running: bool = True
    resolve_working_seconds: int = 0
    waiting_reason: str | None = TableField(default=None, max_length=500)
    # The deadline the ticket is next judged by while someone has to act on it: the
    # response's until responded, then the resolution's; null while paused or finished.
    next_due_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    # Wall-clock durations beside the working ones, for the reports.
    response_wall_seconds: int | None = None
    resolve_wall_seconds: int | None = None

    # Confirmation (满意度回访): by the requester, or automatically when nobody answers.
    confirm_due_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    satisfied: bool | None = None
    rating: int | None = None
    confirm_comment: str | None = TableField(default=None, max_length=1000)
    auto_confirmed: bool = False
    reopen_count: int = 0
    dissatisfied_reopens: int = 0
    sla_met: bool | None = None
    # The requester's code for the public rating (行风评议) of this ticket, made when it is
    # first resolved (see ratings/service.py). Only the requester's side is shown it.
    rating_code: str | None = TableField(default=None, max_length=RATING_CODE_MAX_LENGTH)

    # When the escalation job must next look at this ticket (null: never again).
    next_check_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    revision: int = TableField(default=1)


@dataclass(slots=True, kw_only=True)
class NewTicket:
    """A ticket being opened, as the plain row its one INSERT writes: every column of
    `Ticket` (a test holds the two to the same columns), none of the ORM. Opening a ticket
    is the busiest write; the ORM's constructor would cost some fifty instrumented
    attribute sets for a row the session never tracks, since nothing in that transaction
    reads it back. Its clocks are kept on it and its answer read from it as from a
    `Ticket` (see `TicketRow`)."""

    id: str
    title: str
    description: str
    channel: str
    status: str
    requester_name: str
    requester_unit_id: str | None
    requester_phone: str | None
    building_id: str | None
    room_id: str | None
    external_ref: str | None
    commitment_id: str | None
    commitment_code: str
    commitment_version: int
    department: str
    calendar_id: str | None
    response_budget_seconds: int
    resolve_budget_seconds: int
    first_receiver: str | None
    owner: str | None
    created_at: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    response_warn_at: datetime | None
    response_due_at: datetime | None
    response_working_seconds: int | None
    resolve_warn_at: datetime | None
    resolve_due_at: datetime | None
    resolve_running: bool
    resolve_working_seconds: int
    waiting_reason: str | None
    next_due_at: datetime | None
    response_wall_seconds: int | None
    resolve_wall_seconds: int | None
    confirm_due_at: datetime | None
    satisfied: bool | None
    rating: int | None
    confirm_comment: str | None
    auto_confirmed: bool
    reopen_count: int
    dissatisfied_reopens: int
    sla_met: bool | None
    rating_code: str | None
    next_check_at: datetime | None
    revision: int

    @classmethod
    def of(cls, **values: Any) -> NewTicket:
        """A new ticket of `values`, the rest the table's defaults (`Ticket`'s, not
        repeated here)."""
        made = {name: make() for name, make in _DEFAULT_FACTORIES.items() if name not in values}
        return cls(**{**_DEFAULTS, **made, **values})

    def row(self) -> dict[str, Any]:
        """The INSERT's values."""
        return {column: getattr(self, column) for column in TICKET_COLUMNS}


# A ticket as the code that keeps its clocks, builds its events and answers it reads it.
TicketRow = Ticket | NewTicket
TICKET_COLUMNS = tuple(column.key for column in Ticket.__table__.columns)
_DEFAULTS = {
    name: field.default
    for name, field in Ticket.model_fields.items()
    if field.default_factory is None and not field.is_required()
}
_DEFAULT_FACTORIES = {
    name: field.default_factory
    for name, field in Ticket.model_fields.items()
    if field.default_factory is not None
}


class TicketEvent(TicketTable, table=True):
    """One line of a ticket's history; written once, never changed."""

    __tablename__ = "ticket_events"

    id: int | None = TableField(default=None, sa_column=Column(Integer, primary_key=True))
    ticket_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("tickets.id"), nullable=False, index=True)
    )
    kind: str = TableField(max_length=32)
    actor: str | None = TableField(default=None, max_length=36)
    at: datetime = TableField(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))
    data: dict[str, Any] = TableField(default_factory=dict, sa_column=Column(JSON, nullable=False))


class CoordinationStatus(StrEnum):
    open = "open"
    completed = "completed"


class Coordination(TicketTable, table=True):
    """Another department's part of a ticket (协办), with its own internal deadline."""

    __tablename__ = "coordinations"
    __table_args__ = (Index("ix_coordinations_department_status", "department", "status"),)

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    ticket_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("tickets.id"), nullable=False, index=True)
    )
    department: str = TableField(max_length=100)
    note: str = TableField(default="", max_length=2000)
    requested_by: str = TableField(max_length=36)
    requested_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    due_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    status: str = TableField(default=CoordinationStatus.open.value, max_length=16)
    completed_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    completed_by: str | None = TableField(default=None, max_length=36)
    result: str | None = TableField(default=None, max_length=2000)


# The clock an alert is about: the ticket's own two, or a coordination's deadline.
class AlertClock(StrEnum):
    response = "response"
    resolve = "resolve"
    coordination = "coordination"

    @property
    def label(self) -> str:
        return {"response": "响应时限", "resolve": "办结时限", "coordination": "协办时限"}[
            self.value
        ]


class AlertThreshold(StrEnum):
    warning = "warning"
    breached = "breached"
    leader = "leader"

    @property
    def label(self) -> str:
        return {"warning": "预警", "breached": "超时", "leader": "升级督办"}[self.value]


class EscalatedTo(StrEnum):
    owner = "owner"
    dept_head = "dept_head"
    leader = "leader"

    @property
    def label(self) -> str:
        return {"owner": "承办人", "dept_head": "部门负责人", "leader": "分管领导"}[self.value]


class TicketAlert(TicketTable, table=True):
    """A threshold a ticket's clock crossed, raised once: the key is the guarantee, so two
    replicas of the escalation job cannot both raise it. `escalated_to` is who was told
    (owner, then the department head, then the leadership). The columns hold the values of
    `AlertClock`, `AlertThreshold` and `EscalatedTo`."""

    __tablename__ = "ticket_alerts"

    ticket_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("tickets.id"), primary_key=True)
    )
    clock: str = TableField(sa_column=Column(String(16), primary_key=True))
    # The coordination's id for a coordination deadline, else "".
    target_id: str = TableField(sa_column=Column(String(36), primary_key=True))
    threshold: str = TableField(sa_column=Column(String(16), primary_key=True))
    reached_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    raised_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    escalated_to: str = TableField(max_length=16)
    department: str = TableField(max_length=100)


# --- what callers send -------------------------------------------------------------------


class RequesterIn(StrictInput):
    name: SingleLineText | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="required when the bureau's staff take a request; a unit's own staff "
        "filing for themselves may leave it out (their name from their token)",
    )
    unit_id: SingleLineText | None = Field(
        default=None,
        min_length=1,
        max_length=36,
        description="a unit's own staff file for their unit only: left out, it is theirs",
    )
    phone: SingleLineText | None = Field(default=None, min_length=1, max_length=32)


class TicketCreate(StrictInput):
    channel: Channel
    requester: RequesterIn
    commitment_code: SingleLineText = Field(min_length=1, max_length=64)
    title: SingleLineText = Field(min_length=1, max_length=200)
    description: MultiLineText = Field(default="", max_length=10_000)
    building_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    room_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    external_ref: SingleLineText | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="the filing system's own reference (the 12345 hotline's case number), "
        "once per requester unit: filing it again answers 409 unique-external-ref",
    )


class TransferIn(StrictInput):
    to: SingleLineText = Field(
        min_length=1, max_length=36, description="the gateway user id of the new owner"
    )
    reason: MultiLineText = Field(min_length=1, max_length=1000)


class CoordinateIn(StrictInput):
    department: SingleLineText = Field(min_length=1, max_length=100)
    note: MultiLineText = Field(min_length=1, max_length=2000)
    due_in_minutes: StrictInt | None = Field(
        default=None,
        gt=0,
        le=60 * 24 * 365,
        description="working minutes the department has; by default the ticket's own deadline",
    )


class CoordinationCompleteIn(StrictInput):
    result: MultiLineText = Field(min_length=1, max_length=2000)


class CommentIn(StrictInput):
    body: MultiLineText = Field(min_length=1, max_length=10_000)


class WaitIn(StrictInput):
    reason: MultiLineText = Field(min_length=1, max_length=500)


class ResolveIn(StrictInput):
    resolution: MultiLineText = Field(min_length=1, max_length=10_000)


class ConfirmIn(StrictInput):
    satisfied: StrictBool
    rating: StrictInt = Field(ge=1, le=5)
    comment: MultiLineText | None = Field(default=None, max_length=1000)


# --- what callers get --------------------------------------------------------------------


class RequesterRead(BaseModel):
    name: str
    unit_id: str | None
    phone: str | None


class TicketRead(BaseModel):
    id: str
    title: str
    description: str
    channel: str
    status: TicketStatus
    requester: RequesterRead
    requester_unit_id: str | None
    commitment_code: str
    commitment_version: int
    department: str
    building_id: str | None
    room_id: str | None
    external_ref: str | None
    first_receiver: str | None = Field(
        description="null until the request is taken (filed by a unit's own staff): the "
        "first agent of the department to take it (POST tickets/{id}/take)"
    )
    owner: str | None = Field(description="null until the request is taken")
    created_at: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    response_due_at: datetime | None
    resolve_due_at: datetime | None = Field(
        description="null while the clock is paused (waiting on the requester)"
    )
    sla_state: SlaState
    sla_paused: bool
    waiting_reason: str | None
    confirm_due_at: datetime | None
    satisfied: bool | None
    rating: int | None
    reopen_count: int
    sla_met: bool | None
    rating_code: str | None = Field(
        description="the requester's code for rating this ticket in public "
        "(POST /public/v1/ratings, GET /public/v1/ratings/invitations/{code}): set once the "
        "ticket is first resolved, and shown only to the requester's unit and the ticket's "
        "owner (who hands it to a requester without an account); null to everyone else"
    )

    @classmethod
    def answer(
        cls, ticket: TicketRow, *, sla_state: SlaState, shows_rating_code: bool
    ) -> dict[str, Any]:
        """What a route answers for `ticket`: the fields of this model that are columns of
        the row read off it, the others worked out. A dict, not a model: the route's
        `response_model` validates it once, where a model would be validated twice."""
        return {
            **{name: getattr(ticket, name) for name in _READ_OFF_THE_ROW},
            "requester": {
                "name": ticket.requester_name,
                "unit_id": ticket.requester_unit_id,
                "phone": ticket.requester_phone,
            },
            "sla_state": sla_state,
            "sla_paused": ticket.status == TicketStatus.waiting_requester,
            "rating_code": ticket.rating_code if shows_rating_code else None,
        }


_WORKED_OUT = frozenset({"requester", "sla_state", "sla_paused", "rating_code"})
_READ_OFF_THE_ROW = tuple(name for name in TicketRead.model_fields if name not in _WORKED_OUT)


class TicketEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    actor: str | None
    at: datetime
    data: dict[str, Any]


class CoordinationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ticket_id: str
    department: str
    note: str
    requested_by: str
    requested_at: datetime
    due_at: datetime
    status: CoordinationStatus
    completed_at: datetime | None
    completed_by: str | None
    result: str | None
