from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from guanjia_shared.auth import CurrentUser
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery
from notify_svc.messages import service
from notify_svc.messages.models import MessageRead, MessageStatus

router = APIRouter(prefix="/api/v1/notify/messages", tags=["messages"])


@router.get("", response_model=Page[MessageRead])
async def list_messages(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    recipient_id: Annotated[str | None, Query(max_length=36)] = None,
    status: MessageStatus | None = None,
    channel: Literal["mobile", "email", "wecom"] | None = None,
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
