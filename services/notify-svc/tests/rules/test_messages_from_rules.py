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

from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.receivers import receiving
from notify_svc.channels.senders import senders_from_settings
from notify_svc.messages.jobs import run_messages
from notify_svc.messages.models import Message

RULES = "/api/v1/notify/rules"
INBOX = "/api/v1/notify/inbox"
MOBILE = "13800138000"


@pytest.fixture
async def sms_provider():
    async with receiving() as provider:
        yield provider


@pytest.fixture
async def notify(service_factory, service_under_test, clock, sms_provider):
    async with service_factory(
        *service_under_test, message_interval_seconds=3600, sms_url=sms_provider.url
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
