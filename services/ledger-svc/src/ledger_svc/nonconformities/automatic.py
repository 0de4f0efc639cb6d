"""The automatic nonconformity: service failures feed the quality system (issue 20).

Each breach or rating ticket-svc reports for a commitment is kept as a signal (what the
consumer makes of the event: consumers.py). A nonconformity opens by itself against the
procedure the commitment carries out when, within any `NONCONFORMITY_PERIOD_DAYS`:

- `breaches`: the department breached the commitment on `NONCONFORMITY_BREACH_COUNT`
  tickets (a ticket late to respond and to resolve is one failure of the service, not two);
- `rating`: `NONCONFORMITY_RATING_MIN_COUNT` ratings of its tickets under the commitment
  average below `NONCONFORMITY_RATING_BELOW` (fewer ratings say too little to judge on).

Only the signals not yet part of a nonconformity count, so the failures that opened one do
not open the next. While the department's nonconformity for a commitment and trigger is
open, the signals that come are added to it (`opening` false) instead of counting towards
another; once it is closed, a new run of failures may open another.

Once, however the events arrive:
- the consumer's inbox applies an event once per consumer, and the signal's key is the
  event's id;
- the signals of one department, commitment and trigger are noted one at a time (a
  transaction-scoped advisory lock on PostgreSQL; SQLite has one writer), so two consumers
  taking two breaches at once cannot each count one short;
- and the nonconformity's `open_key` (trigger, department, commitment) is unique while it is
  open, so even past the lock a second one cannot be written: the loser adds its signal to
  the winner's.

A commitment that names no procedure (`procedure_code` null in the event) opens nothing, as
there is no procedure to hold against: its signals stay counted, and the first one that
names a procedure with enough failures in its period opens the nonconformity. ledger-svc
finds the procedure in its register when it can (`procedure_id`); ticket-svc checked the
code's shape alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.bureau_time import bureau_date
from guanjia_shared.logging import get_logger
from ledger_svc.config import Settings
from ledger_svc.nonconformities.models import (
    Nonconformity,
    NonconformitySignal,
    SignalKind,
    Source,
    Trigger,
)
from ledger_svc.nonconformities.service import procedure_in_register, record_opening

log = get_logger("ledger.nonconformities")

# The advisory-lock space of "one department's commitment's signals" (the two-key form).
SIGNAL_LOCK_SPACE = 7_320_020
TRIGGER_OF = {SignalKind.breach: Trigger.breaches, SignalKind.rating: Trigger.rating}


@dataclass(frozen=True)
class AutomaticRules:
    breach_count: int
    period: dt.timedelta
    rating_below: float
    rating_min_count: int

    @classmethod
    def from_settings(cls, settings: Settings) -> AutomaticRules:
        return cls(
            breach_count=settings.nonconformity_breach_count,
            period=dt.timedelta(days=settings.nonconformity_period_days),
            rating_below=settings.nonconformity_rating_below,
            rating_min_count=settings.nonconformity_rating_min_count,
        )


def open_key(trigger: Trigger, department: str, commitment_id: str) -> str:
    return f"{trigger.value}|{commitment_id}|{department}"


async def note_signal(
    session: AsyncSession, signal: NonconformitySignal, rules: AutomaticRules
) -> Nonconformity | None:
    """Keep `signal`; answers the nonconformity it opened, if it opened one. The caller
    (the consumer) commits."""
    trigger = TRIGGER_OF[SignalKind(signal.kind)]
    key = open_key(trigger, signal.department, signal.commitment_id)
    await _take_turns(session, key)
    if await session.get(NonconformitySignal, signal.event_id) is not None:
        return None  # this very event was noted already
    session.add(signal)
    await session.flush()

    already = await session.scalar(select(Nonconformity).where(Nonconformity.open_key == key))
    if already is not None:
        await _link(session, already, [signal], opening=False)
        return None
    window = _first_window_met(await _uncounted_near(session, signal, rules), signal, rules)
    if window is None:
        return None
    if signal.procedure_code is None:
        log.info(
            "nonconformity_not_opened_no_procedure",
            commitment_id=signal.commitment_id,
            department=signal.department,
            trigger=trigger.value,
        )
        return None
    return await _open(session, key, trigger, signal, window, rules)


async def _take_turns(session: AsyncSession, key: str) -> None:
    if session.bind.dialect.name == "postgresql":
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True)
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": SIGNAL_LOCK_SPACE, "key": number},
        )


async def _uncounted_near(
    session: AsyncSession, signal: NonconformitySignal, rules: AutomaticRules
) -> list[NonconformitySignal]:
    """The signals of the same kind, department and commitment, in no nonconformity yet,
    less than a period before or after `signal` (its own included), oldest first."""
    query = (
        select(NonconformitySignal)
        .where(
            NonconformitySignal.kind == signal.kind,
            NonconformitySignal.department == signal.department,
            NonconformitySignal.commitment_id == signal.commitment_id,
            NonconformitySignal.nonconformity_id.is_(None),
            NonconformitySignal.occurred_at > signal.occurred_at - rules.period,
            NonconformitySignal.occurred_at < signal.occurred_at + rules.period,
        )
        .order_by(NonconformitySignal.occurred_at, NonconformitySignal.event_id)
    )
    return list((await session.execute(query)).scalars().all())


def _first_window_met(
    signals: Sequence[NonconformitySignal], new: NonconformitySignal, rules: AutomaticRules
) -> list[NonconformitySignal] | None:
    """The earliest period-long window holding `new` whose signals meet the trigger's rule
    (events may come out of order: the new one need not be the latest), or None."""
    met = _rule(SignalKind(new.kind), rules)
    for end in signals:
        if end.occurred_at < new.occurred_at:
            continue
        window = [
            s for s in signals if end.occurred_at - rules.period < s.occurred_at <= end.occurred_at
        ]
        if met(window):
            return window
    return None


def _rule(kind: SignalKind, rules: AutomaticRules) -> Callable[[list[NonconformitySignal]], bool]:
    if kind is SignalKind.breach:
        return lambda window: len(_tickets(window)) >= rules.breach_count
    return lambda window: (
        len(window) >= rules.rating_min_count and _mean(window) < rules.rating_below
    )


def _tickets(window: Sequence[NonconformitySignal]) -> set[str]:
    return {s.ticket_id or s.event_id for s in window}


def _mean(window: Sequence[NonconformitySignal]) -> float:
    return sum(s.score or 0 for s in window) / len(window)


async def _open(
    session: AsyncSession,
    key: str,
    trigger: Trigger,
    signal: NonconformitySignal,
    window: list[NonconformitySignal],
    rules: AutomaticRules,
) -> Nonconformity | None:
    nonconformity = Nonconformity(
        source=Source.automatic.value,
        trigger=trigger.value,
        procedure_code=signal.procedure_code,
        procedure_id=await procedure_in_register(session, signal.procedure_code or ""),
        department=signal.department,
        commitment_id=signal.commitment_id,
        commitment_code=signal.commitment_code,
        complaint_ref=None,
        description=_description(trigger, signal, window, rules),
        open_key=key,
    )
    try:
        async with session.begin_nested():
            session.add(nonconformity)
    except IntegrityError:
        # Opened meanwhile past the lock (the unique key): the signal joins that one.
        already = (
            await session.execute(select(Nonconformity).where(Nonconformity.open_key == key))
        ).scalar_one()
        await _link(session, already, [signal], opening=False)
        return None
    await _link(session, nonconformity, window, opening=True)
    await record_opening(
        session,
        nonconformity,
        actor_id=None,
        detail={
            "signals": [s.event_id for s in window],
            "tickets": sorted(_tickets(window)),
            "window": {
                "from": window[0].occurred_at.isoformat(),
                "to": window[-1].occurred_at.isoformat(),
                "period_days": rules.period.days,
            },
        },
    )
    return nonconformity


async def _link(
    session: AsyncSession,
    nonconformity: Nonconformity,
    signals: Sequence[NonconformitySignal],
    *,
    opening: bool,
) -> None:
    await session.execute(
        update(NonconformitySignal)
        .where(NonconformitySignal.event_id.in_([s.event_id for s in signals]))
        .values(nonconformity_id=nonconformity.id, opening=opening)
        .execution_options(synchronize_session=False)
    )
    for signal in signals:
        signal.nonconformity_id, signal.opening = nonconformity.id, opening


def _description(
    trigger: Trigger,
    signal: NonconformitySignal,
    window: Sequence[NonconformitySignal],
    rules: AutomaticRules,
) -> str:
    first, last = bureau_date(window[0].occurred_at), bureau_date(window[-1].occurred_at)
    commitment = signal.commitment_code or signal.commitment_id
    if trigger is Trigger.breaches:
        return (
            f"{signal.department}在 {rules.period.days} 天内有 {len(_tickets(window))} 件工单"
            f"超过服务承诺“{commitment}”的时限（{first} 至 {last}），"
            f"达到 {rules.breach_count} 件的阈值。"
        )
    return (
        f"{signal.department}服务承诺“{commitment}”的 {len(window)} 条服务评价"
        f"（{first} 至 {last}）平均 {_mean(window):.2f} 分，低于 {rules.rating_below:g} 分。"
    )
