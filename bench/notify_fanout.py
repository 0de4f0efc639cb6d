"""Benchmark: a burst of events becomes SMS messages to people — notify-svc's fan-out.

Goal (issue 17): 1 000 notifications/s fan-out from one burst of events, p99 event→send ≤ 1 s.

A real notify-svc process (`notify-svc serve`, one uvicorn process, its PostgreSQL database,
the product's settings but for the SMS provider's URL) behind the gateway, on JetStream. The
SMS provider is an aiohttp server in this process that answers each request at once and
notes when it came. `--people` people with a verified mobile are in notify's recipients
replica, written straight into its database as the gateway's `auth.user.*` events would
leave it. Two bursts, published to the emergency stream as emergency-svc's relay would:

holders    `--people` events `emergency.task.assigned`, each naming one person (the seeded
           rule: the assignee, urgent, SMS first): one inbox message and one SMS each.
broadcast  one event `emergency.incident.activated` and a rule, made through the API by the
           admin, that tells every holder of the role `agent` (all the people) by SMS.

A notification here is an SMS at the provider (every one also made an inbox message).
Latency is the provider's arrival time minus the event's `time`, stamped just before it was
published; the rate is the burst's notifications over the time from the first publish to the
last arrival. Baseline in the same run: the same number of requests sent straight to the
provider from this process, as many at once as notify sends (CONNECTIONS_PER_HOST) — what
HTTP on this machine costs with no broker, database or rules. Verified: each person got
exactly one SMS per event, under the message's own id, to their own number.

    make bench      # or: .venv/bin/python bench/notify_fanout.py [--people N]

About 1 minute with the defaults.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

import aiohttp
import nats
from aiohttp import web
from report import print_table, write_results
from sqlalchemy import insert, select
from stack import Stack, cpu_seconds, postgres_cpu_seconds, running_stack

from guanjia_shared.clock import now
from guanjia_shared.db import create_engine
from guanjia_shared.events import build_event, ensure_stream, nats_subject
from guanjia_shared.nats_server import free_port
from guanjia_shared.testing.streams import publish_with_retries
from notify_svc.messages.models import Message
from notify_svc.outbound import CONNECTIONS_PER_HOST
from notify_svc.recipients.models import Recipient

RATE_GOAL_PER_SECOND = 1_000
P99_GOAL_MS = 1_000.0
ROLE = "agent"
DEPARTMENT = "安全保卫处"


def mobile_of(number: int) -> str:
    return f"139{number:08d}"


class SmsProvider:
    """The SMS provider's API as notify's adapter calls it: notes each request's arrival."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[str, str, float]] = []  # request_id, mobile, time

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.arrivals.append((body["request_id"], body["mobile"], time.time()))
        return web.json_response({"code": 0})

    async def serve(self, port: int) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/sms", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        return runner

    async def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len({request_id for request_id, _, _ in self.arrivals}) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(self.arrivals)} of {count} SMS arrived in {timeout} s")
            await asyncio.sleep(0.05)


async def replicate_people(database_url: str, count: int) -> list[str]:
    people = [str(uuid.uuid4()) for _ in range(count)]
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Recipient.__table__),
                [
                    {
                        "id": person,
                        "username": f"duty{number}",
                        "display_name": f"值班人员{number}",
                        "roles": [ROLE],
                        "department": DEPARTMENT,
                        "active": True,
                        "contacts": [{"channel": "mobile", "address": mobile_of(number)}],
                        "message_preferences": [],
                        "version": 1,
                        "replicated_at": now(),
                    }
                    for number, person in enumerate(people)
                ],
            )
    finally:
        await engine.dispose()
    return people


def broadcast_rule(stack: Stack) -> None:
    answer = stack.client.post(
        "/api/v1/notify/rules",
        json={
            "name": "应急响应启动：通知全体值班人员",
            "event_type": "emergency.incident.activated",
            "recipients": [{"role": ROLE}],
            "channels": ["mobile"],
            "topic": "emergency",
            "urgent": True,
            "subject": "应急响应启动",
            "text": "{title}：{level}级响应已启动，请立即到岗。",
            "link": "/emergency/incidents/{id}",
        },
        headers=stack.bearer(stack.token("admin")),
    )
    answer.raise_for_status()


def holder_events(people: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    incident = str(uuid.uuid4())
    return [
        (
            "emergency.task.assigned",
            {
                "id": str(uuid.uuid4()),
                "incident_id": incident,
                "incident_title": "机关大院配电室火情",
                "incident_level": "I",
                "action": f"处置步骤 {number}",
                "assignee": person,
                "due_at": now().isoformat(),
            },
        )
        for number, person in enumerate(people)
    ]


def broadcast_events() -> list[tuple[str, dict[str, Any]]]:
    data = {"id": str(uuid.uuid4()), "title": "机关大院配电室火情", "level": "I", "tasks": 0}
    return [("emergency.incident.activated", data)]


async def publish_burst(stack: Stack, events: list[tuple[str, dict[str, Any]]]) -> dict[str, float]:
    """Publishes the events one after another (each awaiting its ack); answers each
    event's id and `time`."""
    connection = await nats.connect(stack.nats_url)
    published: dict[str, float] = {}
    try:
        js = connection.jetstream()
        await ensure_stream(js, stack.namespace, "emergency")
        for short_type, data in events:
            event = build_event(
                service="emergency",
                short_type=short_type,
                subject=data["id"],
                data=data,
                time=now(),
            )
            published[event.id] = event.time.timestamp()
            await publish_with_retries(
                js,
                nats_subject(stack.namespace, short_type),
                event.model_dump_json().encode(),
                headers={"Nats-Msg-Id": event.id},
            )
    finally:
        await connection.close()
    return published


async def messages_of(database_url: str, events: set[str]) -> list[Any]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(
                    Message.id,
                    Message.event_id,
                    Message.recipient_id,
                    Message.channel,
                    Message.address,
                    Message.created_at,
                ).where(Message.event_id.in_(sorted(events)))
            )
            return rows.all()
    finally:
        await engine.dispose()


def percentiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)

    def rank(share: float) -> float:
        return ordered[min(len(ordered), max(1, round(share * len(ordered)))) - 1]

    return {
        "p50": rank(0.5),
        "p95": rank(0.95),
        "p99": rank(0.99),
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


async def burst(
    stack: Stack,
    provider: SmsProvider,
    events: list[tuple[str, dict[str, Any]]],
    expected: int,
    people: dict[str, str],
) -> dict[str, Any]:
    provider.arrivals.clear()
    notify_pid = stack.services["notify"].pid
    cpu_before = cpu_seconds(notify_pid), postgres_cpu_seconds()
    published = await publish_burst(stack, events)
    publish_seconds = time.time() - min(published.values())
    try:
        await provider.wait_for(expected, timeout=120)
    except TimeoutError as exc:
        said = stack.services["notify"].log_tail()
        raise TimeoutError(f"{exc}; notify-svc said:\n{said}") from exc
    cpu_after = cpu_seconds(notify_pid), postgres_cpu_seconds()
    first_publish = min(published.values())
    arrivals = list(provider.arrivals)
    rows = await messages_of(stack.database_urls["notify"], set(published))
    texts = {row.id: row for row in rows if row.channel == "mobile"}
    inbox = [row for row in rows if row.channel == "inbox"]
    event_to_send = [
        (arrived - published[texts[request_id].event_id]) * 1000
        for request_id, _, arrived in arrivals
    ]
    event_to_inbox = [
        (row.created_at.timestamp() - published[row.event_id]) * 1000 for row in inbox
    ]
    duration = max(arrived for _, _, arrived in arrivals) - first_publish
    per_event_person = Counter((row.event_id, row.recipient_id) for row in texts.values())
    checks = {
        "sms_at_provider": len(arrivals),
        "sms_repeated": len(arrivals) - len({request_id for request_id, _, _ in arrivals}),
        "sms_made": len(texts),
        "inbox_made": len(inbox),
        "one_sms_per_event_and_person": set(per_event_person.values()) == {1},
        "each_to_its_number": all(
            mobile == people[texts[request_id].recipient_id] for request_id, mobile, _ in arrivals
        ),
    }
    checks["exactly_once"] = (
        checks["sms_at_provider"] == checks["sms_made"] == checks["inbox_made"] == expected
        and checks["sms_repeated"] == 0
        and checks["one_sms_per_event_and_person"]
        and checks["each_to_its_number"]
    )
    return {
        "events": len(events),
        "notifications": len(arrivals),
        "seconds": duration,
        # How long the bench took to publish the burst: the rate cannot be above
        # notifications / this, whatever notify does.
        "publish_seconds": publish_seconds,
        "per_second": len(arrivals) / duration,
        "event_to_send_ms": percentiles(event_to_send),
        "event_to_inbox_ms": percentiles(event_to_inbox),
        "notify_cpu_ms_per_notification": (cpu_after[0] - cpu_before[0]) * 1000 / expected,
        "postgres_cpu_ms_per_notification": (cpu_after[1] - cpu_before[1]) * 1000 / expected,
        "checks": checks,
    }


async def http_alone(provider: SmsProvider, url: str, count: int) -> dict[str, Any]:
    """The baseline: `count` provider requests from here, CONNECTIONS_PER_HOST at once."""
    provider.arrivals.clear()
    started = time.time()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(count):
        queue.put_nowait(number)
    latencies: list[float] = []

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            number = queue.get_nowait()
            sent = time.time()
            body = {"mobile": mobile_of(number), "content": "基准", "request_id": str(number)}
            async with session.post(url, json=body) as answer:
                answer.raise_for_status()
            latencies.append((time.time() - sent) * 1000)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(worker(session) for _ in range(CONNECTIONS_PER_HOST)))
    duration = max(arrived for _, _, arrived in provider.arrivals) - started
    return {
        "notifications": len(provider.arrivals),
        "seconds": duration,
        "per_second": len(provider.arrivals) / duration,
        "request_ms": percentiles(latencies),
    }


async def measure(stack: Stack, provider: SmsProvider, port: int, count: int) -> dict[str, Any]:
    runner = await provider.serve(port)
    try:
        people_ids = await replicate_people(stack.database_urls["notify"], count)
        people = {person: mobile_of(number) for number, person in enumerate(people_ids)}
        baseline = await http_alone(provider, f"http://127.0.0.1:{port}/sms", count)
        holders = await burst(stack, provider, holder_events(people_ids), count, people)
        broadcast = await burst(stack, provider, broadcast_events(), count, people)
    finally:
        await runner.cleanup()
    return {"http_alone": baseline, "holders": holders, "broadcast": broadcast}


def report(figures: dict[str, Any], people: int) -> None:
    baseline = figures["http_alone"]
    print_table(
        f"notify fan-out: {people} people, one burst each (SMS at a provider on loopback)",
        [
            "burst",
            "events",
            "SMS",
            "published in s",
            "seconds",
            "SMS/s",
            "× http alone",
            "p50 ms",
            "p99 ms",
            "max ms",
            "inbox p99 ms",
            "notify cpu ms/SMS",
            "pg cpu ms/SMS",
            "exactly once",
        ],
        [
            (
                name,
                f["events"],
                f["notifications"],
                f["publish_seconds"],
                f["seconds"],
                f["per_second"],
                f["per_second"] / baseline["per_second"],
                f["event_to_send_ms"]["p50"],
                f["event_to_send_ms"]["p99"],
                f["event_to_send_ms"]["max"],
                f["event_to_inbox_ms"]["p99"],
                f["notify_cpu_ms_per_notification"],
                f["postgres_cpu_ms_per_notification"],
                "yes" if f["checks"]["exactly_once"] else "NO",
            )
            for name, f in ((name, figures[name]) for name in ("holders", "broadcast"))
        ],
    )
    print(
        f"baseline, HTTP alone: {baseline['notifications']} requests in "
        f"{baseline['seconds']:.2f} s = {baseline['per_second']:,.0f}/s, "
        f"{CONNECTIONS_PER_HOST} at once, p99 {baseline['request_ms']['p99']:.1f} ms"
    )
    rows = []
    for name in ("holders", "broadcast"):
        f = figures[name]
        rows += [
            (
                f"{name}: SMS/s",
                f["per_second"],
                f"≥ {RATE_GOAL_PER_SECOND}",
                "met" if f["per_second"] >= RATE_GOAL_PER_SECOND else "MISSED",
            ),
            (
                f"{name}: p99 event→send (ms)",
                f["event_to_send_ms"]["p99"],
                f"≤ {P99_GOAL_MS:g}",
                "met" if f["event_to_send_ms"]["p99"] <= P99_GOAL_MS else "MISSED",
            ),
        ]
    print_table("notify fan-out: goals", ["measure", "value", "goal", "verdict"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000, help="people, and SMS per burst")
    options = parser.parse_args()

    port = free_port()
    provider = SmsProvider()
    notify_env = {"sms_url": f"http://127.0.0.1:{port}/sms"}
    with running_stack(["notify"], service_env={"notify": notify_env}) as stack:
        broadcast_rule(stack)
        figures = asyncio.run(measure(stack, provider, port, options.people))
    for name in ("holders", "broadcast"):
        if not figures[name]["checks"]["exactly_once"]:
            raise RuntimeError(f"{name}: not exactly once: {figures[name]['checks']}")
    report(figures, options.people)
    path = write_results("notify_fanout", {"people": options.people, **figures})
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
