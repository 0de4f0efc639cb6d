"""What the escalation tests share: the running service with its escalation job run by hand
at frozen moments, and readers of what a run left behind (rows, history, NATS events)."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from guanjia_shared.clock import frozen_at
from guanjia_shared.testing.plugin import RunningService
from guanjia_shared.testing.streams import published_events
from ticket_svc.accountability.models import AccountabilityRecord
from ticket_svc.escalations.jobs import run_escalations
from ticket_svc.tickets.clocks import SlaPolicy
from ticket_svc.tickets.models import Ticket, TicketAlert, TicketEvent

ESCALATIONS = "/api/v1/ticket/escalations"
SLA_EVENT_TYPES = (
    "ticket.ticket.sla_warning",
    "ticket.ticket.sla_breached",
    "ticket.ticket.escalated",
)
SLA_HISTORY_KINDS = ("sla_warning", "sla_breached", "escalated")


@dataclass
class TicketService(RunningService):
    @property
    def sla(self) -> SlaPolicy:
        return SlaPolicy.from_settings(self.app.state.settings)

    async def tick(self, when: dt.datetime, *, session_factory=None, batch_size=200) -> int:
        """One run of the escalation job at `when`, as a replica's loop runs it (on the clock, which
        is frozen at `when`); by default on the service's own database connection."""
        with frozen_at(when):
            return await run_escalations(
                session_factory or self.session_factory, self.sla, batch_size=batch_size
            )

    async def alerts(self, ticket_id: str) -> list[tuple]:
        async with self.session_factory() as session:
            rows = await session.execute(
                select(TicketAlert)
                .where(TicketAlert.ticket_id == ticket_id)
                .order_by(TicketAlert.reached_at, TicketAlert.clock)
            )
            return [
                (
                    alert.clock,
                    alert.threshold,
                    alert.reached_at,
                    alert.raised_at,
                    alert.escalated_to,
                    alert.department,
                )
                for alert in rows.scalars().all()
            ]

    async def ticket(self, ticket_id: str) -> Ticket:
        async with self.session_factory() as session:
            return await session.get(Ticket, ticket_id)

    async def next_check_at(self, ticket_id: str) -> dt.datetime | None:
        return (await self.ticket(ticket_id)).next_check_at

    async def escalation_history(self, ticket_id: str) -> list[TicketEvent]:
        async with self.session_factory() as session:
            rows = await session.execute(
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket_id)
                .where(TicketEvent.kind.in_(SLA_HISTORY_KINDS))
                .order_by(TicketEvent.id)
            )
            return list(rows.scalars().all())

    async def records(self, ticket_id: str) -> list[AccountabilityRecord]:
        async with self.session_factory() as session:
            rows = await session.execute(
                select(AccountabilityRecord)
                .where(AccountabilityRecord.ticket_id == ticket_id)
                .order_by(AccountabilityRecord.occurred_at, AccountabilityRecord.rule)
            )
            return list(rows.scalars().all())


async def published(nats_url, namespace, *types, subject=None):
    """The ticket-svc events of `types` in the stream, optionally of one ticket."""
    return [
        event
        for event in await published_events(nats_url, namespace, "ticket")
        if event.short_type in types and (subject is None or event.subject == subject)
    ]


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
