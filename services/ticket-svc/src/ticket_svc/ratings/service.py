"""The rules of public ratings (行风评议): anyone rates a department's service from 1 to 5,
with a comment if they like, and may name the ticket it is about; the bureau publishes each
department's results and the comments it has checked. Who moderates and who reads every
rating is in policy.py.

- What is rated is a department that owns a published commitment, or a ticket (and so its
  department) named by its rating code; any other text is refused (the summary once
  published a scam phone number, given as a "department"). The code is made when the ticket
  is first resolved and shown only to the requester's side (tickets/policy.py), so holding a
  ticket's id no longer lets a stranger use up its one rating.
- A ticket must be resolved or closed (one rates a service that was given), and is rated
  once: the unique index on `ticket_id` holds that even against two raters at the same
  moment.
- One client address may rate `ratings_per_address_per_day` times in any rolling 24 hours,
  counted in the database so the limit holds across replicas; an IPv6 address counts as
  its /64, which one subscriber holds whole. The address is the one the gateway determined
  (uvicorn believes X-Forwarded-For from the gateway alone). Only a salted hash of it is
  kept (personal data minimisation), never the address.
- A comment is shown to the public only after an `admin` approves it; it is moderated once.
  A rating without a comment has nothing to moderate: its `moderation` is null.
- **Scores always count**, whatever becomes of the comment: moderation decides whether the
  words are published, not whether the rater's judgement is heard. The summary therefore
  counts every rating, pending and rejected comments included.
- The summary shows a department only from `rating_summary_min_count` ratings, and ranks by
  a mean smoothed towards the overall mean with `rating_prior_weight` virtual ratings, so a
  department with few ratings is neither top nor bottom by chance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from sqlalchemy import Row, func, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.addresses import address_block
from guanjia_shared.auth import Principal, ensure_role
from guanjia_shared.bureau_time import bureau_date, start_of_bureau_day
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, RateLimited, invalid_field
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams, fetch_page
from ticket_svc.commitments.service import procedure_codes, publishes_commitments
from ticket_svc.events import EventType
from ticket_svc.ratings import policy
from ticket_svc.ratings.models import (
    DepartmentScore,
    Moderation,
    OverallScore,
    PublicComment,
    Rating,
    RatingCreate,
    RatingInvitation,
    RatingSummary,
)
from ticket_svc.tickets.models import Ticket, TicketStatus

# Salt of the address hash. It keeps the stored value from matching a plain SHA-256 of an
# address found elsewhere; it is in the code, not a secret, so it minimises rather than
# anonymises (an IPv4 address could be found again by trying them all). The hash is kept
# only to count one address's ratings.
ADDRESS_SALT = "guanjia-ticket-ratings-v1:"
RATE_LIMIT_WINDOW = dt.timedelta(hours=24)
# A rating is about a service that was given.
RATEABLE_STATUSES = frozenset({TicketStatus.resolved.value, TicketStatus.closed.value})
# The advisory-lock space of "one address's ratings" (the two-key form, apart from the
# one-key locks other code takes).
ADDRESS_LOCK_SPACE = 7_320_001


def hash_address(address: str) -> str:
    """The stored key of the per-address limit: of the address's block (an IPv6 /64)."""
    return hashlib.sha256(f"{ADDRESS_SALT}{address_block(address)}".encode()).hexdigest()


async def record_rating(
    *, session: AsyncSession, data: RatingCreate, address: str, limit_per_day: int
) -> Rating:
    address_hash = hash_address(address)
    await _lock_address(session, address_hash)
    await _ensure_under_address_limit(session, address_hash, limit_per_day)
    department, ticket = await _rated(session, data)
    ticket_id = ticket.id if ticket is not None else None
    rating = Rating(
        department=department,
        score=data.score,
        comment=data.comment,
        ticket_id=ticket_id,
        address_hash=address_hash,
        moderation=Moderation.pending.value if data.comment else None,
    )
    session.add(rating)
    try:
        await session.flush()
    except IntegrityError as exc:  # the unique index: the ticket was rated meanwhile
        await session.rollback()
        raise Conflict(
            f"ticket {ticket_id} has already been rated", rule="one-rating-per-ticket"
        ) from exc
    await record_event(
        session,
        EventType.rating_recorded,
        subject=rating.id,
        data={
            "id": rating.id,
            "department": rating.department,
            "score": rating.score,
            "ticket_id": rating.ticket_id,
            # The words wait for moderation; consumers learn only that there are some.
            "has_comment": rating.comment is not None,
            "moderation": rating.moderation,
            "created_at": rating.created_at.isoformat(),
            **await _commitment_rated(session, ticket),
        },
    )
    await session.commit()
    return rating


async def _lock_address(session: AsyncSession, address_hash: str) -> None:
    """Serialise one address's ratings until the transaction ends, so two at once cannot
    both pass the count. SQLite serialises writers already (BEGIN IMMEDIATE)."""
    if session.bind.dialect.name == "postgresql":
        key = int.from_bytes(bytes.fromhex(address_hash)[:4], "big", signed=True)
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": ADDRESS_LOCK_SPACE, "key": key},
        )


async def _ensure_under_address_limit(
    session: AsyncSession, address_hash: str, limit_per_day: int
) -> None:
    moment = now()
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(Rating.created_at)).where(
                Rating.address_hash == address_hash,
                Rating.created_at > moment - RATE_LIMIT_WINDOW,
            )
        )
    ).one()
    if count >= limit_per_day:
        # Room comes back when the oldest rating of the window leaves it.
        wait = (oldest + RATE_LIMIT_WINDOW - moment).total_seconds()
        raise RateLimited(
            f"at most {limit_per_day} ratings a day from one address; try again later",
            retry_after=math.ceil(wait),
        )


async def _commitment_rated(session: AsyncSession, ticket: Row | None) -> dict[str, object]:
    """The commitment a rating of a ticket is about (the ticket's, under the version it was
    opened under) and the procedure it now names, so that ledger-svc's quality system can
    follow a commitment's ratings; all null for a rating of a department alone."""
    if ticket is None:
        return {
            "commitment": None,
            "commitment_id": None,
            "commitment_version": None,
            "procedure_code": None,
        }
    procedures = await procedure_codes(session, {ticket.commitment_id})
    return {
        "commitment": ticket.commitment_code,
        "commitment_id": ticket.commitment_id,
        "commitment_version": ticket.commitment_version,
        "procedure_code": procedures.get(ticket.commitment_id),
    }


async def _rated(session: AsyncSession, data: RatingCreate) -> tuple[str, Row | None]:
    """The department and the ticket (or None) a rating is about."""
    if data.code is not None:
        ticket = await _ticket_of_code(session, data.code)
        if ticket is None:
            raise invalid_field("no ticket has this rating code", "#/code")
        if data.ticket_id is not None and data.ticket_id != ticket.id:
            raise invalid_field("the rating code is another ticket's", "#/ticket_id")
        if data.department is not None and data.department != ticket.department:
            raise invalid_field(
                f"the ticket was served by {ticket.department}, not {data.department}",
                "#/department",
            )
        if ticket.status not in RATEABLE_STATUSES:
            raise Conflict(
                f"the ticket is {ticket.status}; it can be rated once resolved or closed",
                rule="rate-after-service",
            )
        return ticket.department, ticket
    if data.ticket_id is not None:
        raise invalid_field(
            "a ticket is rated with the rating code its requester was given when it was resolved",
            "#/code",
        )
    if data.department is None:
        raise invalid_field(
            "name the department rated, or give a ticket's rating code", "#/department"
        )
    if not await publishes_commitments(session, data.department):
        raise invalid_field(
            f"{data.department!r} is no department with published service commitments",
            "#/department",
        )
    return data.department, None


async def _ticket_of_code(session: AsyncSession, code: str) -> Row | None:
    """What ratings need of the ticket whose rating code is `code`: nothing personal."""
    return (
        await session.execute(
            select(
                Ticket.id,
                Ticket.title,
                Ticket.department,
                Ticket.status,
                Ticket.resolved_at,
                Ticket.commitment_id,
                Ticket.commitment_code,
                Ticket.commitment_version,
            ).where(Ticket.rating_code == code)
        )
    ).first()


async def get_invitation(*, session: AsyncSession, code: str) -> RatingInvitation:
    """What the holder of a rating code is shown before rating: which service, when."""
    ticket = await _ticket_of_code(session, code)
    if ticket is None:
        raise NotFound("no ticket has this rating code")
    rated = (
        await session.scalar(select(Rating.id).where(Rating.ticket_id == ticket.id))
    ) is not None
    return RatingInvitation(
        title=ticket.title,
        department=ticket.department,
        resolved_on=bureau_date(ticket.resolved_at) if ticket.resolved_at else None,
        rated=rated,
        can_rate=not rated and ticket.status in RATEABLE_STATUSES,
    )


async def get_rating(*, session: AsyncSession, rating_id: str) -> Rating:
    rating = await session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(f"no rating {rating_id}")
    return rating


async def list_ratings(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    department: str | None = None,
    moderation: Moderation | None = None,
) -> tuple[list[Rating], int]:
    """Newest first. With `moderation=pending`, the moderation queue."""
    ensure_role(viewer, policy.READERS)
    query = select(Rating).order_by(Rating.created_at.desc(), Rating.id)
    if department is not None:
        query = query.where(Rating.department == department)
    if moderation is not None:
        query = query.where(Rating.moderation == moderation.value)
    return await fetch_page(session, query, page)


async def approve_comment(
    *, session: AsyncSession, rating_id: str, actor: Principal, reason: str | None = None
) -> Rating:
    """Publish the rating's comment."""
    return await _moderate(session, rating_id, Moderation.approved, actor, reason)


async def reject_comment(
    *, session: AsyncSession, rating_id: str, actor: Principal, reason: str | None = None
) -> Rating:
    """Keep the rating's comment from the public; its score still counts."""
    return await _moderate(session, rating_id, Moderation.rejected, actor, reason)


async def _moderate(
    session: AsyncSession,
    rating_id: str,
    outcome: Moderation,
    actor: Principal,
    reason: str | None,
) -> Rating:
    ensure_role(actor, policy.MODERATORS)
    rating = await get_rating(session=session, rating_id=rating_id)
    if rating.moderation is None:
        raise Conflict(f"rating {rating_id} has no comment to moderate", rule="nothing-to-moderate")
    # Compare-and-set on `pending`: of two moderators at once, one decides, the other is told.
    moderated = await session.execute(
        update(Rating)
        .where(Rating.id == rating_id, Rating.moderation == Moderation.pending.value)
        .values(
            moderation=outcome.value,
            moderation_reason=reason,
            moderated_by=actor.id,
            moderated_at=now(),
        )
        .execution_options(synchronize_session=False)
    )
    if moderated.rowcount != 1:
        await session.rollback()
        raise Conflict(f"rating {rating_id}'s comment is already moderated", rule="moderate-once")
    await session.refresh(rating)
    await record_event(
        session,
        EventType.rating_moderated,
        subject=rating.id,
        data={
            "id": rating.id,
            "department": rating.department,
            "moderation": rating.moderation,
            "reason": rating.moderation_reason,
            "actor": actor.id,
        },
    )
    await session.commit()
    return rating


async def list_public_comments(
    *, session: AsyncSession, page: PageParams, department: str | None = None
) -> tuple[list[PublicComment], int]:
    """The approved comments, newest first."""
    query = (
        select(Rating)
        .where(Rating.moderation == Moderation.approved.value)
        .order_by(Rating.created_at.desc(), Rating.id)
    )
    if department is not None:
        query = query.where(Rating.department == department)
    ratings, total = await fetch_page(session, query, page)
    return [PublicComment.model_validate(rating) for rating in ratings], total


async def summarise_ratings(
    *,
    session: AsyncSession,
    min_count: int,
    prior_weight: int,
    from_: dt.date | None = None,
    to: dt.date | None = None,
) -> RatingSummary:
    """Per department from `min_count` ratings: count, mean, and the mean smoothed towards
    the overall mean (a Bayesian average), best first. Every rating in the period counts,
    whatever its comment's moderation. `from_` and `to` are bureau days, both included."""
    if from_ is not None and to is not None and to < from_:
        raise invalid_field("to is before from", "#/to")
    period = []
    if from_ is not None:
        period.append(Rating.created_at >= start_of_bureau_day(from_))
    if to is not None:
        period.append(Rating.created_at < start_of_bureau_day(to + dt.timedelta(days=1)))

    overall_count, overall_sum = (
        await session.execute(select(func.count(), func.sum(Rating.score)).where(*period))
    ).one()
    overall_mean = overall_sum / overall_count if overall_count else None

    count = func.count().label("count")
    per_department = await session.execute(
        select(Rating.department, count, func.sum(Rating.score).label("sum"))
        .where(*period)
        .group_by(Rating.department)
        .having(count >= min_count)
    )
    departments = [
        DepartmentScore(
            department=row.department,
            count=row.count,
            mean=row.sum / row.count,
            # overall_mean is not None here: a department's ratings are in the overall.
            smoothed_mean=(prior_weight * overall_mean + row.sum) / (prior_weight + row.count),
        )
        for row in per_department
    ]
    departments.sort(key=lambda score: (-score.smoothed_mean, -score.count, score.department))
    return RatingSummary(
        from_=from_,
        to=to,
        min_count=min_count,
        prior_weight=prior_weight,
        overall=OverallScore(count=overall_count, mean=overall_mean),
        departments=departments,
    )
