"""Who reads which messages: a person their own; the admin, who answers "was I told?", all
of them. The service applies it to every query."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from guanjia_shared.auth import Principal, Role
from notify_svc.messages.models import Message


def visible_messages(viewer: Principal) -> ColumnElement[bool]:
    if viewer.has_any(Role.admin):
        return true()
    return Message.recipient_id == viewer.id
