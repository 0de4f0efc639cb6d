"""The events the scorecards are built from, their contracts, and the facts each yields.

One subscription per source stream (a JetStream consumer reads one stream, named by its
filter's first word): ticket-svc's, emergency-svc's, and ledger-svc's own. Each handler
runs in the consumer's transaction with the event's inbox row, so an event applies once;
data that can never apply is a `PoisonEvent` (a dead letter, not a retry loop).

The contracts, the data fields read (others are ignored; a ticket's `owner` and
`first_receiver`, for one, are null while nobody has taken a request a unit filed):

- `ticket.ticket.closed` (ticket-svc): `id`, `department`, `closed_at` (ISO, with offset),
  `sla_met` (bool or null), `rating` (1–5 or null). → ticket_closed, ticket_sla_met (when
  not null), ticket_rating (when not null), for `department`, in the bureau year of
  `closed_at`. `late_coordinating_departments` is not read: a late coordination is charged
  by its own `ticket.ticket.sla_breached` (clock coordination), counting it here too would
  charge it twice.
- `ticket.ticket.sla_breached` (ticket-svc): `id`, `department`, `clock` (response |
  resolve | coordination), `reached_at`, and `coordinating_department` for a coordination
  breach. → sla_breach, charged to `coordinating_department` for a coordination breach and
  to `department` otherwise, in the bureau year of `reached_at`.
- `ticket.accountability.recorded` (ticket-svc): `id`, `kind` (reward | penalty),
  `department`, `points` (> 0 or null), `occurred_at`, `year`. → accountability_reward or
  accountability_penalty, value the points.
- `ticket.accountability.exempted` (ticket-svc): `id` (the record's), `department`,
  `points`, `year`. → accountability_exempted; the record's own fact stops counting.
- `ledger.item.completed` (ledger-svc): `id`, `year`, `department`, `completed_at`,
  `on_time` (bool). → item_completed and item_on_time (1 on time, 0 late).
- `ledger.item.reopened` (ledger-svc): `id`, `year`, `department`. → item_reopened; the
  item's earlier completion stops counting.
- `emergency.drill.recorded` (emergency-svc, the contract it is to follow):
  `{id, plan_id, held_at (ISO, with offset), year (int, optional: else the bureau year of
  held_at), participants: [{department: str, people: int ≥ 0 or null}], score (number or
  null)}`. Each department listed took part in the one drill → drill_participation, value
  its people (a department listed twice is one participation, its people added up).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.bureau_time import bureau_year
from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent
from ledger_svc.events import ConsumedEvent, LedgerEvent
from ledger_svc.scorecards.models import ScorecardMeasure as M
from ledger_svc.scorecards.service import FactDraft, record_facts

Id = Annotated[str, Field(min_length=1, max_length=64)]
Department = Annotated[str, Field(min_length=1, max_length=100)]
Year = Annotated[int, Field(ge=1900, le=9999)]
Points = Annotated[int, Field(gt=0)]


class _Contract(BaseModel):
    """The fields of an event's data a handler relies on; other fields are ignored."""

    model_config = ConfigDict(extra="ignore")


class TicketClosed(_Contract):
    id: Id
    department: Department
    closed_at: AwareDatetime
    sla_met: StrictBool | None = None
    rating: Annotated[int, Field(ge=1, le=5)] | None = None


class SlaClock(StrEnum):
    """The ticket clocks ticket-svc judges (its `clock` of a breach)."""

    response = "response"
    resolve = "resolve"
    coordination = "coordination"


class AccountabilityKind(StrEnum):
    reward = "reward"
    penalty = "penalty"


class TicketSlaBreached(_Contract):
    id: Id
    department: Department
    clock: SlaClock
    reached_at: AwareDatetime
    coordinating_department: Department | None = None


class AccountabilityRecorded(_Contract):
    id: Id
    kind: AccountabilityKind
    department: Department
    points: Points | None = None
    occurred_at: AwareDatetime
    year: Year


class AccountabilityExempted(_Contract):
    id: Id
    department: Department
    points: Points | None = None
    year: Year


class ItemCompleted(_Contract):
    id: Id
    year: Year
    department: Department
    completed_at: AwareDatetime
    on_time: StrictBool


class ItemReopened(_Contract):
    id: Id
    year: Year
    department: Department


class DrillParticipant(_Contract):
    department: Department
    people: Annotated[int, Field(ge=0)] | None = None


class DrillRecorded(_Contract):
    id: Id
    held_at: AwareDatetime
    year: Year | None = None
    participants: list[DrillParticipant]


ContractT = TypeVar("ContractT", bound=_Contract)


def _contract(contract: type[ContractT], event: CloudEvent) -> ContractT:
    try:
        return contract.model_validate(event.data)
    except ValidationError as exc:
        raise PoisonEvent(f"{event.short_type} without the fields scorecards need: {exc}") from exc


# --- each event's facts ------------------------------------------------------------------


def facts_of_ticket_closed(event: CloudEvent) -> list[FactDraft]:
    ticket = _contract(TicketClosed, event)

    def fact(measure: M, value: float) -> FactDraft:
        return FactDraft(
            department=ticket.department,
            year=bureau_year(ticket.closed_at),
            measure=measure,
            value=value,
            subject=ticket.id,
            occurred_at=ticket.closed_at,
        )

    facts = [fact(M.ticket_closed, 1)]
    if ticket.sla_met is not None:
        facts.append(fact(M.ticket_sla_met, 1 if ticket.sla_met else 0))
    if ticket.rating is not None:
        facts.append(fact(M.ticket_rating, ticket.rating))
    return facts


def facts_of_sla_breach(event: CloudEvent) -> list[FactDraft]:
    breach = _contract(TicketSlaBreached, event)
    # ticket-svc: "A breach caused by a late coordinating department is charged to that
    # department"; the ticket's own clocks are its department's.
    if breach.clock is SlaClock.coordination:
        if breach.coordinating_department is None:
            raise PoisonEvent("a coordination breach without its coordinating_department")
        charged = breach.coordinating_department
    else:
        charged = breach.department
    return [
        FactDraft(
            department=charged,
            year=bureau_year(breach.reached_at),
            measure=M.sla_breach,
            value=1,
            subject=breach.id,
            occurred_at=breach.reached_at,
        )
    ]


def facts_of_accountability_record(event: CloudEvent) -> list[FactDraft]:
    record = _contract(AccountabilityRecorded, event)
    measure = (
        M.accountability_reward
        if record.kind is AccountabilityKind.reward
        else M.accountability_penalty
    )
    return [
        FactDraft(
            department=record.department,
            year=record.year,
            measure=measure,
            value=record.points,
            subject=record.id,
            occurred_at=record.occurred_at,
        )
    ]


def facts_of_exemption(event: CloudEvent) -> list[FactDraft]:
    record = _contract(AccountabilityExempted, event)
    return [
        FactDraft(
            department=record.department,
            year=record.year,
            measure=M.accountability_exempted,
            value=record.points,
            subject=record.id,
            occurred_at=event.time,  # the event carries no moment of its own
        )
    ]


def facts_of_item_completed(event: CloudEvent) -> list[FactDraft]:
    item = _contract(ItemCompleted, event)

    def fact(measure: M, value: float) -> FactDraft:
        return FactDraft(
            department=item.department,
            year=item.year,
            measure=measure,
            value=value,
            subject=item.id,
            occurred_at=item.completed_at,
        )

    return [fact(M.item_completed, 1), fact(M.item_on_time, 1 if item.on_time else 0)]


def facts_of_item_reopened(event: CloudEvent) -> list[FactDraft]:
    item = _contract(ItemReopened, event)
    return [
        FactDraft(
            department=item.department,
            year=item.year,
            measure=M.item_reopened,
            value=1,
            subject=item.id,
            occurred_at=event.time,
        )
    ]


def _people(counts: list[int | None]) -> int | None:
    """A department listed more than once took part once, with all its people."""
    if all(count is None for count in counts):
        return None
    return sum(count or 0 for count in counts)


def facts_of_drill(event: CloudEvent) -> list[FactDraft]:
    drill = _contract(DrillRecorded, event)
    people_by_department: dict[str, list[int | None]] = {}
    for participant in drill.participants:
        people_by_department.setdefault(participant.department, []).append(participant.people)
    year = drill.year if drill.year is not None else bureau_year(drill.held_at)
    return [
        FactDraft(
            department=department,
            year=year,
            measure=M.drill_participation,
            value=_people(counts),
            subject=drill.id,
            occurred_at=drill.held_at,
        )
        for department, counts in people_by_department.items()
    ]


# --- the subscriptions -------------------------------------------------------------------

Handler = Callable[[AsyncSession, CloudEvent], Awaitable[None]]


def recording(facts_of: Callable[[CloudEvent], list[FactDraft]]) -> Handler:
    """The consumer's handler: the event's facts, written in the consumer's transaction."""

    async def record(session: AsyncSession, event: CloudEvent) -> None:
        await record_facts(session, event=event, drafts=facts_of(event))

    record.__name__ = f"record_{facts_of.__name__}"
    return record


def scorecard_subscriptions() -> list[Subscription]:
    return [
        Subscription(
            name="scorecards-ticket",
            filter="ticket.>",
            handlers={
                ConsumedEvent.ticket_closed: recording(facts_of_ticket_closed),
                ConsumedEvent.ticket_sla_breached: recording(facts_of_sla_breach),
                ConsumedEvent.accountability_recorded: recording(facts_of_accountability_record),
                ConsumedEvent.accountability_exempted: recording(facts_of_exemption),
            },
        ),
        Subscription(
            name="scorecards-emergency",
            filter="emergency.drill.>",
            handlers={ConsumedEvent.drill_recorded: recording(facts_of_drill)},
        ),
        Subscription(
            name="scorecards-ledger",
            filter="ledger.item.>",
            handlers={
                LedgerEvent.item_completed: recording(facts_of_item_completed),
                LedgerEvent.item_reopened: recording(facts_of_item_reopened),
            },
        ),
    ]
