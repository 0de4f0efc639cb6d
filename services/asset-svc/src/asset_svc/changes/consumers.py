"""The events asset-svc consumes: ticket-svc's closed tickets. One that names a room or a
building becomes a repair record in its history. The event is the only link
between the two services; the record is keyed by the ticket, so a redelivery adds nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from asset_svc.changes.models import RepairRecord
from asset_svc.events import TICKET_CLOSED
from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent


async def record_repair(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    room_id, building_id = data.get("room_id"), data.get("building_id")
    if not room_id and not building_id:
        return  # a ticket about no place: nothing for the register
    ticket_id = data.get("id") or event.subject
    if not ticket_id:
        raise PoisonEvent("a closed ticket event without the ticket's id")
    if await session.scalar(select(RepairRecord.id).where(RepairRecord.ticket_id == ticket_id)):
        return
    session.add(
        RepairRecord(
            ticket_id=ticket_id,
            room_id=room_id,
            building_id=building_id,
            title=str(data.get("title") or "")[:300],
            department=data.get("department"),
            closed_at=event.time,
        )
    )


def repair_subscription() -> Subscription:
    return Subscription(
        name="repairs",
        filter=TICKET_CLOSED,
        handlers={TICKET_CLOSED: record_repair},
    )
