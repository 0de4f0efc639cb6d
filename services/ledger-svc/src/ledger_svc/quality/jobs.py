"""The procedure register's periodic job: what days passing alone change.

Each tick, on the bureau day of the (injectable) clock, in one transaction:

- an approved revision whose effective date has come is put in force (the one before it
  superseded), with its events;
- the owner of each document in force whose review falls due within
  `REVIEW_REMINDER_DAYS` (or is past due, for a date set late) is reminded
  (`ledger.procedure.review_due`), once per document and review date: the reminder's row,
  keyed by both, is inserted ON CONFLICT DO NOTHING and only the insert that made it
  records the event, so repeated ticks, and replicas ticking together, remind once. A new
  review date (a new revision in force, or the register's edit) is reminded of in its turn.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows, dialect_insert
from guanjia_shared.outbox import record_event
from guanjia_shared.periodic import PeriodicJob
from ledger_svc.config import Settings
from ledger_svc.events import LedgerEvent
from ledger_svc.quality.models import (
    DocumentStatus,
    ProcedureDocument,
    ProcedureRevision,
    ReviewReminder,
    RevisionStatus,
)
from ledger_svc.quality.service import document_facts, put_in_force

PROCEDURE_JOB = "ledger-procedure-register"
# Rows per tick of each kind; a bureau's register holds a few hundred documents.
ROWS_PER_TICK = 200


def procedure_job(settings: Settings) -> PeriodicJob:
    async def tick(session_factory: SessionFactory) -> int:
        return await run_procedure_tick(session_factory, settings.review_reminder_days)

    return PeriodicJob(
        name=PROCEDURE_JOB, interval_seconds=settings.quality_job_interval_seconds, run=tick
    )


async def run_procedure_tick(
    session_factory: SessionFactory, reminder_days: int, *, batch_size: int = ROWS_PER_TICK
) -> int:
    """One tick; answers how many revisions it put in force and reminders it sent."""
    today = bureau_today()
    async with session_factory() as session:
        acted = await put_due_revisions_in_force(session, today, batch_size)
        acted += await remind_of_reviews(session, today, reminder_days, batch_size)
        await session.commit()
    return acted


async def put_due_revisions_in_force(session: AsyncSession, today: dt.date, limit: int) -> int:
    query = (
        select(ProcedureRevision)
        .where(
            ProcedureRevision.status == RevisionStatus.approved.value,
            ProcedureRevision.effective_on <= today,
        )
        .order_by(ProcedureRevision.effective_on, ProcedureRevision.id)
        .limit(limit)
    )
    revisions = list((await session.execute(claim_rows(session, query))).scalars())
    for revision in revisions:
        document = await session.get(ProcedureDocument, revision.document_id, with_for_update=True)
        await put_in_force(session, document, revision, actor_id=None)
    return len(revisions)


async def remind_of_reviews(
    session: AsyncSession, today: dt.date, reminder_days: int, limit: int
) -> int:
    reminded = (
        select(ReviewReminder.document_id)
        .where(
            and_(
                ReviewReminder.document_id == ProcedureDocument.id,
                ReviewReminder.review_on == ProcedureDocument.next_review_on,
            )
        )
        .exists()
    )
    due = (
        await session.execute(
            select(ProcedureDocument)
            .where(
                ProcedureDocument.status == DocumentStatus.effective.value,
                ProcedureDocument.next_review_on <= today + dt.timedelta(days=reminder_days),
                ~reminded,
            )
            .order_by(ProcedureDocument.next_review_on, ProcedureDocument.id)
            .limit(limit)
        )
    ).scalars()
    sent = 0
    moment = now()
    for document in list(due):
        statement = (
            dialect_insert(session, ReviewReminder)
            .values(document_id=document.id, review_on=document.next_review_on, reminded_at=moment)
            .on_conflict_do_nothing(index_elements=["document_id", "review_on"])
            .returning(ReviewReminder.document_id)
        )
        if (await session.execute(statement)).first() is None:
            continue  # another tick reminded of it just now
        await record_event(
            session,
            LedgerEvent.procedure_review_due,
            subject=document.id,
            data={
                **document_facts(document),
                "review_on": document.next_review_on.isoformat(),
                "days_left": (document.next_review_on - today).days,
                "actor": None,
            },
        )
        sent += 1
    return sent
