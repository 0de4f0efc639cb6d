from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from guanjia_shared.auth import CurrentUser
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from notify_svc.config import ServiceSettings
from notify_svc.messages import service
from notify_svc.messages.models import (
    Channel,
    InboxCount,
    InboxMessageRead,
    MarkedRead,
    MessageRead,
    MessageStatus,
)
from notify_svc.messages.stream import inbox_events

router = APIRouter(prefix="/api/v1/notify/messages", tags=["messages"])
inbox_router = APIRouter(prefix="/api/v1/notify/inbox", tags=["messages"])


@router.get("", response_model=Page[MessageRead])
async def list_messages(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    recipient_id: Annotated[str | None, Query(max_length=36)] = None,
    status: MessageStatus | None = None,
    channel: Channel | None = None,
    topic: Annotated[str | None, Query(max_length=64)] = None,
):
    """Who was told what, newest first: a person their own messages, the admin everyone's.
    A code a message carried shows as ******."""
    items, total = await service.list_messages(
        session=session,
        viewer=viewer,
        page=page,
        recipient_id=recipient_id,
        status=status,
        channel=channel,
        topic=topic,
    )
    return {"items": items, "total": total}


@inbox_router.get("", response_model=Page[InboxMessageRead])
async def list_inbox(
    session: SessionDep, viewer: CurrentUser, page: PageQuery, unread: bool = False
):
    """The caller's console inbox, newest first; `unread`: only those not yet opened."""
    items, total = await service.list_inbox(
        session=session, viewer=viewer, page=page, unread=unread
    )
    return {"items": items, "total": total}


@inbox_router.get("/unread-count", response_model=InboxCount)
async def count_unread(session: SessionDep, viewer: CurrentUser):
    return {"unread": await service.count_unread(session=session, viewer=viewer)}


@inbox_router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream_inbox(request: Request, viewer: CurrentUser, settings: ServiceSettings):
    """Server-sent events: `event: inbox` with `{unread, latest}` (the newest message, or
    null) when the stream opens and within `INBOX_POLL_SECONDS` of each change; a comment
    now and then keeps it open. It ends after `INBOX_STREAM_MINUTES`; open another."""
    return StreamingResponse(
        inbox_events(request.app.state.session_factory, viewer, settings, request.is_disconnected),
        media_type="text/event-stream",
        # Not to be kept, nor held back by a buffering proxy (nginx).
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@inbox_router.post("/read", response_model=MarkedRead)
async def mark_all_read(session: SessionDep, viewer: CurrentUser):
    return {"marked": await service.mark_all_read(session=session, viewer=viewer)}


@inbox_router.post("/{message_id}/read", response_model=InboxMessageRead)
async def mark_read(message_id: str, session: SessionDep, viewer: CurrentUser):
    """Another person's message answers 404, as one that does not exist."""
    return await service.mark_read(session=session, viewer=viewer, message_id=message_id)
