"""The messages events become. Today one kind: the code a person asked for to verify a
contact point at the gateway, sent to that address (the only message that goes to an
address not yet verified), worth sending until the code expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.consumer import PoisonEvent, Subscription
from guanjia_shared.events import CloudEvent
from guanjia_shared.ids import new_id
from notify_svc.events import ConsumedAuthEvent
from notify_svc.messages.jobs import MESSAGES_JOB
from notify_svc.messages.models import SECRET_PLACEHOLDER, ContactChannel, MessageStatus
from notify_svc.messages.service import record_messages

VERIFICATION_TOPIC = "auth.verification"
VERIFICATION_SUBJECT = "管家平台验证码"
VERIFICATION_TEXT = (
    "【管家】您的验证码是 {secret}，{minutes} 分钟内有效，用于验证您在管家平台登记的联系方式。"
    "如非本人操作，请忽略本消息。"
)


async def record_verification_code(session: AsyncSession, event: CloudEvent) -> None:
    data = event.data
    try:
        user_id, channel, address, code = (
            str(data[field]) for field in ("user_id", "channel", "address", "code")
        )
        expires_at = datetime.fromisoformat(data["expires_at"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PoisonEvent(f"a verification request without its fields: {exc}") from exc
    if channel not in {c.value for c in ContactChannel} or expires_at.tzinfo is None:
        raise PoisonEvent(f"a verification request for channel {channel!r}")
    minutes = max(1, round((expires_at - event.time).total_seconds() / 60))
    message = dict(
        id=new_id(),
        delivery_key=f"{event.id}:{channel}",
        recipient_id=user_id,
        channel=channel,
        address=address[:254],
        topic=VERIFICATION_TOPIC,
        subject=VERIFICATION_SUBJECT,
        text=VERIFICATION_TEXT.format(secret=SECRET_PLACEHOLDER, minutes=minutes),
        secret=code[:64],
        status=MessageStatus.pending,
        attempts=0,
        next_attempt_at=event.time,
        give_up_at=expires_at,
        event_id=event.id,
        created_at=event.time,
    )
    await record_messages(session, [message])


def verification_code_subscription() -> Subscription:
    return Subscription(
        name="verification-codes",
        filter="auth.contact.>",
        handlers={ConsumedAuthEvent.contact_verification_requested: record_verification_code},
        wakes=(MESSAGES_JOB,),  # the person waits, the form open, for the code
    )
