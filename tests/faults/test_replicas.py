"""Two replicas of each service against one PostgreSQL database, as real processes with
their periodic jobs on (ticking every fraction of a second, on the real clock): no event
is published twice, and no scheduler action is taken twice.

Each test lays its work down through one process of the service whose NATS is away, so
every event it records waits in the outbox; moves the database's time on (the due work of
hours or days passing); then starts two replicas together. Both relays share the backlog
and both schedulers tick over the same due work at once."""

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from asset_svc.config import Settings as AssetSettings
from asset_svc.database import MIGRATIONS as ASSET_MIGRATIONS
from asset_svc.main import create_app as create_asset_app
from emergency_svc.config import Settings as EmergencySettings
from emergency_svc.database import MIGRATIONS as EMERGENCY_MIGRATIONS
from emergency_svc.main import create_app as create_emergency_app
from guanjia_shared.bureau_time import bureau_today
from guanjia_shared.events import CloudEvent
from guanjia_shared.nats_server import free_port
from guanjia_shared.testing.apps import eventually
from ledger_svc.config import Settings as LedgerSettings
from ledger_svc.database import MIGRATIONS as LEDGER_MIGRATIONS
from ledger_svc.main import create_app as create_ledger_app
from tests.faults.support.fault_harness import (
    copies_by_id,
    move_time_on,
    outbox_event_ids,
    running,
    service_process,
    stream_of,
    tally,
    unpublished,
)
from ticket_svc.config import Settings as TicketSettings
from ticket_svc.database import MIGRATIONS as TICKET_MIGRATIONS
from ticket_svc.main import create_app as create_ticket_app

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.parametrize("database_backend", ["postgres"], indirect=True),
]

TICK_SECONDS = 0.3
# The jobs' knobs, small so that the replicas tick often and over several batches.
JOB_SETTINGS = {
    "asset": {},
    "ticket": {"scheduler_interval_seconds": TICK_SECONDS, "scheduler_batch_size": 3},
    "ledger": {
        "exception_scan_interval_seconds": TICK_SECONDS,
        "quality_job_interval_seconds": TICK_SECONDS,
    },
    "emergency": {"timer_interval_seconds": TICK_SECONDS, "timer_batch_size": 3},
}
WHOLE_DAY = {"start": "00:00", "end": "23:59:59"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

LayDown = Callable[[httpx.AsyncClient], Awaitable[None]]
Done = Callable[[str], Awaitable[None]]


SERVICES = {
    "asset": (create_asset_app, AssetSettings, ASSET_MIGRATIONS),
    "ticket": (create_ticket_app, TicketSettings, TICKET_MIGRATIONS),
    "ledger": (create_ledger_app, LedgerSettings, LEDGER_MIGRATIONS),
    "emergency": (create_emergency_app, EmergencySettings, EMERGENCY_MIGRATIONS),
}


@pytest.fixture
def two_replicas(service_factory, nats_server_url, event_namespace, token_mint, tmp_path):
    """`await two_replicas(service, lay_down, hours, done)`: the scenario of the module's
    docstring; answers the database URL and the service's stream. The work is laid down
    in-process (the service's own app, jobs off); `done` asserts the replicas' work is all
    there (it is retried until it is)."""

    async def scenario(
        service: str, lay_down: LayDown, hours: float, done: Done
    ) -> tuple[str, list[CloudEvent]]:
        nowhere = f"nats://127.0.0.1:{free_port()}"
        async with service_factory(*SERVICES[service], nats_url=nowhere) as setup:
            database_url = setup.settings.database_url
            await lay_down(setup.client)
        backlog = await unpublished(database_url)
        assert backlog > 0, "the work laid down should have left events waiting"
        await move_time_on(database_url, hours)

        replicas = [
            service_process(
                service,
                directory=tmp_path,
                database_url=database_url,
                nats_url=nats_server_url,
                namespace=event_namespace,
                jwks_url=token_mint.jwks_url,
                name=f"{service}-replica-{number}",
                environment="development",
                relay_batch_size=5,
                **JOB_SETTINGS[service],
            )
            for number in (1, 2)
        ]
        async with running(*replicas):
            await eventually(lambda: done(database_url), timeout=40, interval=0.5)

            async def all_published():
                assert await unpublished(database_url) == 0

            await eventually(all_published, timeout=30, interval=0.2)
            await asyncio.sleep(5 * TICK_SECONDS)  # more ticks: a second action would show
            await done(database_url)
            for replica in replicas:
                assert_ticked(replica.url, service)

        recorded = await outbox_event_ids(database_url)
        events = await stream_of(nats_server_url, event_namespace, service)
        assert copies_by_id(events) == dict.fromkeys(recorded, 1)
        return database_url, events

    return scenario


def assert_ticked(url: str, service: str) -> None:
    """Each replica's jobs really ran (the environment turns them on): its own ticks."""
    if not JOB_SETTINGS[service]:
        return
    metrics = httpx.get(f"{url}/metrics", timeout=5).text
    ticks = [
        sample.value
        for family in text_string_to_metric_families(metrics)
        if family.name == "guanjia_periodic_job_ticks"
        for sample in family.samples
        if sample.name.endswith("_total") and sample.labels["outcome"] == "ok"
    ]
    assert ticks and min(ticks) >= 2, f"a replica at {url} did not tick: {ticks}"


async def test_two_asset_replicas_publish_each_event_once(two_replicas, token_mint):
    admin = token_mint.headers("admin")

    async def lay_down(client):
        for number in range(60):
            body = {"code": f"U{number:03}", "name": f"单位{number}", "level": "municipal"}
            assert (await client.post("/api/v1/asset/units", json=body, headers=admin)).is_success

    async def done(database_url):
        assert (await tally(database_url, "SELECT id FROM units")).total() == 60

    _, events = await two_replicas("asset", lay_down, 0, done)
    assert Counter(event.short_type for event in events) == {"asset.unit.created": 60}


async def test_two_ticket_replicas_raise_each_sla_threshold_once(two_replicas, token_mint):
    admin, agent = token_mint.headers("admin"), token_mint.headers("agent")
    tickets = 12

    async def lay_down(client):
        calendar = await client.post(
            "/api/v1/ticket/calendars",
            json={
                "code": "ALWAYS",
                "name": "全天候",
                "weekly_hours": {day: [WHOLE_DAY] for day in WEEKDAYS},
            },
            headers=admin,
        )
        assert calendar.status_code == 201, calendar.text
        commitment = await client.post(
            "/api/v1/ticket/commitments",
            json={
                "code": "C-REPAIR",
                "name": "水电维修",
                "category": "repair",
                "department": "后勤服务中心",
                "response_minutes": 30,
                "resolve_hours": 1,
                "calendar_id": calendar.json()["id"],
            },
            headers=admin,
        )
        assert commitment.status_code == 201, commitment.text
        commitment_url = f"/api/v1/ticket/commitments/{commitment.json()['id']}/publish"
        assert (await client.post(commitment_url, headers=admin)).status_code == 200
        for number in range(tickets):
            made = await client.post(
                "/api/v1/ticket/tickets",
                json={
                    "channel": "phone",
                    "requester": {"name": "张三", "phone": "13800000000"},
                    "commitment_code": "C-REPAIR",
                    "title": f"三楼卫生间漏水（{number}）",
                    "description": "302 室外走廊",
                },
                headers=agent,
            )
            assert made.status_code == 201, made.text

    alerts_query = "SELECT ticket_id, clock, threshold FROM ticket_alerts"

    async def done(database_url):
        alerts = await tally(database_url, alerts_query)
        # Three hours on: both clocks (30 min, 1 h) are past their warning, breach and
        # leadership shares, all working time on the always-open calendar.
        assert len(alerts) == tickets * 2 * 3, len(alerts)

    database_url, events = await two_replicas("ticket", lay_down, 3, done)
    alerts = await tally(database_url, alerts_query)
    assert set(alerts.values()) == {1}
    raised = Counter(
        (event.subject, event.data["clock"], event.data["threshold"])
        for event in events
        if event.short_type
        in ("ticket.ticket.sla_warning", "ticket.ticket.sla_breached", "ticket.ticket.escalated")
    )
    assert raised == alerts
    history = await tally(
        database_url,
        "SELECT ticket_id, kind, data->>'clock' FROM ticket_events "
        "WHERE kind IN ('sla_warning', 'sla_breached', 'escalated')",
    )
    assert set(history.values()) == {1} and len(history) == len(alerts)
    penalties = await tally(database_url, "SELECT ticket_id, rule FROM accountability_records")
    assert set(penalties.values()) == {1} and len(penalties) == tickets * 2


async def test_two_ledger_replicas_raise_each_exception_once(two_replicas, token_mint):
    leader = token_mint.headers("leader", department="局领导")
    owner = str(uuid.uuid4())
    today = bureau_today()
    plans, items_per_plan = 4, 3

    async def lay_down(client):
        for number in range(plans):
            plan = await client.post(
                "/api/v1/ledger/plans",
                json={"year": today.year, "title": f"{today.year}年工作要点（{number}）"},
                headers=leader,
            )
            assert plan.status_code == 201, plan.text
            for part in range(items_per_plan):
                item = await client.post(
                    f"/api/v1/ledger/plans/{plan.json()['id']}/items",
                    json={
                        "title": f"事项{number}-{part}",
                        "owner_id": owner,
                        "department": "综合处",
                        "starts_on": today.isoformat(),
                        "deadline": today.isoformat(),  # due today: not overdue yet
                    },
                    headers=leader,
                )
                assert item.status_code == 201, item.text

    exceptions_query = "SELECT item_id, reason FROM item_exceptions"

    async def done(database_url):
        raised = await tally(database_url, exceptions_query)
        overdue = {item for item, reason in raised if reason == "overdue"}
        assert len(overdue) == plans * items_per_plan

    # Three days on, every deadline has passed: the daily sweep finds each item overdue.
    database_url, events = await two_replicas("ledger", lay_down, 72, done)
    raised = await tally(database_url, exceptions_query)
    assert set(raised.values()) == {1}
    published = Counter(
        (event.subject, event.data["reason"])
        for event in events
        if event.short_type == "ledger.item.exception_raised"
    )
    assert published == raised
    sweeps = await tally(database_url, "SELECT plan_id, swept_on FROM exception_sweeps")
    assert len(sweeps) == plans and set(sweeps.values()) == {1}


async def test_two_emergency_replicas_act_on_each_missed_deadline_once(two_replicas, token_mint):
    people = {name: str(uuid.uuid4()) for name in ("director", "vice", "guard", "captain")}
    leader = token_mint.headers("leader", department="局领导")
    reporter = token_mint.headers("unit_staff")
    commander = token_mint.headers("commander", department="安全保卫处")
    incidents = 4

    def step(number, role, action, minutes):
        return {
            "level": "III",
            "step": number,
            "role": role,
            "action": action,
            "within_minutes": minutes,
        }

    async def lay_down(client):
        plan = await client.post(
            "/api/v1/emergency/plans",
            json={
                "code": "P-FIRE",
                "title": "机关大院火灾专项预案",
                "kind": "special",
                "incident_types": ["fire"],
                "organization": [
                    {
                        "role": "commander",
                        "title": "总指挥",
                        "holders": [people["director"]],
                        "deputy": people["vice"],
                    },
                    {
                        "role": "site_lead",
                        "title": "现场处置组",
                        "holders": [people["guard"]],
                        "deputy": people["captain"],
                    },
                    {"role": "medic", "title": "医疗救护组", "holders": [], "deputy": None},
                ],
                "procedures": [
                    step(1, "commander", "启动三级响应", 15),
                    step(2, "site_lead", "组织疏散", 20),
                    step(3, "medic", "设立临时救护点", 40),
                ],
                "safeguards": {"supplies": []},
            },
            headers=leader,
        )
        assert plan.status_code == 201, plan.text
        activated = await client.post(
            f"/api/v1/emergency/plans/{plan.json()['id']}/activate", headers=leader
        )
        assert activated.status_code == 200, activated.text
        for number in range(incidents):
            incident = await client.post(
                "/api/v1/emergency/incidents",
                json={"type": "fire", "level": "III", "title": f"配电室冒烟（{number}）"},
                headers=reporter,
            )
            assert incident.status_code == 201, incident.text
            response = await client.post(
                f"/api/v1/emergency/incidents/{incident.json()['id']}/activate",
                headers=commander,
            )
            assert response.status_code == 200, response.text

    timer_kinds = ("task_escalated", "task_ack_missed", "task_overdue", "report_overdue")
    lines_query = (
        f"SELECT incident_id, task_id, kind FROM incident_timeline WHERE kind IN {timer_kinds}"
    )

    async def done(database_url):
        lines = await tally(database_url, lines_query)
        overdue = Counter(kind for _, _, kind in lines)
        # Three hours on: every task is past due, every acknowledgement missed (the two
        # with a deputy go to the deputy), every incident's first report late.
        assert overdue["task_overdue"] == 3 * incidents, overdue
        assert overdue["task_escalated"] == 2 * incidents, overdue
        assert overdue["report_overdue"] == incidents, overdue

    database_url, events = await two_replicas("emergency", lay_down, 3, done)
    lines = await tally(database_url, lines_query)
    assert set(lines.values()) == {1}
    told = Counter(
        event.subject for event in events if event.short_type == "emergency.task.overdue"
    )
    tasks = await tally(database_url, "SELECT id FROM tasks")
    assert told == {task_id: 1 for (task_id,) in tasks}
    reports = Counter(
        event.data.get("incident_id", event.subject)
        for event in events
        if event.short_type == "emergency.report.overdue"
    )
    assert sum(reports.values()) == incidents and set(reports.values()) == {1}
