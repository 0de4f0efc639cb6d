"""The rules of management reviews (models.py has the lifecycle, pack.py the inputs,
policy.py who may do what). Each change and its event are written in one transaction;
every refusal names its rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound
from guanjia_shared.outbox import record_event
from guanjia_shared.pagination import PageParams
from ledger_svc.config import Settings
from ledger_svc.events import LedgerEvent
from ledger_svc.exceptions.service import exception_thresholds
from ledger_svc.items.models import Item, ItemCreate, ItemStatus, SourceIn
from ledger_svc.items.service import add_item
from ledger_svc.plans.service import corrective_plan
from ledger_svc.reviews import policy
from ledger_svc.reviews.models import (
    ManagementReview,
    OutputCreate,
    OutputKind,
    OutputRead,
    OutputStatus,
    ReviewCreate,
    ReviewDetail,
    ReviewOutput,
    ReviewRead,
    ReviewStatus,
    Verification,
)
from ledger_svc.reviews.pack import collect_pack

# A review's actions are ledger items whose source is the review.
ITEM_SOURCE = "ledger"


# --- reading -------------------------------------------------------------------------------


def _output_read(output: ReviewOutput, item: Item | None) -> OutputRead:
    if output.verified_at is not None:
        status = OutputStatus.verified
    elif item is not None and item.status == ItemStatus.done.value:
        status = OutputStatus.done
    else:
        status = OutputStatus.open
    return OutputRead(
        id=output.id,
        review_id=output.review_id,
        kind=OutputKind(output.kind),
        text=output.text,
        item_id=output.item_id,
        owner_id=item.owner_id if item else None,
        department=item.department if item else None,
        deadline=item.deadline if item else None,
        status=status,
        created_at=output.created_at,
        created_by=output.created_by,
        evidence=output.evidence,
        verified_at=output.verified_at,
        verified_by=output.verified_by,
    )


async def outputs_of(session: AsyncSession, review_id: str) -> list[OutputRead]:
    rows = (
        await session.execute(
            select(ReviewOutput, Item)
            .outerjoin(Item, Item.id == ReviewOutput.item_id)
            .where(ReviewOutput.review_id == review_id)
            .order_by(ReviewOutput.created_at, ReviewOutput.id)
        )
    ).all()
    return [_output_read(output, item) for output, item in rows]


async def _detail(session: AsyncSession, review: ManagementReview) -> ReviewDetail:
    return ReviewDetail.model_validate(
        {
            **ReviewRead.model_validate(review).model_dump(),
            "pack": review.pack,
            "outputs": await outputs_of(session, review.id),
        }
    )


async def list_reviews(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, page: PageParams
) -> tuple[list[ReviewRead], int]:
    """The reviews `actor` may read, latest date first. A bureau has a few a year: the
    ones a participant takes part in are picked from them all."""
    policy.ensure_may_list(actor)
    query = select(ManagementReview).order_by(
        ManagementReview.held_on.desc(), ManagementReview.created_at.desc(), ManagementReview.id
    )
    reviews = list((await session.execute(query)).scalars())
    if not policy.may_read_all(actor, quality_office):
        reviews = [r for r in reviews if policy.may_read(actor, r, quality_office)]
    return (
        [ReviewRead.model_validate(r) for r in reviews[page.offset : page.offset + page.limit]],
        len(reviews),
    )


async def _get(
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    review_id: str,
    *,
    for_update: bool = False,
) -> ManagementReview:
    review = await session.get(ManagementReview, review_id, with_for_update=for_update)
    if review is None or not policy.may_read(actor, review, quality_office):
        raise NotFound(f"no management review {review_id}")
    return review


async def read_review(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, review_id: str
) -> ReviewDetail:
    return await _detail(session, await _get(session, actor, quality_office, review_id))


# --- the pack ------------------------------------------------------------------------------


async def _previous_review(session: AsyncSession, review_id: str | None) -> dict[str, Any] | None:
    """The latest review held (or closed), and its outputs as they stand."""
    query = (
        select(ManagementReview)
        .where(ManagementReview.status != ReviewStatus.draft.value)
        .order_by(ManagementReview.held_on.desc(), ManagementReview.held_at.desc())
        .limit(1)
    )
    if review_id is not None:
        query = query.where(ManagementReview.id != review_id)
    previous = await session.scalar(query)
    if previous is None:
        return None
    outputs = await outputs_of(session, previous.id)
    return {
        "id": previous.id,
        "title": previous.title,
        "held_on": previous.held_on.isoformat(),
        "status": previous.status,
        "outputs": [
            o.model_dump(
                mode="json",
                include={"id", "kind", "text", "item_id", "owner_id", "deadline", "status"},
            )
            for o in outputs
        ],
        "outputs_by_status": {
            status.value: sum(1 for o in outputs if o.status is status) for status in OutputStatus
        },
    }


async def _collect(session: AsyncSession, review: ManagementReview) -> None:
    moment = now()
    previous = await _previous_review(session, review.id)
    review.previous_review_id = previous["id"] if previous else None
    review.pack = await collect_pack(
        session,
        period_from=review.period_from,
        period_to=review.period_to,
        moment=moment,
        previous_review=previous,
    )
    review.pack_collected_at = moment


def review_facts(review: ManagementReview) -> dict[str, Any]:
    return {
        "id": review.id,
        "title": review.title,
        "held_on": review.held_on.isoformat(),
        "period_from": review.period_from.isoformat(),
        "period_to": review.period_to.isoformat(),
        "chair_id": review.chair_id,
        "participants": review.participants,
        "status": review.status,
        "previous_review_id": review.previous_review_id,
    }


async def _tell(
    session: AsyncSession,
    event: LedgerEvent,
    review: ManagementReview,
    actor: Principal,
    **extra: Any,
) -> None:
    await record_event(
        session,
        event,
        subject=review.id,
        data={**review_facts(review), **extra, "actor": actor.id},
    )


# --- writing -------------------------------------------------------------------------------


async def make_review(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, data: ReviewCreate
) -> ReviewDetail:
    """A review in draft, its inputs collected at once."""
    policy.ensure_may_make(actor, quality_office)
    review = ManagementReview(
        title=data.title,
        held_on=data.held_on,
        period_from=data.period_from,
        period_to=data.period_to,
        chair_id=data.chair_id,
        participants=list(data.participants),
        created_by=actor.id,
        pack_collected_at=now(),
    )
    await _collect(session, review)
    session.add(review)
    await session.flush()
    await _tell(session, LedgerEvent.review_created, review, actor)
    await session.commit()
    return await _detail(session, review)


def _ensure_status(review: ManagementReview, wanted: ReviewStatus, doing: str, rule: str) -> None:
    if review.status != wanted.value:
        raise Conflict(f"the review is {review.status}: {doing} needs it {wanted.value}", rule=rule)


async def collect_again(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, review_id: str
) -> ReviewDetail:
    """The pack collected anew, while the review is a draft."""
    review = await _get(session, actor, quality_office, review_id, for_update=True)
    policy.ensure_may_run(actor, review, quality_office)
    _ensure_status(review, ReviewStatus.draft, "collecting the pack", "pack-frozen")
    await _collect(session, review)
    review.version += 1
    await _tell(session, LedgerEvent.review_pack_collected, review, actor)
    await session.commit()
    return await _detail(session, review)


async def hold_review(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, review_id: str
) -> ReviewDetail:
    """draft → held: the review took place; its pack is frozen."""
    review = await _get(session, actor, quality_office, review_id, for_update=True)
    policy.ensure_may_run(actor, review, quality_office)
    _ensure_status(review, ReviewStatus.draft, "holding it", "review-status")
    review.status = ReviewStatus.held.value
    review.held_at, review.held_by = now(), actor.id
    review.version += 1
    await _tell(session, LedgerEvent.review_held, review, actor)
    await session.commit()
    return await _detail(session, review)


async def add_output(
    *,
    session: AsyncSession,
    actor: Principal,
    settings: Settings,
    review_id: str,
    data: OutputCreate,
) -> OutputRead:
    """A decision, or an action: a ledger item of the year's corrective-action plan, made by the
    items' own rules. Not on a closed review."""
    review = await _get(session, actor, settings.quality_office, review_id, for_update=True)
    policy.ensure_may_run(actor, review, settings.quality_office)
    if review.status == ReviewStatus.closed.value:
        raise Conflict("the review is closed; it takes no more outputs", rule="review-closed")
    item = None
    if data.kind is OutputKind.action:
        item = await add_item(
            session,
            await corrective_plan(session, bureau_today().year),
            ItemCreate(
                title=data.text[:200].splitlines()[0],
                target=data.text,
                breakdown=f"来源：管理评审“{review.title}”（{review.held_on.isoformat()}）的输出",
                owner_id=data.owner_id,
                department=data.department,
                deadline=data.deadline,
                source=SourceIn(service=ITEM_SOURCE, ref=review.id),
            ),
            actor_id=actor.id,
            thresholds=exception_thresholds(settings),
        )
    output = ReviewOutput(
        review_id=review.id,
        kind=data.kind.value,
        text=data.text,
        item_id=item.id if item else None,
        created_by=actor.id,
    )
    session.add(output)
    review.version += 1
    await session.flush()
    read = _output_read(output, item)
    await _tell(
        session,
        LedgerEvent.review_output_added,
        review,
        actor,
        output=read.model_dump(mode="json", exclude={"text", "evidence"}),
    )
    await session.commit()
    return read


async def verify_output(
    *,
    session: AsyncSession,
    actor: Principal,
    quality_office: str | None,
    review_id: str,
    output_id: str,
    data: Verification,
) -> OutputRead:
    """An output verified, with the evidence: once the review is held, an action once its
    ledger item is done; once."""
    review = await _get(session, actor, quality_office, review_id, for_update=True)
    output = await session.get(ReviewOutput, output_id, with_for_update=True)
    if output is None or output.review_id != review.id:
        raise NotFound(f"no output {output_id} of review {review_id}")
    item = await session.get(Item, output.item_id) if output.item_id else None
    policy.ensure_may_verify(actor, review, item.owner_id if item else None, quality_office)
    _ensure_status(review, ReviewStatus.held, "verifying its outputs", "review-status")
    if output.verified_at is not None:
        raise Conflict("the output is verified already", rule="output-verified")
    if item is not None and item.status != ItemStatus.done.value:
        raise Conflict(
            f"the action's ledger item {item.id} is not done: it is verified once done",
            rule="action-done-first",
        )
    output.evidence = data.evidence
    output.verified_at, output.verified_by = now(), actor.id
    review.version += 1
    read = _output_read(output, item)
    await _tell(
        session,
        LedgerEvent.review_output_verified,
        review,
        actor,
        output=read.model_dump(mode="json", exclude={"text", "evidence"}),
    )
    await session.commit()
    return read


async def close_review(
    *, session: AsyncSession, actor: Principal, quality_office: str | None, review_id: str
) -> ReviewDetail:
    """held → closed, only when every output is verified."""
    review = await _get(session, actor, quality_office, review_id, for_update=True)
    policy.ensure_may_run(actor, review, quality_office)
    _ensure_status(review, ReviewStatus.held, "closing it", "review-status")
    outputs = await outputs_of(session, review.id)
    unverified = [o.id for o in outputs if o.status is not OutputStatus.verified]
    if unverified:
        raise Conflict(
            f"{len(unverified)} output(s) not verified yet",
            rule="every-output-verified",
            unverified=unverified,
        )
    review.status = ReviewStatus.closed.value
    review.closed_at, review.closed_by = now(), actor.id
    review.version += 1
    await _tell(session, LedgerEvent.review_closed, review, actor, outputs=len(outputs))
    await session.commit()
    return await _detail(session, review)
