"""The consumer of ticket-svc's breaches and ratings, for the automatic nonconformity
(automatic.py has the rules).

The contracts ticket-svc publishes to; the data fields read, others ignored, `?` marking
the optional ones:

- `ticket.ticket.sla_breached` (subject: the ticket):
  `{id, department, clock: response | resolve | coordination, reached_at (ISO, with
  offset), commitment_id?, commitment?, procedure_code?}`. Counted: the breaches of the
  ticket's own clocks (response, resolve), which are the commitment's time limits and its
  department's. A coordination's breach is the coordinating department's lateness on a
  deadline the commitment does not set: the scorecards charge it (scorecards/), this
  consumer does not.
- `ticket.rating.recorded` (subject: the rating):
  `{id, department, score: 1–5, created_at, ticket_id?, commitment_id?, commitment?,
  procedure_code?}`. Counted: the ratings of a ticket, whose commitment the event names; a
  department rated without a ticket names no commitment.

An event without a `commitment_id` (a ticket from before commitments had ids, a rating of a
department alone) is acknowledged and counts for nothing. Malformed data is a `PoisonEvent`
(a dead letter; the events after it go on).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent
from guanjia_shared.text import as_single_line
from ledger_svc.config import Settings
from ledger_svc.events import ConsumedEvent
from ledger_svc.nonconformities.automatic import AutomaticRules, note_signal
from ledger_svc.nonconformities.models import NonconformitySignal, SignalKind

Id = Annotated[str, Field(min_length=1, max_length=64)]
Department = Annotated[str, Field(min_length=1, max_length=100)]
CommitmentId = Annotated[str, Field(min_length=1, max_length=36)]
CommitmentCode = Annotated[str, Field(min_length=1, max_length=64)]
ProcedureCode = Annotated[str, Field(min_length=1, max_length=50)]
OWN_CLOCKS = frozenset({"response", "resolve"})


class _Contract(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SlaBreached(_Contract):
    id: Id
    department: Department
    # response, resolve or coordination; a clock of another name is read and not counted.
    clock: Annotated[str, Field(min_length=1, max_length=32)]
    reached_at: AwareDatetime
    commitment_id: CommitmentId | None = None
    commitment: CommitmentCode | None = None
    procedure_code: ProcedureCode | None = None


class RatingRecorded(_Contract):
    id: Id
    department: Department
    score: Annotated[int, Field(ge=1, le=5)]
    created_at: AwareDatetime
    ticket_id: Id | None = None
    commitment_id: CommitmentId | None = None
    commitment: CommitmentCode | None = None
    procedure_code: ProcedureCode | None = None


Contract = TypeVar("Contract", SlaBreached, RatingRecorded)


def _contract_of(event: CloudEvent, contract: type[Contract]) -> Contract:
    try:
        return contract.model_validate(event.data)
    except ValidationError as exc:
        raise PoisonEvent(f"{event.short_type} not as agreed: {exc}") from exc


def _single_line(value: str | None) -> str | None:
    return as_single_line(value) if value is not None else None


async def note_breach(session: AsyncSession, event: CloudEvent, *, rules: AutomaticRules) -> None:
    breach = _contract_of(event, SlaBreached)
    if breach.clock not in OWN_CLOCKS or breach.commitment_id is None:
        return
    await note_signal(
        session,
        NonconformitySignal(
            event_id=event.id,
            event_type=event.short_type,
            kind=SignalKind.breach.value,
            department=as_single_line(breach.department),
            commitment_id=breach.commitment_id,
            commitment_code=_single_line(breach.commitment),
            procedure_code=_single_line(breach.procedure_code),
            ticket_id=breach.id,
            occurred_at=breach.reached_at,
        ),
        rules,
    )


async def note_rating(session: AsyncSession, event: CloudEvent, *, rules: AutomaticRules) -> None:
    rating = _contract_of(event, RatingRecorded)
    if rating.commitment_id is None:
        return
    await note_signal(
        session,
        NonconformitySignal(
            event_id=event.id,
            event_type=event.short_type,
            kind=SignalKind.rating.value,
            department=as_single_line(rating.department),
            commitment_id=rating.commitment_id,
            commitment_code=_single_line(rating.commitment),
            procedure_code=_single_line(rating.procedure_code),
            ticket_id=rating.ticket_id,
            score=rating.score,
            occurred_at=rating.created_at,
        ),
        rules,
    )


def nonconformity_subscription(settings: Settings) -> Subscription:
    """ticket-svc's breaches and ratings, judged by the rules of `settings`."""
    rules = AutomaticRules.from_settings(settings)
    return Subscription(
        name="quality-nonconformities",
        filter="ticket.>",
        handlers={
            ConsumedEvent.ticket_sla_breached: partial(note_breach, rules=rules),
            ConsumedEvent.rating_recorded: partial(note_rating, rules=rules),
        },
    )
