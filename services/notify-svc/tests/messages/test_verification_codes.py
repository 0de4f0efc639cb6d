"""The code a person asked for at the gateway reaches the address being verified: the
`auth.contact.verification_requested` event over real NATS, an SMS provider played by a real
HTTP server and a real SMTP server (aiosmtpd) on loopback, the clock moved by hand between
tries. Once settled, a message keeps no code, and its log shows none."""

import asyncio
import json
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.receivers import receiving
from notify_svc.channels.senders import senders_from_settings
from notify_svc.messages.jobs import run_messages
from notify_svc.messages.models import Message

MESSAGES = "/api/v1/notify/messages"


@pytest.fixture
async def sms_provider():
    # The provider is down twice, then takes the message.
    async with receiving(503, 503) as provider:
        yield provider


@pytest.fixture
async def notify(service_factory, service_under_test, clock, sms_provider, mailbox):
    """notify-svc with an SMS provider and a mail server; its sender runs when a test says."""
    async with service_factory(
        *service_under_test,
        message_interval_seconds=3600,
        message_first_retry_seconds=5,
        sms_url=sms_provider.url,
        sms_token="provider-token",
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        smtp_starttls=False,
        smtp_from="管家平台 <noreply@guanjia.example.gov.cn>",
    ) as service:
        yield service


def code_requested(user_id, channel, address, code="482913", minutes=10):
    return build_event(
        service="auth",
        short_type="auth.contact.verification_requested",
        subject=user_id,
        data={
            "user_id": user_id,
            "channel": channel,
            "address": address,
            "code": code,
            "expires_at": (now() + timedelta(minutes=minutes)).isoformat(),
        },
        time=now(),
    )


async def tick(notify) -> int:
    settings = notify.settings
    return await run_messages(notify.session_factory, settings, senders_from_settings(settings))


async def the_message(notify, user_id) -> Message:
    async def recorded() -> Message:
        async with notify.session_factory() as session:
            found = (
                (await session.execute(select(Message).where(Message.recipient_id == user_id)))
                .scalars()
                .all()
            )
        assert len(found) == 1
        return found[0]

    return await eventually(recorded)


async def test_an_sms_code_is_tried_again_until_the_provider_takes_it(
    notify, publish, clock, sms_provider, token_mint
):
    person = str(uuid.uuid4())
    event = code_requested(person, "mobile", "13800138000")
    await publish(event, event)  # a redelivery makes no second message
    await the_message(notify, person)

    assert await tick(notify) == 1
    clock.advance(5)
    assert await tick(notify) == 1
    assert await tick(notify) == 0  # the next try waits 10 s now
    clock.advance(10)
    assert await tick(notify) == 1

    sent = await the_message(notify, person)
    assert (sent.status, sent.attempts, sent.secret) == ("sent", 3, None)
    bodies = [json.loads(request.body) for request in sms_provider.received]
    assert [body["mobile"] for body in bodies] == ["13800138000"] * 3
    assert {body["request_id"] for body in bodies} == {sent.id}
    assert all("482913" in body["content"] and "10 分钟" in body["content"] for body in bodies)
    assert sms_provider.received[0].headers["authorization"] == "Bearer provider-token"

    mine = await notify.client.get(MESSAGES, headers=token_mint.headers("agent", sub=person))
    [logged] = mine.json()["items"]
    assert logged["status"] == "sent" and "******" in logged["text"]
    assert "482913" not in mine.text


async def test_an_email_code_goes_through_the_mail_server(notify, publish, mailbox):
    person = str(uuid.uuid4())
    await publish(code_requested(person, "email", "lisi@example.gov.cn", code="100200"))
    await the_message(notify, person)
    assert await tick(notify) == 1
    [mail] = mailbox.mail
    assert mail["To"] == "lisi@example.gov.cn" and mail["Subject"] == "管家平台验证码"
    assert "noreply@guanjia.example.gov.cn" in mail["From"]
    assert "100200" in mail.get_content()
    assert (await the_message(notify, person)).status == "sent"


async def test_a_channel_nobody_configured_fails_at_once_and_says_why(notify, publish):
    person = str(uuid.uuid4())
    await publish(code_requested(person, "wecom", "LiSi"))
    await the_message(notify, person)
    await tick(notify)
    failed = await the_message(notify, person)
    assert (failed.status, failed.secret) == ("failed", None)
    assert failed.last_error == "no wecom channel configured"


async def test_a_code_is_not_sent_once_it_has_expired(notify, publish, clock, sms_provider):
    person = str(uuid.uuid4())
    await publish(code_requested(person, "mobile", "13900139000", minutes=1))
    await the_message(notify, person)
    await tick(notify)  # the provider is down
    clock.advance(61)
    await tick(notify)
    expired = await the_message(notify, person)
    assert (expired.status, expired.attempts) == ("failed", 1)
    assert expired.last_error == "expired before it could be sent"
    assert len(sms_provider.received) == 1


async def test_each_person_reads_their_own_messages_and_the_admin_all(notify, publish, token_mint):
    lisi, wangwu = str(uuid.uuid4()), str(uuid.uuid4())
    await publish(code_requested(lisi, "wecom", "LiSi"), code_requested(wangwu, "wecom", "WangWu"))
    await asyncio.gather(the_message(notify, lisi), the_message(notify, wangwu))

    async def seen(headers, **params) -> list[str]:
        answer = await notify.client.get(MESSAGES, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return sorted(item["address"] for item in answer.json()["items"])

    assert await seen(token_mint.headers("agent", sub=lisi)) == ["LiSi"]
    assert await seen(token_mint.headers("leader", sub="someone-else")) == []
    assert await seen(token_mint.headers("admin")) == ["LiSi", "WangWu"]
    assert await seen(token_mint.headers("admin"), recipient_id=wangwu) == ["WangWu"]
    # Naming another person's id does not open their messages.
    assert await seen(token_mint.headers("agent", sub=lisi), recipient_id=wangwu) == []
    refused = await notify.client.get(
        MESSAGES, params={"channel": "fax"}, headers=token_mint.headers("admin")
    )
    assert refused.status_code == 422
