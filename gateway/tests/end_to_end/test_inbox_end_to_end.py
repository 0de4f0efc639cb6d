"""The console inbox, pushed: a person's open event stream, through the gateway in front of
the real notify-svc (each its own process, real HTTP between them), is told of a message an
emergency task made for them (an `emergency.task.assigned` over NATS, as emergency-svc
publishes it) and of it being read, without asking again; closed by the console, it ends at
notify-svc too (not at its next keep-alive comment, minutes on)."""

import asyncio
import uuid

import orjson
import pytest

from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.testing.apps import eventually

INBOX = "/api/v1/notify/inbox"
# Generous: how fast is the benchmark's business (bench/); here, only that it comes.
PATIENCE_SECONDS = 30


@pytest.fixture
async def gateway(start_gateway, real_services, gateway_port):
    notify = {"GUANJIA_NOTIFY_INBOX_POLL_SECONDS": "0.2", "GUANJIA_NOTIFY_QUIET_HOURS": ""}
    with real_services("notify", notify=notify) as processes:
        async with start_gateway(port=gateway_port, notify_url=processes["notify"].url) as gateway:
            gateway.notify_log = processes["notify"].log
            yield gateway


class EventStream:
    """The `inbox` events of an open stream, as the console reads them."""

    def __init__(self, response) -> None:
        self.lines = response.aiter_lines()

    async def next_inbox(self) -> dict:
        async def read() -> dict:
            event, data = None, None
            async for line in self.lines:
                if line.startswith("event: "):
                    event = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = orjson.loads(line.removeprefix("data: "))
                elif line == "" and event == "inbox":
                    return data
            raise AssertionError("the stream ended")

        return await asyncio.wait_for(read(), PATIENCE_SECONDS)


def task_assigned(assignee: str):
    data = {
        "id": str(uuid.uuid4()),
        "incident_id": str(uuid.uuid4()),
        "incident_title": "市行政中心A座停电",
        "incident_level": "II",
        "action": "启动备用发电机",
        "assignee": assignee,
        "due_at": now().isoformat(),
    }
    return build_event(
        service="emergency",
        short_type="emergency.task.assigned",
        subject=data["id"],
        data=data,
        time=now(),
    )


async def test_an_open_console_is_told_of_a_new_message_and_of_it_being_read(gateway, publish):
    client = gateway.client
    admin = await gateway.headers()
    person = await gateway.create_user(admin, "agent", department="物业管理处")
    headers = await gateway.headers(person["username"], person["password"])

    async def replicated() -> None:
        listed = await client.get("/api/v1/notify/recipients", headers=admin)
        assert person["id"] in {item["id"] for item in listed.json()["items"]}

    await eventually(replicated)

    stream_headers = {**headers, "Accept": "text/event-stream"}
    async with client.stream("GET", f"{INBOX}/events", headers=stream_headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = EventStream(response)
        assert await stream.next_inbox() == {"unread": 0, "latest": None}

        await publish(task_assigned(person["id"]))
        told = await stream.next_inbox()
        assert told["unread"] == 1
        assert told["latest"]["subject"] == "应急任务：市行政中心A座停电"
        assert told["latest"]["link"].startswith("/emergency/incidents/")

        # Ordinary calls go on beside the open stream.
        read = await client.post(f"{INBOX}/{told['latest']['id']}/read", headers=headers)
        assert read.status_code == 200
        assert (await stream.next_inbox())["unread"] == 0

    async def stream_ended_at_notify() -> None:
        assert "inbox_stream_ended" in gateway.notify_log.read_text()

    await eventually(stream_ended_at_notify)

    anonymous = await client.get(f"{INBOX}/events", headers={"Accept": "text/event-stream"})
    assert anonymous.status_code == 401
