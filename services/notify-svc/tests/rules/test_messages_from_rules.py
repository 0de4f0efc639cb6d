"""Events become messages by the rules, over real NATS: the people a rule names, as the
recipients replica has them when the event comes, each get one inbox message and at most one
copy by the first channel they can be reached on (an SMS provider played by a real HTTP
server on loopback). A redelivered event tells nobody twice; an event no rule meets, a
disabled rule and a day-old event tell nobody; hostile text in an event stays one line."""

import json
import uuid
from datetime import timedelta

import pytest
from sqlmodel import select

from guanjia_shared.bureau_time import BUREAU_TIMEZONE
from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.receivers import receiving
from notify_svc.channels.senders import senders_from_settings
from notify_svc.messages.jobs import run_digests, run_messages
from notify_svc.messages.models import Message
from notify_svc.messages.timing import Timing
from notify_svc.rules.consumers import apply_rules

RULES = "/api/v1/notify/rules"
INBOX = "/api/v1/notify/inbox"
MOBILE = "13800138000"


@pytest.fixture
def sms_answers():
    """What the SMS provider answers, one status per request (then 200s); a test may
    parametrize it."""
    return ()


def no_quiet_hours():
    return {"quiet_hours": ""}


@pytest.fixture
def notify_settings():
    """What makes notify-svc's settings beside the channels, called on the test's clock; a
    test may parametrize it. No quiet hours, unless a test says: tests run at any hour."""
    return no_quiet_hours


@pytest.fixture
async def sms_provider(sms_answers):
    async with receiving(*sms_answers) as provider:
        yield provider


@pytest.fixture
def voice_answers():
    """What the voice provider answers, as `sms_answers`."""
    return ()


@pytest.fixture
async def voice_provider(voice_answers):
    async with receiving(*voice_answers) as provider:
        yield provider


@pytest.fixture
async def notify(
    service_factory,
    service_under_test,
    clock,
    sms_provider,
    voice_provider,
    mailbox,
    notify_settings,
):
    async with service_factory(
        *service_under_test,
        message_interval_seconds=3600,
        message_first_retry_seconds=5,
        sms_url=sms_provider.url,
        voice_url=voice_provider.url,
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port,
        smtp_starttls=False,
        **notify_settings(),
    ) as service:
        yield service


async def people(notify, publish, user_event, *events) -> None:
    """The replica holds these people, and the marker person `settled` tells, before the
    test's events come."""
    marker = user_event("created", notify.marker, version=1, display_name="标记", roles=["leader"])
    # The marker last: the auth stream keeps its order, so once the marker is listed (only
    # the active are), those before it are in.
    await publish(*events, marker)
    ids = {event.subject for event in (*events, marker) if event.data["active"]}

    async def replicated():
        listed = await notify.client.get(
            "/api/v1/notify/recipients", params={"limit": 200}, headers=notify.admin
        )
        assert ids <= {person["id"] for person in listed.json()["items"]}

    await eventually(replicated)


async def messages_of(notify, person: str) -> list[Message]:
    async with notify.session_factory() as session:
        found = await session.execute(
            select(Message).where(Message.recipient_id == person).order_by(Message.channel)
        )
        return list(found.scalars())


async def settled(notify, publish, stream: str = "emergency") -> None:
    """Everything published to `stream` before now has been applied: a stream keeps its
    order, and an event published after, which tells the marker person (a leader), has
    made its message."""
    if stream == "emergency":
        marker = task_assigned(notify.marker)
    else:
        marker = ticket_event("ticket.ticket.escalated", "leader", "车队")
    await publish(marker)

    async def told():
        found = await messages_of(notify, notify.marker)
        assert marker.id in {message.event_id for message in found}

    await eventually(told)


def task_assigned(assignee: str, time=None, **fields):
    data = {
        "id": str(uuid.uuid4()),
        "incident_id": str(uuid.uuid4()),
        "incident_title": "市行政中心A座停电",
        "incident_level": "II",
        "action": "启动备用发电机",
        "assignee": assignee,
        "deputy": None,
        "due_at": "2026-12-07T18:30:00+00:00",
        "is_drill": False,
        **fields,
    }
    return build_event(
        service="emergency",
        short_type="emergency.task.assigned",
        subject=data["id"],
        data=data,
        time=time or now(),
    )


def ticket_event(short_type: str, escalated_to: str, department: str, **fields):
    data = {
        "id": str(uuid.uuid4()),
        "title": "三楼会议室空调不制冷",
        "status": "in_progress",
        "department": department,
        "owner": None,
        "escalated_to": escalated_to,
        **fields,
    }
    return build_event(
        service="ticket", short_type=short_type, subject=data["id"], data=data, time=now()
    )


async def send_due(notify) -> int:
    settings = notify.settings
    return await run_messages(notify.session_factory, settings, senders_from_settings(settings))


def bureau_hour_minute(moment) -> str:
    return moment.astimezone(BUREAU_TIMEZONE).strftime("%H:%M")


def quiet_around_now():
    """Quiet hours from an hour ago to an hour from now, by the bureau's clock (a test's
    clock starts at the wall clock's present, whatever the hour)."""
    at = now()
    return {
        "quiet_hours": f"{bureau_hour_minute(at - timedelta(hours=1))}-"
        f"{bureau_hour_minute(at + timedelta(hours=1))}",
        "digest_at": bureau_hour_minute(at + timedelta(hours=2)),
    }


@pytest.fixture
def admin_headers(token_mint):
    return token_mint.headers("admin")


@pytest.fixture(autouse=True)
def _admin_on(notify, admin_headers):
    notify.admin = admin_headers
    notify.marker = str(uuid.uuid4())


async def test_an_assigned_task_reaches_its_holder_once_by_inbox_and_sms_whatever_they_chose(
    notify, publish, sms_provider, token_mint, user_event
):
    holder = str(uuid.uuid4())
    await people(
        notify,
        publish,
        user_event,
        user_event(
            "created",
            holder,
            version=1,
            display_name="值班电工",
            contacts=[{"channel": "mobile", "address": MOBILE}],
            # Inbox only for emergency tasks: an urgent rule texts all the same.
            message_preferences=[{"topic": "emergency.task", "channels": []}],
        ),
    )
    event = task_assigned(holder)
    await publish(event, event)  # delivered twice
    await settled(notify, publish)

    inbox, sms = await messages_of(notify, holder)
    assert (inbox.channel, inbox.status, inbox.read_at) == ("inbox", "sent", None)
    assert (sms.channel, sms.address, sms.status) == ("mobile", MOBILE, "pending")
    assert inbox.subject == "应急任务：市行政中心A座停电"
    # The deadline as the bureau's clock reads it (UTC+8).
    assert (
        "II级响应" in sms.text and "启动备用发电机" in sms.text and "2026-12-08 02:30" in sms.text
    )
    assert inbox.link == f"/emergency/incidents/{event.data['incident_id']}"

    assert await send_due(notify) >= 1
    [texted] = [json.loads(r.body) for r in sms_provider.received if MOBILE in r.body.decode()]
    assert texted["mobile"] == MOBILE and texted["content"] == sms.text

    mine = token_mint.headers("agent", sub=holder)
    assert (await notify.client.get(f"{INBOX}/unread-count", headers=mine)).json() == {"unread": 1}
    [listed] = (await notify.client.get(INBOX, headers=mine)).json()["items"]
    assert listed["id"] == inbox.id and listed["link"] == inbox.link


async def test_an_escalated_ticket_reaches_every_leader_by_what_each_chose(
    notify, publish, user_event
):
    chosen_sms, inbox_only, unreachable, gone, agent = (str(uuid.uuid4()) for _ in range(5))
    mobile = [{"channel": "mobile", "address": MOBILE}]
    await people(
        notify,
        publish,
        user_event,
        user_event(
            "created",
            chosen_sms,
            version=1,
            roles=["leader"],
            contacts=mobile,
            message_preferences=[{"topic": "ticket.escalation", "channels": ["mobile"]}],
        ),
        user_event(
            "created",
            inbox_only,
            version=1,
            roles=["leader"],
            contacts=mobile,
            message_preferences=[{"topic": "ticket.escalation", "channels": []}],
        ),
        user_event("created", unreachable, version=1, roles=["leader"]),
        user_event("created", gone, version=1, roles=["leader"], contacts=mobile, active=False),
        user_event("created", agent, version=1, roles=["agent"], contacts=mobile),
    )
    await publish(ticket_event("ticket.ticket.escalated", "leader", "物业管理处"))
    # One event's messages are written together: once these are there, all are.
    await eventually(lambda: _count_messages(notify, chosen_sms, 2))

    channels = {
        person: [message.channel for message in await messages_of(notify, person)]
        for person in (chosen_sms, inbox_only, unreachable, gone, agent)
    }
    assert channels == {
        chosen_sms: ["inbox", "mobile"],
        inbox_only: ["inbox"],
        unreachable: ["inbox"],
        gone: [],
        agent: [],
    }


async def test_a_breach_reaches_the_head_of_the_tickets_own_department(notify, publish, user_event):
    head, other_head = str(uuid.uuid4()), str(uuid.uuid4())
    await people(
        notify,
        publish,
        user_event,
        user_event("created", head, version=1, roles=["dept_head"], department="物业管理处"),
        user_event("created", other_head, version=1, roles=["dept_head"], department="车队"),
    )
    breach = ticket_event("ticket.ticket.sla_breached", "dept_head", "物业管理处")
    await publish(breach)
    [told] = await eventually(lambda: _count_messages(notify, head, 1))
    assert (
        told.text == "【管家】物业管理处的工单「三楼会议室空调不制冷」已超过办理时限，请督促办理。"
    )
    assert told.link == f"/tickets/{breach.data['id']}"
    assert await messages_of(notify, other_head) == []


async def test_a_fetch_of_events_applied_together_tells_each_event_its_own_people(
    notify, publish, user_event
):
    """What the consumer does with a fetch of several events at once: the rules and the
    people of all of them are read together, and each event still tells only its own."""
    head, other_head, holder = (str(uuid.uuid4()) for _ in range(3))
    mobile = [{"channel": "mobile", "address": MOBILE}]
    await people(
        notify,
        publish,
        user_event,
        user_event("created", head, version=1, roles=["dept_head"], department="物业管理处"),
        user_event("created", other_head, version=1, roles=["dept_head"], department="车队"),
        user_event("created", holder, version=1, roles=["agent"], contacts=mobile),
    )
    events = [
        ticket_event("ticket.ticket.sla_breached", "dept_head", "物业管理处"),
        task_assigned(holder),
        ticket_event("ticket.ticket.sla_breached", "dept_head", "车队"),
        ticket_event("ticket.ticket.sla_warning", "owner", "车队"),  # names nobody
        task_assigned(holder, time=now() - timedelta(hours=25)),  # too old to tell
    ]
    async with notify.session_factory() as session:
        made = await apply_rules(
            session,
            events,
            max_age=timedelta(hours=notify.settings.rule_event_max_age_hours),
            timing=Timing.from_settings(notify.settings),
        )
        await session.commit()

    told = {
        person: [
            (message.event_id, message.channel) for message in await messages_of(notify, person)
        ]
        for person in (head, other_head, holder)
    }
    assert told == {
        head: [(events[0].id, "inbox")],
        other_head: [(events[2].id, "inbox")],
        holder: [(events[1].id, "inbox"), (events[1].id, "mobile")],
    }
    assert made == 4


async def test_no_rule_met_a_disabled_rule_and_a_day_old_event_tell_nobody(
    notify, publish, clock, admin_headers, user_event
):
    holder = str(uuid.uuid4())
    await people(
        notify, publish, user_event, user_event("created", holder, version=1, roles=["dept_head"])
    )
    # escalated_to=owner with no owner: the seeded rules for a warning name nobody here.
    await publish(ticket_event("ticket.ticket.sla_warning", "owner", "车队"))
    await publish(task_assigned(holder, time=now() - timedelta(hours=25)))
    rules = await notify.client.get(
        RULES, params={"event_type": "ticket.ticket.sla_breached"}, headers=admin_headers
    )
    [breach_rule] = rules.json()["items"]
    disabled = await notify.client.patch(
        f"{RULES}/{breach_rule['id']}", json={"enabled": False}, headers=admin_headers
    )
    assert disabled.status_code == 200
    await publish(ticket_event("ticket.ticket.sla_breached", "dept_head", "物业管理处"))
    await settled(notify, publish, "ticket")
    await settled(notify, publish, "emergency")
    assert await messages_of(notify, holder) == []


async def test_a_person_the_replica_has_not_heard_of_yet_is_told_in_the_inbox(
    notify, publish, user_event
):
    await people(notify, publish, user_event)
    newcomer = str(uuid.uuid4())  # their auth.user.created is still on its way
    await publish(task_assigned(newcomer), task_assigned("x" * 37))
    await settled(notify, publish)
    [inbox] = await messages_of(notify, newcomer)
    assert (inbox.channel, inbox.status) == ("inbox", "sent")
    assert await messages_of(notify, "x" * 37) == []


async def test_hostile_text_in_an_event_stays_one_line_and_within_bounds(
    notify, publish, user_event
):
    holder = str(uuid.uuid4())
    await people(notify, publish, user_event, user_event("created", holder, version=1))
    hostile = "=cmd|'/c calc'!A1\r\n第二行\x00\x1b[31m" + "长" * 100_000
    event = task_assigned(holder, incident_title=hostile, incident_id="../../admin?x=1")
    await publish(event)
    [inbox] = await eventually(lambda: _count_messages(notify, holder, 1))
    assert "\n" not in inbox.text and "\x00" not in inbox.text and "\x1b" not in inbox.text
    assert len(inbox.subject) <= 200 and len(inbox.text) <= 2000
    # A value in a link is one path segment: it cannot climb out of its page.
    assert inbox.link == "/emergency/incidents/..%2F..%2Fadmin%3Fx%3D1"


async def _count_messages(notify, person, expected):
    found = await messages_of(notify, person)
    assert len(found) == expected
    return found


async def test_a_person_reads_their_inbox_and_nobody_elses(notify, publish, token_mint, user_event):
    holder, other = str(uuid.uuid4()), str(uuid.uuid4())
    await people(
        notify,
        publish,
        user_event,
        user_event("created", holder, version=1),
        user_event("created", other, version=1),
    )
    await publish(task_assigned(holder), task_assigned(holder), task_assigned(other))
    await eventually(lambda: _count_messages(notify, holder, 2))
    await eventually(lambda: _count_messages(notify, other, 1))
    mine, theirs = (token_mint.headers("agent", sub=person) for person in (holder, other))
    admin = token_mint.headers("admin")

    async def unread(headers) -> int:
        answer = await notify.client.get(f"{INBOX}/unread-count", headers=headers)
        return answer.json()["unread"]

    first, second = (await notify.client.get(INBOX, headers=mine)).json()["items"]
    [others] = (await notify.client.get(INBOX, headers=theirs)).json()["items"]
    # Another's message is not in sight, not even for the admin (who reads the message log).
    for headers in (mine, admin):
        refused = await notify.client.post(f"{INBOX}/{others['id']}/read", headers=headers)
        assert refused.status_code == 404
    assert (await notify.client.get(INBOX, headers=admin)).json()["total"] == 0

    opened = await notify.client.post(f"{INBOX}/{first['id']}/read", headers=mine)
    assert opened.status_code == 200 and opened.json()["read_at"] is not None
    again = await notify.client.post(f"{INBOX}/{first['id']}/read", headers=mine)
    assert again.json()["read_at"] == opened.json()["read_at"]
    assert await unread(mine) == 1
    [left] = (await notify.client.get(INBOX, params={"unread": "true"}, headers=mine)).json()[
        "items"
    ]
    assert left["id"] == second["id"]

    everything = await notify.client.post(f"{INBOX}/read", headers=mine)
    assert everything.json() == {"marked": 1}
    assert (await unread(mine), await unread(theirs)) == (0, 1)


EMAIL = "dianwei@example.gov.cn"


@pytest.mark.parametrize(("sms_answers", "voice_answers"), [((503, 503, 503), (400,))])
async def test_a_copy_the_sms_provider_keeps_failing_falls_over_to_a_call_then_email(
    notify, publish, clock, sms_provider, voice_provider, mailbox, user_event
):
    holder = str(uuid.uuid4())
    contacts = [{"channel": "mobile", "address": MOBILE}, {"channel": "email", "address": EMAIL}]
    await people(
        notify, publish, user_event, user_event("created", holder, version=1, contacts=contacts)
    )
    await publish(task_assigned(holder))
    await eventually(lambda: _count_messages(notify, holder, 2))

    assert await send_due(notify) == 1  # 503
    clock.advance(5)
    assert await send_due(notify) == 1  # 503
    clock.advance(10)
    # The third failure hands over to a call to the same mobile, which the voice provider
    # refuses: that hands over to email at once. All in the same run.
    assert await send_due(notify) == 3
    email_copy, _inbox, sms, call = await messages_of(notify, holder)
    assert (sms.status, sms.attempts, sms.last_error) == ("failed", 3, "SMS provider answered 503")
    assert (call.channel, call.address, call.status) == ("voice", MOBILE, "failed")
    assert call.last_error == "voice provider refused: 400"
    assert (email_copy.channel, email_copy.status, email_copy.fallbacks) == ("email", "sent", [])
    assert email_copy.text == sms.text == call.text and email_copy.link == sms.link
    [called] = [json.loads(request.body) for request in voice_provider.received]
    assert called == {"mobile": MOBILE, "content": sms.text, "request_id": call.id}
    [mail] = mailbox.mail
    assert mail["To"] == EMAIL and "启动备用发电机" in mail.get_content()
    assert len(sms_provider.received) == 3


@pytest.mark.parametrize("notify_settings", [quiet_around_now])
async def test_quiet_hours_hold_a_ticket_and_a_digest_but_not_an_emergency(
    notify, publish, clock, sms_provider, user_event, admin_headers
):
    duty, leader, owner = (str(uuid.uuid4()) for _ in range(3))
    mobile = [{"channel": "mobile", "address": MOBILE}]
    wecom_and_mobile = [{"channel": "mobile", "address": "13900139000"}]
    await people(
        notify,
        publish,
        user_event,
        user_event("created", duty, version=1, contacts=mobile),
        user_event("created", leader, version=1, roles=["leader"], contacts=wecom_and_mobile),
        user_event("created", owner, version=1, contacts=[{"channel": "email", "address": EMAIL}]),
    )
    await publish(task_assigned(duty))  # urgent: at once
    await publish(ticket_event("ticket.ticket.escalated", "leader", "物业管理处"))
    for title in ("节能改造项目", "食堂招标"):
        await publish(exception_raised(owner, title))
    for person, count in ((duty, 2), (leader, 2), (owner, 4)):
        await eventually(lambda person=person, count=count: _count_messages(notify, person, count))

    await send_due(notify)
    assert [json.loads(r.body)["mobile"] for r in sms_provider.received] == [MOBILE]
    held = [m for m in await messages_of(notify, owner) if m.channel == "email"]
    assert {m.status for m in held} == {"held"}

    clock.advance(3600)  # the quiet hours are over
    await send_due(notify)
    assert [json.loads(r.body)["mobile"] for r in sms_provider.received] == [MOBILE, "13900139000"]
    assert await run_digests(notify.session_factory) == 0  # not yet the digest time

    clock.advance(3600)
    assert await run_digests(notify.session_factory) == 1
    assert await run_digests(notify.session_factory) == 0
    await send_due(notify)
    [digest] = [m for m in await messages_of(notify, owner) if m.topic == "digest"]
    assert (digest.channel, digest.address, digest.status) == ("email", EMAIL, "sent")
    assert "台账事项异常：节能改造项目" in digest.text and "台账事项异常：食堂招标" in digest.text
    digested = [m for m in await messages_of(notify, owner) if m.status == "digested"]
    assert len(digested) == 2 and {m.digest_id for m in digested} == {digest.id}


def exception_raised(owner: str, title: str):
    data = {
        "id": str(uuid.uuid4()),
        "item_id": str(uuid.uuid4()),
        "title": title,
        "department": "财务处",
        "owner_id": owner,
        "deadline": "2026-12-31",
        "progress": 40,
        "reason": "behind_schedule",
    }
    return build_event(
        service="ledger",
        short_type="ledger.item.exception_raised",
        subject=data["id"],
        data=data,
        time=now(),
    )


def renovation_requested(estimated_cost: str, beyond: list[str]):
    data = {
        "id": str(uuid.uuid4()),
        "title": "机关大院3号楼外墙修缮",
        "estimated_cost": estimated_cost,
        "status": "requested",
        "rules_needing_a_leader": beyond,
    }
    return build_event(
        service="asset",
        short_type="asset.renovation.requested",
        subject=data["id"],
        data=data,
        time=now(),
    )


async def test_a_renovation_beyond_the_rules_is_told_to_the_leaders_when_requested(
    notify, publish, user_event
):
    leader, approver = str(uuid.uuid4()), str(uuid.uuid4())
    email = [{"channel": "email", "address": "leader@gov.example.cn"}]
    await people(
        notify,
        publish,
        user_event,
        user_event(
            "created", leader, version=1, roles=["leader"], contacts=email, display_name="王局长"
        ),
        user_event("created", approver, version=1, roles=["admin"], contacts=email),
    )
    within = renovation_requested("93750.00", [])
    beyond = renovation_requested("180000.00", ["renovation-cost-cap"])
    # One stream keeps its order: once the second has told the leader, the first was met.
    await publish(within, beyond)
    told = await eventually(lambda: _count_messages(notify, leader, 2))

    assert [message.channel for message in told] == ["email", "inbox"]
    assert {message.event_id for message in told} == {beyond.id}
    assert told[1].subject == "修缮申请待领导审批：机关大院3号楼外墙修缮"
    assert "预计费用 180000.00 元" in told[1].text
    assert told[1].link == f"/assets/renovations/{beyond.data['id']}"
    assert await messages_of(notify, approver) == []
    # The admin's message log names the person as the replica has them.
    logged = await notify.client.get(
        "/api/v1/notify/messages", params={"recipient_id": leader}, headers=notify.admin
    )
    assert sorted((m["recipient_name"], m["channel"]) for m in logged.json()["items"]) == [
        ("王局长", "email"),
        ("王局长", "inbox"),
    ]
