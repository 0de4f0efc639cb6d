"""What the incident and task tests share: the running service (its timers ticked by hand
at frozen moments), the people of a fire plan with fixed ids, the plan itself, and readers
of what the service wrote and published.

The fire plan's organisation and procedures, by grade:

    commander  总指挥     holders: director            deputy: vice
    site_lead  现场处置组 holders: guard_a, guard_b    deputy: captain
    liaison    信息联络组 holders: —                   deputy: press
    medic      医疗救护组 holders: —                   deputy: —

    IV   1 site_lead 扑救初起火灾 (5 min)
    III  1 commander 启动三级响应 (15)   2 site_lead 组织疏散 (20)
         3 liaison   通报市应急管理局 (30)   4 medic 设立临时救护点 (40)
    II   1 commander 报告市政府 (30)
    I    1 commander 请求市级支援 (10)   2 site_lead 全员撤离 (10)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from emergency_svc.incidents.models import TimelineEntry
from emergency_svc.incidents.time_limits import ResponseTimeLimits
from emergency_svc.tasks.jobs import run_response_timers
from emergency_svc.tasks.models import Task
from guanjia_shared.clock import frozen_at
from guanjia_shared.testing.plugin import RunningService
from guanjia_shared.testing.streams import published_events
from guanjia_shared.testing.tokens import Person

API = "/api/v1/emergency"
INCIDENTS = f"{API}/incidents"
TASKS = f"{API}/tasks"
PLANS = f"{API}/plans"
AVAILABILITY = f"{API}/availability"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, second: int = 0, day: int = 5) -> dt.datetime:
    """A moment of 2026-03-`day` in the bureau's time."""
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=SHANGHAI)


def moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class People:
    def __init__(self, token_mint) -> None:
        self.reporter = Person(token_mint, "unit_staff")
        self.commander = Person(token_mint, "commander", department="安全保卫处")
        self.leader = Person(token_mint, "leader", department="局领导")
        self.admin = Person(token_mint, "admin")
        self.agent = Person(token_mint, "agent")
        self.director = Person(token_mint, "commander", department="办公室")
        self.vice = Person(token_mint, "commander", department="办公室")
        self.guard_a = Person(token_mint, "agent", department="安全保卫处")
        self.guard_b = Person(token_mint, "agent", department="安全保卫处")
        self.captain = Person(token_mint, "agent", department="安全保卫处")
        self.press = Person(token_mint, "agent", department="信息中心")

    def with_id(self, user_id: str) -> Person:
        return next(p for p in vars(self).values() if p.id == user_id)

    def named(self, user_id: str | None) -> str | None:
        """The attribute name of the person with `user_id` (for readable assertions)."""
        return next((name for name, p in vars(self).items() if p.id == user_id), None)


def fire_plan(people: People, **fields) -> dict:
    def step(level, number, role, action, minutes):
        return {
            "level": level,
            "step": number,
            "role": role,
            "action": action,
            "within_minutes": minutes,
        }

    return {
        "code": "P-FIRE",
        "title": "机关大院火灾专项预案",
        "kind": "special",
        "incident_types": ["fire"],
        "organization": [
            {
                "role": "commander",
                "title": "总指挥",
                "holders": [people.director.id],
                "deputy": people.vice.id,
            },
            {
                "role": "site_lead",
                "title": "现场处置组",
                "holders": [people.guard_a.id, people.guard_b.id],
                "deputy": people.captain.id,
            },
            {"role": "liaison", "title": "信息联络组", "holders": [], "deputy": people.press.id},
            {"role": "medic", "title": "医疗救护组", "holders": [], "deputy": None},
        ],
        "procedures": [
            step("IV", 1, "site_lead", "扑救初起火灾", 5),
            step("III", 1, "commander", "启动三级响应", 15),
            step("III", 2, "site_lead", "组织疏散", 20),
            step("III", 3, "liaison", "通报市应急管理局", 30),
            step("III", 4, "medic", "设立临时救护点", 40),
            step("II", 1, "commander", "报告市政府", 30),
            step("I", 1, "commander", "请求市级支援", 10),
            step("I", 2, "site_lead", "全员撤离", 10),
        ],
        "safeguards": {"supplies": [{"item_code": "fire_extinguisher", "quantity": 10}]},
        **fields,
    }


def master_plan(people: People) -> dict:
    return fire_plan(
        people,
        code="P-MASTER",
        title="应急联动总体预案",
        kind="master",
        incident_types=[],
        safeguards={"supplies": []},
    )


async def plan_in_force(client, people: People, body: dict | None = None) -> dict:
    """A plan created and activated by the leadership (the fire plan by default)."""
    created = await client.post(
        PLANS, json=body or fire_plan(people), headers=people.leader.headers
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    activated = await client.post(f"{PLANS}/{plan['id']}/activate", headers=people.leader.headers)
    assert activated.status_code == 200, activated.text
    return activated.json()


def incident_body(**fields) -> dict:
    return {
        "type": "fire",
        "level": "IV",
        "title": "二号楼配电室冒烟",
        "description": "二号楼地下一层配电室有烟雾，无明火",
        "location": "二号楼 B1 配电室",
        **fields,
    }


async def act(client, person: Person, when: dt.datetime | None, method, path, body=None):
    """One call made at `when` (the service's clock is frozen for it; None: real time)."""
    kwargs: dict = {"headers": person.headers}
    if body is not None:
        kwargs["json"] = body
    if when is None:
        return await client.request(method, path, **kwargs)
    with frozen_at(when):
        return await client.request(method, path, **kwargs)


async def reported(client, person: Person, when=None, **fields) -> dict:
    answer = await act(client, person, when, "POST", INCIDENTS, incident_body(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


async def activated(client, person: Person, incident_id: str, when=None, body=None) -> dict:
    answer = await act(client, person, when, "POST", f"{INCIDENTS}/{incident_id}/activate", body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def level_changed(client, person, incident_id, level, when=None, reason="火势变化"):
    answer = await act(
        client,
        person,
        when,
        "POST",
        f"{INCIDENTS}/{incident_id}/level",
        {"level": level, "reason": reason},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def tasks_of(client, person: Person, incident_id: str) -> list[dict]:
    answer = await client.get(
        TASKS, params={"incident_id": incident_id, "limit": 500}, headers=person.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def timeline_of(client, person: Person, incident_id: str, **query) -> list[dict]:
    answer = await client.get(
        f"{INCIDENTS}/{incident_id}/timeline",
        params={"limit": 500, **query},
        headers=person.headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def slots(tasks: list[dict], people: People) -> set[tuple]:
    """Tasks as (level, step, role, holder, assignee, status), people by name."""
    return {
        (
            task["level"],
            task["step"],
            task["role"],
            people.named(task["holder"]),
            people.named(task["assignee"]),
            task["status"],
        )
        for task in tasks
    }


async def emergency_events(nats_url, namespace, *types, subject=None):
    """emergency-svc's events of `types` in the stream, optionally of one subject."""
    return [
        event
        for event in await published_events(nats_url, namespace, "emergency")
        if event.short_type in types and (subject is None or event.subject == subject)
    ]


def published(nats_url, namespace, *types, count, subject=None):
    """A check for `eventually`: exactly `count` events of `types` are on NATS (answered)."""

    async def check():
        events = await emergency_events(nats_url, namespace, *types, subject=subject)
        assert len(events) == count, [(e.short_type, e.subject) for e in events]
        return events

    return check


@dataclass
class EmergencyService(RunningService):
    @property
    def limits(self) -> ResponseTimeLimits:
        return ResponseTimeLimits.from_settings(self.app.state.settings)

    async def tick(self, when: dt.datetime, *, session_factory=None, batch_size=200) -> int:
        """One timer tick at `when`, as a replica's loop runs it (on the clock, frozen at
        `when`); by default on the service's own database connection."""
        with frozen_at(when):
            return await run_response_timers(
                session_factory or self.session_factory, self.limits, batch_size=batch_size
            )

    async def task(self, task_id: str) -> Task:
        async with self.session_factory() as session:
            return await session.get(Task, task_id)

    async def count(self, table, *where) -> int:
        async with self.session_factory() as session:
            return int(await session.scalar(select(func.count()).select_from(table).where(*where)))

    async def timeline_count(self, *where) -> int:
        return await self.count(TimelineEntry, *where)


# --- fixtures (imported by the conftest of each test folder) -------------------------------


@pytest.fixture
def service(running_service) -> EmergencyService:
    """The service under test, with a hand on the app to tick its timers."""
    return EmergencyService(client=running_service.client, app=running_service.app)


@pytest.fixture
def people(token_mint) -> People:
    return People(token_mint)
