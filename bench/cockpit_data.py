"""What the cockpit bench adds to scale_data.py's city so that every list of the leaders'
cockpit has something to show, at the sizes a city's bureau would have.

- ledger-svc: this year's plan (年度工作要点) of 10 000 items as a tree over the bureau's
  departments — 100 work points (10 a department), 9 tasks under each, 10 steps under
  each task — written in the shape ledger-svc keeps (items, one progress report per step
  reported on, parents' progress rolled up by weight). By December most steps are done;
  the rest are overdue, behind or silent in the proportions the draws below give. The
  exceptions are then raised by ledger-svc's own daily sweep (exceptions/jobs.py), not
  written here, and leaders intervene on some of them through the API.
- ticket-svc: a share of the open tickets past their resolution deadline has climbed the
  whole ladder (warning to the owner, breach to the head, escalation to the leadership):
  their `ticket_alerts` rows and history lines as the escalation job writes them.
- asset-svc: renovation requests awaiting approval, entered through the API (some beyond
  the renovation rules' caps, so they wait for a leader).
- emergency-svc: through the API, as the bureau's people would enter it — a special plan
  per incident type with its organisation and procedures put in force (one plan in force
  per type is the service's rule; some roles without a deputy), drills recorded
  (some plans not drilled in time), trainings (a few not held by their day), supply stock
  at the bureau's locations (some under their minimum) and incidents, closed ones and a
  few under way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random

import httpx
from scale_data import AGENT, AGENTS_PER_DEPARTMENT, BUILDING, DEPARTMENTS, bench_id
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

PLAN, ITEM = 20, 21
WORK_POINTS_PER_DEPARTMENT = 10
TASKS_PER_POINT = 9
STEPS_PER_TASK = 10
FULL_ITEMS = 10_000
# Of the open tickets past their resolution deadline, the share that reached the leadership.
ESCALATED_SHARE_PERCENT = 10
RENOVATIONS = 40
TRAININGS = 60
SUPPLY_LOCATIONS = 30
CLOSED_INCIDENTS = 40
ACTIVE_INCIDENTS = 4
INTERVENTIONS = 60
SEED = 42


def item_counts(scale: float) -> tuple[int, int, int]:
    """Work points, tasks and steps: 100, 900 and 9 000 at full size (10 000 items)."""
    points = max(len(DEPARTMENTS), round(len(DEPARTMENTS) * WORK_POINTS_PER_DEPARTMENT * scale))
    tasks = points * TASKS_PER_POINT
    return points, tasks, tasks * STEPS_PER_TASK


async def generate_ledger(url: str, year: int, today: dt.date, scale: float) -> int:
    """The year's plan and its items; answers how many items were made."""
    points, tasks, steps = item_counts(scale)
    departments = "ARRAY[" + ", ".join(f"'{name}'" for name in DEPARTMENTS) + "]"
    new_year, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    made = f"TIMESTAMPTZ '{year}-01-05 09:00+08'"
    today_sql = f"DATE '{today.isoformat()}'"
    # A step's department and owner are its work point's: point = the top of its branch.
    owner = (
        f"'{AGENT:08d}-0000-4000-8000-' || lpad(to_hex(((point - 1) % {len(DEPARTMENTS)}) "
        f"* {AGENTS_PER_DEPARTMENT} + 1 + i % {AGENTS_PER_DEPARTMENT}), 12, '0')"
    )
    item_id = f"'{ITEM:08d}-0000-4000-8000-' || lpad(to_hex(i), 12, '0')"
    parent_id = f"'{ITEM:08d}-0000-4000-8000-' || lpad(to_hex(parent), 12, '0')"
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for statement in (
                "SELECT setseed(0.42)",
                f"""
INSERT INTO plans (id, year, title, kind, created_at, created_by)
VALUES ('{bench_id(PLAN, 1)}', {year}, '{year}年度工作要点', 'work', {made}, 'bench')""",
                # The work points and tasks span the year; progress is rolled up below.
                f"""
INSERT INTO items (id, plan_id, parent_id, title, target, breakdown, quality_requirement,
                   owner_id, department, weight, starts_on, deadline, original_deadline,
                   progress, status, created_at, created_by, version)
SELECT {item_id}, '{bench_id(PLAN, 1)}',
       CASE WHEN i > {points} THEN {parent_id} END,
       CASE WHEN i <= {points} THEN '工作要点' ELSE '重点任务' END || i,
       '完成年度目标任务', '', '按期保质完成', {owner},
       ({departments})[(point - 1) % {len(DEPARTMENTS)} + 1], 1,
       DATE '{new_year}', DATE '{year_end}', DATE '{year_end}', 0, 'open', {made}, 'bench', 1
FROM (
    SELECT i, CASE WHEN i <= {points} THEN NULL ELSE 1 + (i - {points} - 1) / {TASKS_PER_POINT}
              END AS parent,
           CASE WHEN i <= {points} THEN i ELSE 1 + (i - {points} - 1) / {TASKS_PER_POINT}
           END AS point
    FROM generate_series(1, {points + tasks}) AS i
) AS drawn""",
                # The steps: started in the first half year, due 2–10 months later (by the
                # year's end); most of those past their deadline done, the rest reported on
                # now and then, at a pace that leaves some behind their share of time.
                f"""
INSERT INTO items (id, plan_id, parent_id, title, target, breakdown, quality_requirement,
                   owner_id, department, weight, starts_on, deadline, original_deadline,
                   progress, status, completed_at, last_reported_at, created_at, created_by,
                   version)
SELECT {item_id}, '{bench_id(PLAN, 1)}', {parent_id}, '工作步骤' || i, '完成阶段目标', '',
       '按期保质完成', {owner}, ({departments})[(point - 1) % {len(DEPARTMENTS)} + 1], 1,
       starts_on, deadline, deadline,
       CASE WHEN done THEN 100 ELSE reported END,
       CASE WHEN done THEN 'done' ELSE 'open' END,
       CASE WHEN done THEN finished END,
       CASE WHEN done THEN finished
            ELSE (greatest(starts_on, {today_sql} - (pick_silent * 30)::int) + TIME '10:00')
                 AT TIME ZONE 'Asia/Shanghai' END,
       {made}, 'bench', 1
FROM (
    SELECT *, (deadline < {today_sql} AND pick_done < 0.92) OR pick_done < 0.25 AS done,
           (least(deadline, {today_sql} - 1) - (pick_late * 10)::int + TIME '16:00')
               AT TIME ZONE 'Asia/Shanghai' AS finished,
           least(99, round(100 * pick_pace * greatest(0, {today_sql} - starts_on)
                           / greatest(1, deadline - starts_on)))::float AS reported
    FROM (
        SELECT i, parent, 1 + (parent - {points} - 1) / {TASKS_PER_POINT} AS point,
               DATE '{new_year}' + (pick_start * 180)::int AS starts_on,
               least(DATE '{year_end}', DATE '{new_year}' + (pick_start * 180)::int
                                         + 60 + (pick_length * 240)::int) AS deadline,
               pick_done, pick_pace, pick_silent, pick_late
        FROM (
            SELECT i, {points} + 1 + (i - {points + tasks} - 1) / {STEPS_PER_TASK} AS parent,
                   random() AS pick_start, random() AS pick_length, random() AS pick_done,
                   0.55 + random() * 0.6 AS pick_pace, random() AS pick_silent,
                   random() AS pick_late
            FROM generate_series({points + tasks + 1}, {points + tasks + steps}) AS i
        ) AS picks
    ) AS dated
) AS judged""",
                """
INSERT INTO progress_reports (id, item_id, percent, note, reported_by, reported_at)
SELECT '00000022' || substr(id, 9), id, progress, '按计划推进', owner_id, last_reported_at
FROM items WHERE last_reported_at IS NOT NULL""",
                # Parents: their children's progress by weight, done when all are, the span
                # of their children's dates; tasks first, then the work points.
                *(
                    f"""
UPDATE items AS parent SET progress = rolled.progress, starts_on = rolled.starts_on,
       deadline = rolled.deadline, original_deadline = rolled.deadline,
       status = CASE WHEN rolled.open = 0 THEN 'done' ELSE 'open' END,
       completed_at = CASE WHEN rolled.open = 0 THEN rolled.completed_at END
FROM (
    SELECT parent_id, sum(progress * weight) / sum(weight) AS progress,
           min(starts_on) AS starts_on, max(deadline) AS deadline,
           count(*) FILTER (WHERE status = 'open') AS open, max(completed_at) AS completed_at
    FROM items WHERE parent_id IS NOT NULL AND {level} GROUP BY parent_id
) AS rolled WHERE parent.id = rolled.parent_id"""
                    for level in (
                        f"right(id, 12) > lpad(to_hex({points + tasks}), 12, '0')",
                        f"right(id, 12) <= lpad(to_hex({points + tasks}), 12, '0')",
                    )
                ),
            ):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()
    return points + tasks + steps


async def escalate_to_leaders(url: str, now: dt.datetime) -> int:
    """The whole ladder for a share of the open tickets past their resolution deadline:
    alert rows and history lines as ticket-svc's escalation job writes them (its
    accountability records for the breaches are left out: the cockpit does not read them)."""
    ladder = """
    SELECT ticket.id AS ticket_id, ticket.department, ticket.owner, step.threshold,
           step.escalated_to, step.kind,
           ticket.resolve_due_at + step.share * (ticket.resolve_due_at - ticket.created_at)
               AS reached_at
    FROM tickets AS ticket
    CROSS JOIN (VALUES ('warning', 'owner', 'sla_warning', -0.2),
                       ('breached', 'dept_head', 'sla_breached', 0.0),
                       ('leader', 'leader', 'escalated', 0.5))
        AS step (threshold, escalated_to, kind, share)
    WHERE ticket.status IN ('new', 'in_progress', 'reopened')
      AND ticket.resolve_due_at IS NOT NULL AND ticket.resolve_due_at < :now
      AND abs(hashtext(ticket.id)) % 100 < :share"""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            parameters = {"now": now, "share": ESCALATED_SHARE_PERCENT}
            # A ticket the service's own job escalated meanwhile keeps its rows as the job
            # wrote them: history lines only for the alerts added here.
            await connection.execute(
                text(f"""
WITH reached AS (SELECT * FROM ({ladder}) AS ladder WHERE reached_at < :now),
added AS (
    INSERT INTO ticket_alerts (ticket_id, clock, target_id, threshold, reached_at, raised_at,
                               escalated_to, department)
    SELECT ticket_id, 'resolve', '', threshold, reached_at,
           reached_at + INTERVAL '20 seconds', escalated_to, department
    FROM reached
    ON CONFLICT DO NOTHING
    RETURNING ticket_id, threshold
)
INSERT INTO ticket_events (ticket_id, kind, actor, at, data)
SELECT ticket_id, kind, NULL, reached_at + INTERVAL '20 seconds',
       json_build_object('clock', 'resolve', 'target_id', '', 'threshold', threshold,
                         'reached_at', reached_at, 'escalated_to', escalated_to,
                         'department', department)
FROM reached JOIN added USING (ticket_id, threshold) ORDER BY reached_at"""),
                parameters,
            )
            return await connection.scalar(
                text("SELECT count(*) FROM ticket_alerts WHERE escalated_to = 'leader'")
            )
    finally:
        await engine.dispose()


async def _post(client: httpx.AsyncClient, path: str, headers: dict, body: dict) -> dict:
    answer = await client.post(path, json=body, headers=headers)
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"POST {path} answered {answer.status_code}: {answer.text[:300]}")
    return answer.json()


async def request_renovations(
    client: httpx.AsyncClient, admin: dict, units: int, count: int = RENOVATIONS
) -> None:
    """Renovations requested of buildings across the city; one in four over the caps
    (a leader must approve those)."""
    for number in range(1, count + 1):
        building = bench_id(BUILDING, 1 + (number * 241) % units)
        beyond = number % 4 == 0
        await _post(
            client,
            "/api/v1/asset/renovations",
            admin,
            {
                "building_id": building,
                "title": f"办公楼维修改造{number}",
                "area": 300.0 + number * 10,
                "estimated_cost": "4800000.00" if beyond else f"{20000 + number * 1500}.00",
                "document_no": f"机管修〔{number}〕号",
                "reason": "屋面渗漏，外墙老化",
            },
        )


async def intervene(client: httpx.AsyncClient, leader: dict, count: int = INTERVENTIONS) -> int:
    """A leader asks about the oldest overdue items (过问), as the cockpit invites."""
    answer = await client.get(
        "/api/v1/ledger/exceptions", params={"reason": "overdue", "limit": count}, headers=leader
    )
    answer.raise_for_status()
    items = {exception["item"]["id"] for exception in answer.json()["items"]}
    for item_id in items:
        await _post(
            client,
            f"/api/v1/ledger/items/{item_id}/interventions",
            leader,
            {"instruction": "请说明逾期原因，提出整改措施，限期完成。"},
        )
    return len(items)


ROLE_TITLES = {
    "commander": "总指挥",
    "deputy_commander": "副总指挥",
    "communications": "综合协调及信息联络组",
    "site_lead": "现场处置组",
    "engineering": "工程抢修组",
    "logistics": "后勤保障组",
}
SUPPLIES = ("fire_extinguisher", "sandbag", "generator", "flashlight", "first_aid_kit")


def _plan_body(number: int, incident_type: str, commander_id: str) -> dict:
    # Every fifth plan leaves its logistics group without a deputy (a readiness gap).
    organization = [
        {
            "role": role,
            "title": title,
            "holders": [commander_id if role == "commander" else f"bench-{role}-{number}"],
            "deputy": None
            if role == "logistics" and number % 5 == 0
            else f"bench-{role}-deputy-{number}",
        }
        for role, title in ROLE_TITLES.items()
    ]
    return {
        "code": f"P-BENCH-{number:03d}",
        "title": f"第{number}号办公区{incident_type}专项预案",
        "kind": "special",
        "incident_types": [incident_type],
        "scope": f"第{number}号办公区",
        "principles": ["统一领导，分级负责", "快速反应，协同应对"],
        "organization": organization,
        "responsibilities": [
            {"role": role, "duties": f"{title}职责"} for role, title in ROLE_TITLES.items()
        ],
        "activation_criteria": [
            {"level": level, "criteria": f"{level}级响应条件"} for level in ("I", "II", "III", "IV")
        ],
        "procedures": [
            {
                "level": level,
                "step": step,
                "role": role,
                "action": f"{ROLE_TITLES[role]}第{step}步处置",
                "within_minutes": 5 * step,
            }
            for level in ("I", "II", "III", "IV")
            for step, role in enumerate(ROLE_TITLES, start=1)
        ],
        "safeguards": {
            "supplies": [{"item_code": SUPPLIES[number % len(SUPPLIES)], "quantity": 5}],
            "teams": ["义务消防队"],
            "notes": "",
        },
        "drill_interval_months": 12,
    }


async def make_emergency(
    client: httpx.AsyncClient, leader: dict, admin: dict, leader_id: str, today: dt.date
) -> dict[str, int]:
    """Plans in force with their drills, trainings, stock (kept by the admin) and
    incidents."""
    draw = random.Random(SEED)
    departments = list(DEPARTMENTS)
    # One plan in force per incident type (the service's rule): a special plan for each.
    answer = await client.get(
        "/api/v1/emergency/incident-types", params={"limit": 500}, headers=leader
    )
    answer.raise_for_status()
    incident_types = [kind["code"] for kind in answer.json()["items"]]
    plans = []
    for number, incident_type in enumerate(incident_types, start=1):
        plan = await _post(
            client,
            "/api/v1/emergency/plans",
            leader,
            _plan_body(number, incident_type, leader_id),
        )
        await _post(client, f"/api/v1/emergency/plans/{plan['id']}/activate", leader, {})
        plans.append(plan["id"])
    drills = 0
    for number, plan_id in enumerate(plans, start=1):
        # Drilled twice over the last two years; one plan in six not since 15 months.
        for months_ago in (22, 15) if number % 6 == 0 else (16, 4 + number % 6):
            held = today - dt.timedelta(days=30 * months_ago)
            moment = f"{held.isoformat()}T09:30:00+08:00"
            drill = await _post(
                client,
                "/api/v1/emergency/drills",
                leader,
                {"plan_id": plan_id, "scheduled_at": moment, "scenario": "综合应急演练"},
            )
            await _post(
                client,
                f"/api/v1/emergency/drills/{drill['id']}/record",
                leader,
                {
                    "participants": [
                        {"department": department, "people": 10 + draw.randrange(30)}
                        for department in draw.sample(departments, 3)
                    ],
                    "held_at": moment,
                    "score": 70 + draw.randrange(30),
                },
            )
            drills += 1
    for number in range(1, TRAININGS + 1):
        scheduled = today - dt.timedelta(days=5 * number - 20)
        training = await _post(
            client,
            "/api/v1/emergency/trainings",
            leader,
            {
                "title": f"应急知识培训{number}",
                "plan_id": plans[number % len(plans)],
                "scheduled_at": f"{scheduled.isoformat()}T14:00:00+08:00",
                "due_by": (scheduled + dt.timedelta(days=10)).isoformat(),
                "audience_departments": draw.sample(departments, 2),
            },
        )
        # Held, except a few past their day and those still ahead.
        if scheduled < today and number % 12 != 0:
            await _post(
                client,
                f"/api/v1/emergency/trainings/{training['id']}/record",
                leader,
                {
                    "participants": [{"department": departments[0], "people": 20}],
                    "held_at": f"{scheduled.isoformat()}T15:00:00+08:00",
                },
            )
    for location in range(1, SUPPLY_LOCATIONS + 1):
        for item in SUPPLIES:
            minimum = 10 + draw.randrange(20)
            short = draw.random() < 0.08
            await _post(
                client,
                "/api/v1/emergency/supplies",
                admin,
                {
                    "location": f"第{location}号应急物资储备点",
                    "item_code": item,
                    "quantity": minimum - 3 if short else minimum + draw.randrange(50),
                    "minimum": minimum,
                },
            )
    for number in range(1, CLOSED_INCIDENTS + ACTIVE_INCIDENTS + 1):
        incident = await _post(
            client,
            "/api/v1/emergency/incidents",
            leader,
            {
                "type": incident_types[number % len(incident_types)],
                "level": ("IV", "III", "IV", "II")[number % 4],
                "title": f"办公区突发事件{number}",
                "location": f"第{number}号办公区",
            },
        )
        await _post(client, f"/api/v1/emergency/incidents/{incident['id']}/activate", leader, {})
        if number <= CLOSED_INCIDENTS:
            await _post(
                client,
                f"/api/v1/emergency/incidents/{incident['id']}/close",
                leader,
                {"summary": "处置完毕，恢复正常。"},
            )
    return {
        "plans": len(plans),
        "drills": drills,
        "trainings": TRAININGS,
        "stocks": SUPPLY_LOCATIONS * len(SUPPLIES),
        "incidents": CLOSED_INCIDENTS + ACTIVE_INCIDENTS,
    }


async def wait_for(check, what: str, seconds: float = 300) -> float:
    """Until `check()` is true; answers how long that took."""
    started = asyncio.get_running_loop().time()
    while not await check():
        if asyncio.get_running_loop().time() - started > seconds:
            raise TimeoutError(f"{what} did not happen within {seconds:.0f} s")
        await asyncio.sleep(1)
    return asyncio.get_running_loop().time() - started
