"""The person as the `auth.user.*` events carry them: everything a replica needs to reach
them, nothing to sign in as them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from gateway.contacts.models import ContactPoint
from gateway.events import AuthEvent
from gateway.users.models import User
from guanjia_shared.outbox import record_event


async def record_user_change(session: AsyncSession, user: User, event: AuthEvent) -> None:
    """Raise the user's version and record `event` with their snapshot in the caller's
    transaction; the caller holds the user's row (see users.service.lock_user)."""
    if event is AuthEvent.user_updated:
        user.version += 1
    session.add(user)
    await record_event(session, event, user.id, await user_snapshot(session, user))


async def user_snapshot(session: AsyncSession, user: User) -> dict[str, Any]:
    verified = await session.scalars(
        select(ContactPoint)
        .where(ContactPoint.user_id == user.id, ContactPoint.verified_at.is_not(None))
        .order_by(ContactPoint.channel)
    )
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "roles": list(user.roles),
        "unit_id": user.unit_id,
        "department": user.department,
        "active": user.active,
        "version": user.version,
        "contacts": [{"channel": point.channel, "address": point.address} for point in verified],
        "message_preferences": list(user.message_preferences),
    }
