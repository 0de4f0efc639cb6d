"""The message log: who was told what, when, by which channel, and how it went."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from guanjia_shared.auth import Principal
from guanjia_shared.pagination import PageParams, fetch_page
from notify_svc.messages.models import Message, MessageStatus
from notify_svc.messages.policy import visible_messages


async def list_messages(
    *,
    session: AsyncSession,
    viewer: Principal,
    page: PageParams,
    recipient_id: str | None = None,
    status: MessageStatus | None = None,
    channel: str | None = None,
    topic: str | None = None,
) -> tuple[list[Message], int]:
    """Newest first, of those the viewer may read."""
    query = select(Message).where(visible_messages(viewer))
    for column, value in (
        (Message.recipient_id, recipient_id),
        (Message.status, status),
        (Message.channel, channel),
        (Message.topic, topic),
    ):
        if value is not None:
            query = query.where(column == value)
    return await fetch_page(
        session, query.order_by(Message.created_at.desc(), Message.id.desc()), page
    )
