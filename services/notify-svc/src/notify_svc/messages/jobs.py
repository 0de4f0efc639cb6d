"""The sender of people's messages: each tick claims the due ones, hands each to its
channel's sender, and records the outcome, in three steps as the webhook sender does (so
no transaction waits on a mail server): claim with a lease (FOR UPDATE SKIP LOCKED on
PostgreSQL, so replicas take disjoint rows), send, record where the message is still the
attempt this round made. A message whose sender died mid-round is sent again once its
lease runs out, with the same id (the SMS provider's `request_id`, the mail's Message-ID).

Settled (sent or failed), a message forgets the code it carried. A copy that fails for good
with another channel to fall back on hands over to it: a new message by that channel, at
once (after `message_attempts_before_failover` tries rather than all of them).

The digests: once a day, at `digest_at`, each person's held messages of one channel go out
together as one message by that channel.

The pruning: every hour, the settled messages older than `message_keep_days` are forgotten."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import select

from guanjia_shared.clock import now
from guanjia_shared.db import SessionFactory, claim_rows
from guanjia_shared.ids import new_id
from guanjia_shared.logging import get_logger
from guanjia_shared.periodic import PeriodicJob
from notify_svc.channels.senders import Sender, SendFailed, senders_from_settings
from notify_svc.config import Settings
from notify_svc.messages.models import SECRET_PLACEHOLDER, Message, MessageStatus, delivery_key
from notify_svc.messages.service import record_messages
from notify_svc.outbound import Outbound, outbound_session
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
    attempts = await claim_due_messages(session_factory, settings)
    if not attempts:
        return 0  # most ticks: no HTTP session made for nothing
    tried, rounds = 0, 0
    async with outbound_session(settings.channel_timeout_seconds) as http:
        while attempts:
            outcomes = await asyncio.gather(
                *(send(senders, settings, http, attempt) for attempt in attempts)
            )
            await record_outcomes(session_factory, settings, outcomes)
            tried, rounds = tried + len(attempts), rounds + 1
            if rounds == MAX_ROUNDS:
                break
            attempts = await claim_due_messages(session_factory, settings)
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


async def send(
    senders: dict[str, Sender], settings: Settings, http: Outbound, attempt: Attempt
) -> Outcome:
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
            http,
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
        query = select(Message).where(
            Message.id.in_([outcome.attempt.message_id for outcome in outcomes]),
            Message.status == MessageStatus.pending,
        )
        pending = {message.id: message for message in (await session.scalars(query))}
        for outcome in outcomes:
            message = pending.get(outcome.attempt.message_id)
            if message is None or message.attempts != outcome.attempt.attempt:
                continue  # settled, or taken again by a sender past this one's lease
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
            tries = (
                settings.message_attempts_before_failover
                if message.fallbacks
                else settings.message_max_attempts
            )
            worth_again = (
                failure.retryable
                and message.attempts < tries
                and (message.give_up_at is None or retry_at < message.give_up_at)
            )
            if worth_again:
                message.next_attempt_at = retry_at
                continue
            message.status, message.secret = MessageStatus.failed, None
            log.warning(
                "message_failed",
                message_id=message.id,
                channel=message.channel,
                error=message.last_error,
            )
            if message.fallbacks:
                await record_messages(session, [failed_over(message, at)])
        await session.commit()


def failed_over(message: Message, at: dt.datetime) -> dict:
    """The copy by the next channel of a message that failed for good."""
    following, *rest = message.fallbacks
    return {
        "id": new_id(),
        "delivery_key": delivery_key(
            message.event_id,
            message.rule_id or "",
            message.recipient_id or "",
            following["channel"],
        ),
        "recipient_id": message.recipient_id,
        "channel": following["channel"],
        "address": following["address"],
        "topic": message.topic,
        "subject": message.subject,
        "text": message.text,
        "link": message.link,
        "rule_id": message.rule_id,
        "event_id": message.event_id,
        "status": MessageStatus.pending.value,
        "attempts": 0,
        "next_attempt_at": at,
        "fallbacks": rest,
        "created_at": at,
    }


DIGESTS_JOB = "notify-digests"
DIGEST_TOPIC = "digest"
DIGEST_LINK = "/inbox"
DIGEST_BATCH = 500
DIGEST_TEXT_MAX = 2000


def digests_job(settings: Settings) -> PeriodicJob:
    async def tick(session_factory: SessionFactory) -> int:
        return await run_digests(session_factory)

    return PeriodicJob(
        name=DIGESTS_JOB, interval_seconds=settings.message_interval_seconds, run=tick
    )


async def run_digests(session_factory: SessionFactory) -> int:
    """One digest message per person and channel of the held messages now due (claimed, so
    that two replicas take disjoint ones); answers how many digests it made."""
    at = now()
    query = (
        select(Message)
        .where(Message.status == MessageStatus.held, Message.next_attempt_at <= at)
        .order_by(Message.recipient_id, Message.channel, Message.created_at, Message.id)
        .limit(DIGEST_BATCH)
    )
    async with session_factory() as session:
        groups: dict[tuple[str | None, str, str], list[Message]] = defaultdict(list)
        for message in (await session.execute(claim_rows(session, query))).scalars().all():
            groups[message.recipient_id, message.channel, message.address].append(message)
        digests = []
        for (person, channel, address), held in groups.items():
            digest = digest_of(held, person, channel, address, at)
            digests.append(digest)
            for message in held:
                message.status, message.digest_id = MessageStatus.digested, digest["id"]
        await record_messages(session, digests)
        await session.commit()
    return len(digests)


def digest_of(
    held: list[Message], person: str | None, channel: str, address: str, at: dt.datetime
) -> dict:
    heading = f"【管家】消息汇总（{len(held)} 条）："
    ending = f"……共 {len(held)} 条，详见管家平台消息中心。"
    lines: list[str] = []
    for index, message in enumerate(held, start=1):
        line = f"{index}. {message.subject}"
        if len("\n".join([heading, *lines, line, ending])) > DIGEST_TEXT_MAX:
            lines.append(ending)
            break
        lines.append(line)
    return {
        "id": new_id(),
        # The first held message is in this digest only (claimed): the key is its own.
        "delivery_key": f"digest:{held[0].id}",
        "recipient_id": person,
        "channel": channel,
        "address": address,
        "topic": DIGEST_TOPIC,
        "subject": f"管家消息汇总：{len(held)} 条",
        "text": "\n".join([heading, *lines]),
        "link": DIGEST_LINK,
        "event_id": held[0].event_id,
        "status": MessageStatus.pending.value,
        "attempts": 0,
        "next_attempt_at": at,
        "fallbacks": [],
        "created_at": at,
    }


PRUNING_JOB = "notify-message-pruning"
PRUNING_INTERVAL_SECONDS = 3600
# Rows one statement deletes: short transactions, so the sender and the inbox never wait long.
PRUNING_BATCH = 5_000
SETTLED = (MessageStatus.sent, MessageStatus.failed, MessageStatus.digested)


def pruning_job(settings: Settings) -> PeriodicJob:
    async def tick(session_factory: SessionFactory) -> int:
        return await prune_messages(session_factory, keep_days=settings.message_keep_days)

    return PeriodicJob(name=PRUNING_JOB, interval_seconds=PRUNING_INTERVAL_SECONDS, run=tick)


async def prune_messages(session_factory: SessionFactory, *, keep_days: int) -> int:
    """Forgets the settled messages made more than `keep_days` ago, a batch at a time; one
    pending or held for a digest stays, however old. Answers how many were forgotten."""
    before = now() - dt.timedelta(days=keep_days)
    forgotten = 0
    while True:
        batch = (
            select(Message.id)
            .where(Message.created_at < before, Message.status.in_([s.value for s in SETTLED]))
            .limit(PRUNING_BATCH)
        )
        async with session_factory() as session:
            deleted = await session.execute(delete(Message).where(Message.id.in_(batch)))
            await session.commit()
        forgotten += deleted.rowcount
        if deleted.rowcount < PRUNING_BATCH:
            return forgotten
