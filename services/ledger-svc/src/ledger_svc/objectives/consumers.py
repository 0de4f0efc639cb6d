"""The consumer of ticket-svc's events the quality objectives are counted from (models.py
says what each measure counts).

The contracts, the data fields read (others ignored):

- `ticket.ticket.closed` (subject: the ticket): `{id, department, closed_at (ISO, with
  offset), sla_met (bool or null)}`. A ticket without a verdict (`sla_met` null) is not
  judged. → sla_compliance.
- `ticket.rating.recorded` (subject: the rating): `{id, department, score: 1–5,
  created_at}`. → satisfaction (score ≥ 4).

The consumer's inbox applies an event once; the observation's unique key (event id,
measure) holds even past it. Malformed data is a `PoisonEvent` (a dead letter).
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent
from guanjia_shared.text import as_single_line
from ledger_svc.events import ConsumedEvent
from ledger_svc.objectives.models import Measure
from ledger_svc.objectives.service import record_observation

Id = Annotated[str, Field(min_length=1, max_length=64)]
Department = Annotated[str, Field(min_length=1, max_length=100)]
# 满意、非常满意 of the five.
SATISFIED_FROM = 4


class _Contract(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TicketClosed(_Contract):
    id: Id
    department: Department
    closed_at: AwareDatetime
    sla_met: StrictBool | None = None


class RatingRecorded(_Contract):
    id: Id
    department: Department
    score: Annotated[int, Field(ge=1, le=5)]
    created_at: AwareDatetime


Contract = TypeVar("Contract", TicketClosed, RatingRecorded)


def _contract_of(event: CloudEvent, contract: type[Contract]) -> Contract:
    try:
        return contract.model_validate(event.data)
    except ValidationError as exc:
        raise PoisonEvent(f"{event.short_type} not as agreed: {exc}") from exc


async def observe_closed_ticket(session: AsyncSession, event: CloudEvent) -> None:
    ticket = _contract_of(event, TicketClosed)
    if ticket.sla_met is None:
        return
    await record_observation(
        session,
        event_id=event.id,
        event_type=event.short_type,
        measure=Measure.sla_compliance,
        department=as_single_line(ticket.department),
        met=ticket.sla_met,
        subject=ticket.id,
        occurred_at=ticket.closed_at,
    )


async def observe_rating(session: AsyncSession, event: CloudEvent) -> None:
    rating = _contract_of(event, RatingRecorded)
    await record_observation(
        session,
        event_id=event.id,
        event_type=event.short_type,
        measure=Measure.satisfaction,
        department=as_single_line(rating.department),
        met=rating.score >= SATISFIED_FROM,
        subject=rating.id,
        occurred_at=rating.created_at,
    )


def objective_subscription() -> Subscription:
    return Subscription(
        name="quality-objectives",
        filter="ticket.>",
        handlers={
            ConsumedEvent.ticket_closed: observe_closed_ticket,
            ConsumedEvent.rating_recorded: observe_rating,
        },
    )
