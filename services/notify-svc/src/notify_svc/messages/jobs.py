"""The sender of people's messages: each tick claims the due ones, hands each to its
channel's sender, and records the outcome, in three steps as the webhook sender does (so
no transaction waits on a mail server): claim with a lease (FOR UPDATE SKIP LOCKED on
PostgreSQL, so replicas take disjoint rows), send, record where the message is still the
attempt this round made. A message whose sender died mid-round is sent again once its
lease runs out, with the same id (the SMS provider's `request_id`, the mail's Message-ID).

Settled (sent or failed), a message forgets the code it carried."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows
from guanjia_shared.logging import get_logger
from guanjia_shared.periodic import PeriodicJob
from notify_svc.channels.senders import Sender, SendFailed, senders_from_settings
from notify_svc.config import Settings
from notify_svc.messages.models import SECRET_PLACEHOLDER, Message, MessageStatus
from notify_svc.retries import doubling_delay

log = get_logger("notify.messages")

MESSAGES_JOB = "notify-messages"
MAX_ROUNDS = 100


@dataclass(frozen=True)
class Attempt:
    message_id: str
    attempt: int
    channel: str
    address: str
    subject: str
    text: str


@dataclass(frozen=True)
class Outcome:
    attempt: Attempt
    failure: SendFailed | None


def messages_job(settings: Settings) -> PeriodicJob:
    senders = senders_from_settings(settings)

    async def tick(session_factory: SessionFactory) -> int:
        return await run_messages(session_factory, settings, senders)

    return PeriodicJob(
        name=MESSAGES_JOB, interval_seconds=settings.message_interval_seconds, run=tick
    )


async def run_messages(
    session_factory: SessionFactory, settings: Settings, senders: dict[str, Sender]
) -> int:
    """Rounds of claim, send, record until nothing is due; answers how many were tried."""
    tried = 0
    for _ in range(MAX_ROUNDS):
        attempts = await claim_due_messages(session_factory, settings)
        if not attempts:
            break
        outcomes = await asyncio.gather(*(send(senders, settings, a) for a in attempts))
        await record_outcomes(session_factory, settings, outcomes)
        tried += len(attempts)
    return tried


async def claim_due_messages(session_factory: SessionFactory, settings: Settings) -> list[Attempt]:
    at = now()
    lease = dt.timedelta(seconds=settings.channel_timeout_seconds + 30)
    query = (
        select(Message)
        .where(Message.status == MessageStatus.pending, Message.next_attempt_at <= at)
        .order_by(Message.next_attempt_at, Message.created_at)
        .limit(settings.message_batch_size)
    )
    attempts = []
    async with session_factory() as session:
        for message in (await session.execute(claim_rows(session, query))).scalars().all():
            if message.give_up_at is not None and message.give_up_at <= at:
                # Held up past its use (a code that has expired): not sent at all.
                message.status, message.secret = MessageStatus.failed, None
                message.last_error = "expired before it could be sent"
                continue
            message.attempts += 1
            message.last_attempt_at = at
            message.next_attempt_at = at + lease
            attempts.append(
                Attempt(
                    message_id=message.id,
                    attempt=message.attempts,
                    channel=message.channel,
                    address=message.address,
                    subject=message.subject,
                    text=message.text.replace(SECRET_PLACEHOLDER, message.secret or ""),
                )
            )
        await session.commit()
    return attempts


async def send(senders: dict[str, Sender], settings: Settings, attempt: Attempt) -> Outcome:
    sender = senders.get(attempt.channel)
    if sender is None:
        if settings.environment == "development":
            # `make run` has no SMS provider or mail server: the developer reads it here.
            log.info(
                "message_not_sent",
                channel=attempt.channel,
                address=attempt.address,
                text=attempt.text,
            )
        return Outcome(
            attempt, SendFailed(f"no {attempt.channel} channel configured", retryable=False)
        )
    try:
        await sender.send(
            message_id=attempt.message_id,
            address=attempt.address,
            subject=attempt.subject,
            text=attempt.text,
        )
    except SendFailed as failure:
        return Outcome(attempt, failure)
    return Outcome(attempt, None)


async def record_outcomes(
    session_factory: SessionFactory, settings: Settings, outcomes: list[Outcome]
) -> None:
    at = now()
    async with session_factory() as session:
        for outcome in outcomes:
            message = await session.scalar(
                select(Message).where(
                    Message.id == outcome.attempt.message_id,
                    Message.status == MessageStatus.pending,
                    Message.attempts == outcome.attempt.attempt,
                )
            )
            if message is None:  # settled, or taken again by a sender past this one's lease
                continue
            failure = outcome.failure
            if failure is None:
                message.status, message.sent_at, message.last_error = MessageStatus.sent, at, None
                message.secret = None
                continue
            message.last_error = str(failure)
            retry_at = at + doubling_delay(
                settings.message_first_retry_seconds,
                settings.message_max_retry_seconds,
                message.attempts,
            )
            worth_again = (
                failure.retryable
                and message.attempts < settings.message_max_attempts
                and (message.give_up_at is None or retry_at < message.give_up_at)
            )
            if worth_again:
                message.next_attempt_at = retry_at
            else:
                message.status, message.secret = MessageStatus.failed, None
                log.warning(
                    "message_failed",
                    message_id=message.id,
                    channel=message.channel,
                    error=message.last_error,
                )
        await session.commit()
