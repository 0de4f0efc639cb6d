"""The rules of contact points and preferences: an address is used only once the code sent
to it has come back; a change the replicas must know of is an `auth.user.updated` event in
the same transaction."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from gateway.contacts.models import (
    CodeSent,
    ContactChannel,
    ContactPoint,
    MessagePreferences,
)
from gateway.contacts.policy import CodeRules, ensure_a_person
from gateway.events import AuthEvent
from gateway.users.events import record_user_change
from gateway.users.service import get_active_user, lock_user
from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import Conflict, NotFound, RateLimited, invalid_field
from guanjia_shared.outbox import record_event

# A mainland mobile number, after spaces, dashes and a leading +86 are dropped.
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_MOBILE_DECORATION = re.compile(r"[\s-]")
# What a mail server takes, without the parts (quoted names, comments) nobody types.
_EMAIL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# A 企业微信 user id, as its admin console allows.
_WECOM = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")


def normalized_address(channel: ContactChannel, typed: str) -> str:
    """The address in the one form its channel's sender takes, or 422."""
    if channel is ContactChannel.mobile:
        number = _MOBILE_DECORATION.sub("", typed).removeprefix("+86")
        if _MOBILE.match(number):
            return number
        raise invalid_field("not a mainland mobile number (11 digits, 1 first)", "#/address")
    if channel is ContactChannel.email:
        if _EMAIL.match(typed) and len(typed) <= 254:
            mailbox, _, domain = typed.rpartition("@")
            return f"{mailbox}@{domain.lower()}"
        raise invalid_field("not an email address", "#/address")
    if _WECOM.match(typed):
        return typed
    raise invalid_field("not a 企业微信 user id (letters, digits, _ . @ -)", "#/address")


def _code_digest(contact: ContactPoint, code: str) -> str:
    return hashlib.sha256(f"{contact.id}:{code}".encode()).hexdigest()


async def list_contacts(*, session: AsyncSession, caller: Principal) -> list[ContactPoint]:
    ensure_a_person(caller)
    found = await session.scalars(
        select(ContactPoint).where(ContactPoint.user_id == caller.id).order_by(ContactPoint.channel)
    )
    return list(found)


async def _contact(session: AsyncSession, user_id: str, channel: ContactChannel):
    return await session.scalar(
        select(ContactPoint).where(ContactPoint.user_id == user_id, ContactPoint.channel == channel)
    )


async def set_contact(
    *,
    session: AsyncSession,
    caller: Principal,
    channel: ContactChannel,
    typed_address: str,
    rules: CodeRules,
) -> tuple[ContactPoint, bool]:
    """Start verifying `typed_address` for `channel`: a code goes to it (by notify-svc, from
    the event), the verified address so far stays in use until the code comes back.
    Answers the contact point and whether a code was sent (not when the address is the
    verified one already)."""
    ensure_a_person(caller)
    address = normalized_address(channel, typed_address)
    await lock_user(session, caller.id)
    contact = await _contact(session, caller.id, channel)
    moment = now()
    if contact is None:
        contact = ContactPoint(user_id=caller.id, channel=channel)
    elif contact.address == address and contact.verified_at is not None:
        # Typed again as it is: nothing to verify, and any other address being verified
        # is given up.
        contact.pending_address = contact.code_hash = contact.code_expires_at = None
        session.add(contact)
        await session.commit()
        return contact, False
    elif contact.code_sent_at is not None and moment < contact.code_sent_at + rules.resend_after:
        wait = contact.code_sent_at + rules.resend_after - moment
        raise RateLimited(
            "a code was sent for this channel a moment ago; wait before asking again",
            retry_after=int(wait.total_seconds()) + 1,
        )
    await _ensure_codes_left_today(session, caller.id, moment, rules)
    code = f"{secrets.randbelow(10**6):06d}"
    contact.pending_address = address
    contact.code_hash = _code_digest(contact, code)
    contact.code_sent_at = moment
    contact.code_expires_at = moment + rules.lifetime
    contact.failed_attempts = 0
    session.add(contact)
    session.add(CodeSent(user_id=caller.id, sent_at=moment))
    await record_event(
        session,
        AuthEvent.contact_verification_requested,
        caller.id,
        {
            "user_id": caller.id,
            "channel": str(channel),
            "address": address,
            "code": code,
            "expires_at": contact.code_expires_at.isoformat(),
        },
    )
    await session.commit()
    return contact, True


async def _ensure_codes_left_today(
    session: AsyncSession, user_id: str, moment: datetime, rules: CodeRules
) -> None:
    """429 once the person has had `rules.per_day` codes sent in the last 24 hours, until
    the oldest of them is a day old; older records are dropped on the way."""
    day_ago = moment - timedelta(days=1)
    await session.execute(
        delete(CodeSent).where(CodeSent.user_id == user_id, CodeSent.sent_at <= day_ago)
    )
    sent = list(
        await session.scalars(
            select(CodeSent.sent_at).where(CodeSent.user_id == user_id).order_by(CodeSent.sent_at)
        )
    )
    if len(sent) >= rules.per_day:
        wait = sent[-rules.per_day] + timedelta(days=1) - moment
        raise RateLimited(
            f"{rules.per_day} codes have been sent for you in 24 hours; ask again later",
            retry_after=int(wait.total_seconds()) + 1,
        )


async def verify_contact(
    *,
    session: AsyncSession,
    caller: Principal,
    channel: ContactChannel,
    code: str,
    rules: CodeRules,
) -> ContactPoint:
    """The code sent to the pending address: right, the address becomes the one in use.
    Each wrong entry is counted (and kept) before the answer, so guesses sent at once
    cannot outnumber the attempts."""
    ensure_a_person(caller)
    user = await lock_user(session, caller.id)
    contact = await _contact(session, caller.id, channel)
    if contact is None or contact.pending_address is None or contact.code_hash is None:
        raise Conflict("no code is out for this channel: set the address first", rule="no-code-out")
    if contact.code_expires_at is None or now() >= contact.code_expires_at:
        raise Conflict("the code has expired: ask for a new one", rule="code-spent")
    if contact.failed_attempts >= rules.attempts:
        raise Conflict("too many wrong codes: ask for a new one", rule="code-spent")
    if not hmac.compare_digest(contact.code_hash, _code_digest(contact, code)):
        contact.failed_attempts += 1
        session.add(contact)
        await session.commit()
        raise invalid_field("the code is not the one sent", "#/code")
    contact.address = contact.pending_address
    contact.verified_at = now()
    contact.pending_address = contact.code_hash = contact.code_expires_at = None
    contact.failed_attempts = 0
    session.add(contact)
    await session.flush()
    await record_user_change(session, user, AuthEvent.user_updated)
    await session.commit()
    return contact


async def remove_contact(
    *, session: AsyncSession, caller: Principal, channel: ContactChannel
) -> None:
    """Forget the channel, verified address and code alike."""
    ensure_a_person(caller)
    user = await lock_user(session, caller.id)
    contact = await _contact(session, caller.id, channel)
    if contact is None:
        raise NotFound(f"no {channel} contact point")
    was_in_use = contact.verified_at is not None
    await session.delete(contact)
    await session.flush()
    if was_in_use:
        await record_user_change(session, user, AuthEvent.user_updated)
    await session.commit()


async def get_preferences(*, session: AsyncSession, caller: Principal) -> dict[str, Any]:
    ensure_a_person(caller)
    user = await get_active_user(session=session, user_id=caller.id)
    if user is None:
        raise NotFound("no such active user")
    return {"topics": user.message_preferences}


async def set_preferences(
    *, session: AsyncSession, caller: Principal, data: MessagePreferences
) -> dict[str, Any]:
    """Replace the person's preferences as a whole (what the settings page saves)."""
    ensure_a_person(caller)
    topics = [entry.topic for entry in data.topics]
    for index, topic in enumerate(topics):
        if topic in topics[:index]:
            raise invalid_field(f"{topic} is named twice", f"#/topics/{index}/topic")
    user = await lock_user(session, caller.id)
    user.message_preferences = [
        {"topic": entry.topic, "channels": [str(c) for c in dict.fromkeys(entry.channels)]}
        for entry in data.topics
    ]
    await record_user_change(session, user, AuthEvent.user_updated)
    await session.commit()
    return {"topics": user.message_preferences}
