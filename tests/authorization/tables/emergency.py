"""emergency-svc: who may call what, and the world the calls are made in.

From API.md and issue 6: `admin` adds incident types; anyone signed in may report an
incident; a `commander` or `leader` activates one (and, silent but alike, changes its level,
closes it, reports upward and reassigns tasks); a task is completed (and acknowledged) by
its assignee (someone else: 403). Silent, kept as built: plans are kept by admins and
leaders; supplies by admins and commanders; drills and trainings by admins, leaders and
commanders; the bureau reads supplies, drills, buildings and readiness.

Issue 14 (hole 6), the reads: the bureau reads incidents, their timelines and reports
upward, tasks and the availability list; a served unit's staff read the incidents they
reported, those at their unit's buildings and those they hold a task in (any other: 404, as
if it did not exist), only their own tasks (another's: 404, whatever is asked of it) and
their own mark, and no reports upward; plans are read by the bureau and the units' staff
(a plan's role holders may be any staff); an integration client reads none of it (403) —
a client reads only by the roles it was given (incidents/access.py, tasks/access.py,
plans/access.py).
"""

from __future__ import annotations

import uuid

import httpx

from guanjia_shared.auth import Role
from guanjia_shared.testing.tokens import TokenMint
from tests.authorization.matrix import (
    ANONYMOUS,
    BUREAU,
    HEALTH,
    SIGNED_IN,
    UNIT_BOUND,
    Caller,
    World,
    roles,
    row,
)

API = "/api/v1/emergency"
ADMIN = roles(Role.admin)
PLAN_KEEPERS = roles(Role.admin, Role.leader)
COMMANDERS = roles(Role.commander, Role.leader)
SUPPLY_KEEPERS = roles(Role.admin, Role.commander)
DRILL_KEEPERS = roles(Role.admin, Role.leader, Role.commander)
# Marking someone else unavailable: commanders, the leadership or an admin (as built).
MARKERS = roles(Role.commander, Role.leader, Role.admin)
UNIT_STAFF = roles(Role.unit_staff)
# Incidents, tasks, marks and plans: the bureau, and a unit's staff what concerns them.
READERS = BUREAU | UNIT_STAFF


async def build_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """An active fire plan whose site lead is the caller and whose commander is someone
    else, two fires reported by an admin (one activated, so each holder has a task) and one
    by the caller, a drill, a training and a stock of supplies."""
    admin, leader = mint.headers("admin"), mint.headers("leader")
    someone_else = str(uuid.uuid4())

    async def send(method: str, path: str, body: object = None, headers: dict = admin) -> dict:
        answer = await client.request(method, f"{API}{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    async def listed(path: str, field: str = "id", **params: object) -> list:
        answer = await client.get(f"{API}{path}", params={"limit": 500, **params}, headers=admin)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
        body = answer.json()
        items = body["items"] if isinstance(body, dict) else body
        return [item[field] for item in items]

    # The migrations' reference data: the master and sample plans, the incident types.
    seeded_plans = await listed("/plans")
    incident_types = await listed("/incident-types", "code")

    def step(number: int, role: str) -> dict:
        return {"level": "IV", "step": number, "role": role, "action": "act", "within_minutes": 5}

    plan = await send(
        "POST",
        "/plans",
        {
            "code": "P-AUTHZ",
            "title": "火灾专项预案",
            "kind": "special",
            "incident_types": ["fire"],
            "organization": [
                {"role": "site_lead", "title": "现场", "holders": [caller.id], "deputy": None},
                {"role": "chief", "title": "总指挥", "holders": [someone_else], "deputy": None},
            ],
            "procedures": [step(1, "site_lead"), step(2, "chief")],
        },
    )
    await send("POST", f"/plans/{plan['id']}/activate")
    draft = await send(
        "POST",
        "/plans",
        {
            "code": "P-DRAFT",
            "title": "防汛预案",
            "kind": "special",
            "incident_types": ["rainstorm_flood"],
        },
    )
    fire = {"type": "fire", "level": "IV", "title": "配电室冒烟"}
    activated = await send("POST", "/incidents", fire)
    await send("POST", f"/incidents/{activated['id']}/activate", None, leader)
    reported = await send("POST", "/incidents", fire)
    # One the caller reported themself (made by an admin when there is no caller).
    own_report = await send(
        "POST",
        "/incidents",
        fire,
        mint.headers(caller.role, sub=caller.id) if caller.role != ANONYMOUS else admin,
    )
    tasks = await client.get(f"{API}/tasks", params={"incident_id": activated["id"]}, headers=admin)
    by_assignee = {task["assignee"]: task["id"] for task in tasks.json()["items"]}
    drill = await send(
        "POST",
        "/drills",
        {"plan_id": plan["id"], "scheduled_at": "2026-05-01T09:00:00+08:00", "scenario": "s"},
    )
    training = await send(
        "POST", "/trainings", {"title": "灭火器使用", "scheduled_at": "2026-05-02T09:00:00+08:00"}
    )
    await send("POST", "/supplies/items", {"code": "extinguisher", "name": "灭火器", "unit": "个"})
    stock = await send("POST", "/supplies", {"location": "一号楼", "item_code": "extinguisher"})
    absent = str(uuid.uuid4())
    await send("POST", "/availability", {"user_id": absent, "reason": "leave"})
    return {
        "own_unit": str(uuid.uuid4()),
        "seeded_plans": seeded_plans,
        "incident_types": incident_types,
        "plan": plan["id"],
        "draft_plan": draft["id"],
        "activated_timeline": await listed(f"/incidents/{activated['id']}/timeline", "seq"),
        "reported_timeline": await listed(f"/incidents/{reported['id']}/timeline", "seq"),
        "activated_reports": await listed(f"/incidents/{activated['id']}/reports"),
        "supply_items": await listed("/supplies/items", "code"),
        "absent_colleague": absent,
        "first_version": "1",
        "activated_incident": activated["id"],
        "reported_incident": reported["id"],
        "own_report": own_report["id"],
        "my_task": by_assignee[caller.id],
        "others_task": by_assignee[someone_else],
        "drill": drill["id"],
        "training": training["id"],
        "stock": stock["id"],
        "caller": caller.id,
        "someone_else": someone_else,
    }


PLAN = f"{API}/plans/{{plan_id}}"
AT_PLAN = {"plan_id": "plan"}
INCIDENT = f"{API}/incidents/{{incident_id}}"
ACTIVATED = {"incident_id": "activated_incident"}
REPORTED = {"incident_id": "reported_incident"}
TASK = f"{API}/tasks/{{task_id}}"
DRILL = f"{API}/drills/{{drill_id}}"
TRAINING = f"{API}/trainings/{{training_id}}"
STOCK = f"{API}/supplies/{{stock_id}}"

TABLE = [
    *HEALTH,
    # plans
    row(
        "POST",
        f"{API}/plans",
        PLAN_KEEPERS,
        body={"code": "P-NEW", "title": "t", "kind": "special", "incident_types": ["gas_leak"]},
        keep_as="new_plan",
    ),
    row(
        "GET",
        f"{API}/plans",
        READERS,
        query={"limit": "500"},
        sees={READERS: ["seeded_plans", "plan", "draft_plan", "new_plan"]},
    ),
    row("GET", PLAN, READERS, at=AT_PLAN),
    row(
        "GET",
        f"{PLAN}/versions",
        READERS,
        at=AT_PLAN,
        sees={READERS: ["first_version"]},
        id_field="version",
    ),
    row(
        "GET",
        f"{PLAN}/versions/{{version}}",
        READERS,
        at={"plan_id": "plan", "version": "first_version"},
    ),
    row("PATCH", PLAN, PLAN_KEEPERS, at=AT_PLAN, body={"scope": "机关大院"}),
    row("POST", f"{PLAN}/activate", PLAN_KEEPERS, at={"plan_id": "draft_plan"}),
    # incident types (API.md: admin adds more)
    row(
        "GET",
        f"{API}/incident-types",
        SIGNED_IN,
        query={"limit": "500"},
        sees={SIGNED_IN: ["incident_types"]},
        id_field="code",
    ),
    row("POST", f"{API}/incident-types", ADMIN, body={"code": "hail", "name": "冰雹"}),
    # incidents
    row(
        "POST",
        f"{API}/incidents",
        SIGNED_IN,
        body={"type": "fire", "level": "IV", "title": "烟雾报警"},
        keep_as="new_incident",
        note="anyone signed in may report (issue 6)",
    ),
    row(
        "GET",
        f"{API}/incidents",
        READERS,
        sees={
            BUREAU: ["activated_incident", "reported_incident", "own_report", "new_incident"],
            UNIT_STAFF: ["activated_incident", "own_report", "new_incident"],
        },
        note="unit staff: the ones that concern them",
    ),
    row(
        "GET",
        f"{API}/tasks",
        READERS,
        sees={BUREAU: ["my_task", "others_task"], UNIT_STAFF: ["my_task"]},
        note="unit staff: their own; read before the rows below activate another incident",
    ),
    row("GET", INCIDENT, READERS, at=ACTIVATED, note="unit staff: they hold a task in it"),
    row("GET", INCIDENT, READERS, at={"incident_id": "own_report"}, note="reported by them"),
    row(
        "GET",
        INCIDENT,
        BUREAU,
        at=REPORTED,
        hidden_from=UNIT_STAFF,
        note="someone else's, at no building of theirs, no task of theirs",
    ),
    row(
        "GET",
        f"{INCIDENT}/timeline",
        READERS,
        at=ACTIVATED,
        sees={READERS: ["activated_timeline"]},
        id_field="seq",
    ),
    row(
        "GET",
        f"{INCIDENT}/timeline",
        BUREAU,
        at=REPORTED,
        hidden_from=UNIT_STAFF,
        sees={BUREAU: ["reported_timeline"]},
        id_field="seq",
    ),
    row(
        "GET",
        f"{INCIDENT}/reports",
        BUREAU,
        at=ACTIVATED,
        sees={BUREAU: ["activated_reports"]},
        note="the bureau's account upward",
    ),
    row(
        "POST",
        f"{INCIDENT}/reports",
        COMMANDERS,
        at=ACTIVATED,
        body={"kind": "initial", "content": "已控制"},
    ),
    row("POST", f"{INCIDENT}/activate", COMMANDERS, at=REPORTED, note="issue 6"),
    row(
        "POST",
        f"{INCIDENT}/level",
        COMMANDERS,
        at=REPORTED,
        body={"level": "III", "reason": "spreading"},
    ),
    # tasks
    row("GET", TASK, READERS, at={"task_id": "my_task"}),
    row("GET", TASK, BUREAU, at={"task_id": "others_task"}, hidden_from=UNIT_STAFF),
    row("POST", f"{TASK}/acknowledge", SIGNED_IN, at={"task_id": "my_task"}, note="own task"),
    row("POST", f"{TASK}/complete", SIGNED_IN, at={"task_id": "my_task"}, body={"note": "done"}),
    row(
        "POST",
        f"{TASK}/acknowledge",
        frozenset(),
        at={"task_id": "others_task"},
        hidden_from=UNIT_BOUND,
        note="only its assignee; out of a unit's or a client's sight: 404",
    ),
    row(
        "POST",
        f"{TASK}/complete",
        frozenset(),
        at={"task_id": "others_task"},
        body={"note": "x"},
        hidden_from=UNIT_BOUND,
        note="not yours: 403 (issue 6); out of a unit's or a client's sight: 404",
    ),
    row(
        "POST",
        f"{TASK}/reassign",
        COMMANDERS,
        at={"task_id": "others_task"},
        body={"assignee": str(uuid.uuid4()), "reason": "on leave"},
    ),
    # availability of role holders
    row(
        "POST",
        f"{API}/availability",
        SIGNED_IN,
        body=lambda w: {"user_id": w["caller"], "reason": "sick"},
        keep_as="own_mark",
        keep_field="user_id",
        note="oneself",
    ),
    row(
        "POST",
        f"{API}/availability",
        MARKERS,
        body=lambda w: {"user_id": w["someone_else"], "reason": "abroad"},
        keep_as="someone_elses_mark",
        keep_field="user_id",
        note="someone else",
    ),
    row(
        "GET",
        f"{API}/availability",
        READERS,
        sees={
            BUREAU: ["absent_colleague", "own_mark", "someone_elses_mark"],
            UNIT_STAFF: ["own_mark"],
        },
        id_field="user_id",
        note="unit staff: their own mark",
    ),
    row("DELETE", f"{API}/availability/{{user_id}}", SIGNED_IN, at={"user_id": "caller"}),
    row("DELETE", f"{API}/availability/{{user_id}}", MARKERS, at={"user_id": "someone_else"}),
    row(
        "POST",
        f"{INCIDENT}/close",
        COMMANDERS,
        at=ACTIVATED,
        body={"summary": "out", "follow_ups": ["replace wiring"]},
    ),
    # supplies
    row(
        "GET",
        f"{API}/supplies/items",
        BUREAU,
        query={"limit": "500"},
        sees={BUREAU: ["supply_items"]},
        id_field="code",
    ),
    row(
        "POST",
        f"{API}/supplies/items",
        SUPPLY_KEEPERS,
        body={"code": "tarpaulin_authz", "name": "篷布", "unit": "块"},
    ),
    row("GET", f"{API}/supplies", BUREAU, sees={BUREAU: ["stock"]}),
    row(
        "POST",
        f"{API}/supplies",
        SUPPLY_KEEPERS,
        body={"location": "二号楼", "item_code": "extinguisher"},
    ),
    row("GET", STOCK, BUREAU, at={"stock_id": "stock"}),
    row("PUT", STOCK, SUPPLY_KEEPERS, at={"stock_id": "stock"}, body={"minimum": 4}),
    row(
        "POST",
        f"{STOCK}/movements",
        SUPPLY_KEEPERS,
        at={"stock_id": "stock"},
        body={"kind": "receipt", "quantity": 10, "reason": "bought"},
        keep_as="new_movement",
    ),
    row(
        "GET",
        f"{STOCK}/movements",
        BUREAU,
        at={"stock_id": "stock"},
        sees={BUREAU: ["new_movement"]},
    ),
    row(
        "GET",
        f"{API}/supplies/reservations",
        BUREAU,
        sees={BUREAU: []},
        note="none made: the world's plan reserves no supplies",
    ),
    row(
        "POST",
        f"{API}/supplies/reservations/{{reservation_id}}/release",
        SUPPLY_KEEPERS,
        expect=404,
        note="a made-up reservation: 404 to whoever may release",
    ),
    # drills and trainings
    row(
        "POST",
        f"{API}/drills",
        DRILL_KEEPERS,
        body=lambda w: {
            "plan_id": w["plan"],
            "scheduled_at": "2026-06-01T09:00:00+08:00",
            "scenario": "s",
        },
        keep_as="new_drill",
    ),
    row("GET", f"{API}/drills", BUREAU, sees={BUREAU: ["drill", "new_drill"]}),
    row("GET", DRILL, BUREAU, at={"drill_id": "drill"}),
    row(
        "PUT",
        f"{DRILL}/injects",
        DRILL_KEEPERS,
        at={"drill_id": "drill"},
        body=[{"at_minute": 5, "message": "停电"}],
    ),
    row(
        "POST",
        f"{DRILL}/findings",
        DRILL_KEEPERS,
        at={"drill_id": "drill"},
        body={"finding": "exit blocked"},
    ),
    row(
        "POST",
        f"{DRILL}/record",
        DRILL_KEEPERS,
        at={"drill_id": "drill"},
        body={"participants": [{"department": "办公室", "people": 3}]},
    ),
    row(
        "POST",
        f"{API}/trainings",
        DRILL_KEEPERS,
        body={"title": "t", "scheduled_at": "2026-06-02T09:00:00+08:00"},
        keep_as="new_training",
    ),
    row("GET", f"{API}/trainings", BUREAU, sees={BUREAU: ["training", "new_training"]}),
    row("GET", TRAINING, BUREAU, at={"training_id": "training"}),
    row(
        "POST",
        f"{TRAINING}/record",
        DRILL_KEEPERS,
        at={"training_id": "training"},
        body={"participants": [{"department": "办公室", "people": 3}]},
    ),
    # the buildings replica and readiness
    # (no building has reached the replica here: asset-svc does not run)
    row("GET", f"{API}/buildings", BUREAU, sees={BUREAU: []}),
    row("GET", f"{API}/buildings/unconfirmed", BUREAU, sees={BUREAU: []}),
    row(
        "GET",
        f"{API}/buildings/{{building_id}}",
        BUREAU,
        expect=404,
        note="a building the replica has not: 404 to whoever may ask",
    ),
    row("GET", f"{API}/reports/readiness", BUREAU),
    # the unit replica: names of the served units (none has reached it here)
    row("GET", f"{API}/units", SIGNED_IN, sees={SIGNED_IN: []}),
    row(
        "GET",
        f"{API}/units/{{unit_id}}",
        SIGNED_IN,
        at={"unit_id": "own_unit"},
        expect=404,
        note="no unit has reached the replica: 404 to whoever may ask",
    ),
    # last: retiring the plan ends what the rows above ran under
    row("POST", f"{PLAN}/retire", PLAN_KEEPERS, at=AT_PLAN),
]
