"""The message log (who was told what, when, by which channel, and how it went) and each
person's console inbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.db import insert_new_rows
from guanjia_shared.errors import NotFound
from guanjia_shared.pagination import PageParams, fetch_page
from notify_svc.messages.models import Channel, Message, MessageRead, MessageStatus
from notify_svc.messages.policy import visible_messages
from notify_svc.recipients.service import display_names


async def record_messages(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Writes the messages whose delivery key is new; one already made stays as it is."""
    await insert_new_rows(session, Message.__table__, rows, unique=["delivery_key"])


async def list_messages(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    recipient_id: str | None = None,
    status: MessageStatus | None = None,
    channel: str | None = None,
    topic: str | None = None,
) -> tuple[list[MessageRead], int]:
    """Newest first, of those the viewer may read, each with its recipient's name as the
    replica has it now."""
    query = select(Message).where(visible_messages(viewer))
    for column, value in (
        (Message.recipient_id, recipient_id),
        (Message.status, status),
        (Message.channel, channel),
        (Message.topic, topic),
    ):
        if value is not None:
            query = query.where(column == value)
    messages, total = await fetch_page(
        session, query.order_by(Message.created_at.desc(), Message.id.desc()), page
    )
    names = await display_names(session, {m.recipient_id for m in messages} - {None})
    reads = [
        MessageRead.model_validate(message).model_copy(
            update={"recipient_name": names.get(message.recipient_id)}
        )
        for message in messages
    ]
    return reads, total


def inbox_of(viewer: Principal):
    # Each person's own, whoever they are: the admin reads others' in the message log.
    return (Message.recipient_id == viewer.id) & (Message.channel == Channel.inbox.value)


async def list_inbox(
    *, session: AsyncSession, viewer: Principal, page: PageParams, unread: bool = False
) -> tuple[list[Message], int]:
    query = select(Message).where(inbox_of(viewer))
    if unread:
        query = query.where(Message.read_at.is_(None))
    return await fetch_page(
        session, query.order_by(Message.created_at.desc(), Message.id.desc()), page
    )


def unread_count(viewer: Principal):
    return (
        select(func.count()).select_from(Message).where(inbox_of(viewer), Message.read_at.is_(None))
    )


async def count_unread(*, session: AsyncSession, viewer: Principal) -> int:
    return await session.scalar(unread_count(viewer)) or 0


async def mark_read(*, session: AsyncSession, viewer: Principal, message_id: str) -> Message:
    """Marked once: reading it again keeps the first time."""
    message = await session.scalar(
        select(Message).where(inbox_of(viewer), Message.id == message_id)
    )
    if message is None:
        raise NotFound(f"no message {message_id} in your inbox")
    if message.read_at is None:
        message.read_at = now()
        await session.commit()
    return message


async def mark_all_read(*, session: AsyncSession, viewer: Principal) -> int:
    marked = await session.execute(
        update(Message).where(inbox_of(viewer), Message.read_at.is_(None)).values(read_at=now())
    )
    await session.commit()
    return marked.rowcount
