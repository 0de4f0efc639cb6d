"""ledger-svc: who may call what, and the world the calls are made in.

From API.md and issue 5: the ledger is the bureau's own (ARCHITECTURE.md), so served units'
staff and machine clients read none of it (issue 4/5 closing note: plans refuse unit
staff); only the owner (or `admin`) reports an item's progress; only a `leader` moves a
deadline and intervenes; the owner acknowledges and answers an intervention. Who shapes
plans, items and campaigns is silent: admins and leaders, and a department head their
department's items (as built). Exceptions, scorecards: the leadership (leader, admin,
auditor) and department heads (their own department) — silent on who; as built.
"""

from __future__ import annotations

import uuid

import httpx

from guanjia_shared.auth import Role
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.tokens import TokenMint
from tests.authorization.matrix import (
    BUREAU,
    HEALTH,
    NOBODY,
    OTHER_DEPARTMENT,
    OWN_DEPARTMENT,
    SIGNED_IN,
    Caller,
    World,
    roles,
    row,
)

API = "/api/v1/ledger"
QUALITY = f"{API}/quality/documents"
CLEANUPS = f"{API}/quality/cleanups"
NONCONFORMITIES = f"{API}/quality/nonconformities"
PROGRAMMES = f"{API}/quality/audit-programmes"
AUDITS = f"{API}/quality/audits"
OBJECTIVES = f"{API}/quality/objectives"
REVIEWS = f"{API}/quality/reviews"
# The effectiveness of corrective actions is checked at once, so the verdict's row may run.
SETTINGS = {"effectiveness_check_days": 0}
SHAPERS = roles(Role.admin, Role.leader)
LEADER = roles(Role.leader)
LEADERSHIP = roles(Role.admin, Role.leader, Role.auditor)
FOLLOWERS = LEADERSHIP | roles(Role.dept_head)
# The corrective actions the nonconformities' world made (build_nonconformity_world).
ACTION_ITEMS = ["own_action_item", "other_action_item", "other_verified_action_item"]
PLAN_ITEMS = [
    "others_item",
    "my_item",
    "own_done_item",
    "other_done_item",
    "new_own_item",
    "new_other_item",
]
ITEMS = [*PLAN_ITEMS, *ACTION_ITEMS]
NO_EXCEPTIONS = "none raised: the ledger's jobs find them, and they do not run here"


async def build_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """A plan with an item of the caller's department owned by someone else, one owned by
    the caller (when the caller is bureau staff), each with a leader's intervention, and a
    campaign with an activity."""
    admin, leader = mint.headers("admin"), mint.headers("leader")

    async def post(path: str, body: object, headers: dict = admin) -> dict:
        answer = await client.post(f"{API}{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    plan = await post("/plans", {"year": 2026, "title": "年度工作要点"})

    async def item(owner_id: str) -> str:
        body = {
            "title": "节能改造",
            "owner_id": owner_id,
            "department": OWN_DEPARTMENT,
            "deadline": "2026-12-31",
        }
        return (await post(f"/plans/{plan['id']}/items", body))["id"]

    others, mine = await item(str(uuid.uuid4())), await item(caller.id)
    interventions = {}
    for key, item_id in (("others", others), ("mine", mine)):
        issued = await post(f"/items/{item_id}/interventions", {"instruction": "加快"}, leader)
        interventions[key] = issued["id"]
    # An item of each department done: the scorecards count them, once the ledger's own
    # `ledger.item.completed` events have come back to it through NATS.
    done_items = {}
    for side, department in (("own", OWN_DEPARTMENT), ("other", OTHER_DEPARTMENT)):
        done = await post(
            f"/plans/{plan['id']}/items",
            {
                "title": "档案整理",
                "owner_id": str(uuid.uuid4()),
                "department": department,
                "deadline": "2026-12-31",
            },
        )
        await post(f"/items/{done['id']}/progress", {"percent": 100, "note": "完成"})
        done_items[f"{side}_done_item"] = done["id"]

    async def both_scored() -> None:
        answer = await client.get(f"{API}/scorecards", params={"year": 2026}, headers=admin)
        assert answer.json()["total"] == 2, answer.text

    await eventually(both_scored)
    campaign = await post(
        "/campaigns",
        {"year": 2026, "theme": "服务提升", "starts_on": "2026-03-01", "ends_on": "2026-05-31"},
    )
    activity = await post(
        f"/campaigns/{campaign['id']}/activities",
        {"kind": "training", "title": "礼仪培训", "held_on": "2026-03-10"},
    )
    quality = await build_quality_world(client, mint, caller)
    objectives = await build_objective_world(client, mint)
    reviews = await build_review_world(client, mint, caller)

    async def all_completions_scored() -> None:
        """The corrective actions done (build_nonconformity_world) are scored too: no event
        is still on its way to the inbox when the calls begin."""
        answer = await client.get(f"{API}/scorecards", params={"year": 2026}, headers=admin)
        completed = sum(card["items_completed"] for card in answer.json()["items"])
        assert completed == len(done_items) + len(ACTION_ITEMS), answer.text

    await eventually(all_completions_scored)
    return {
        **quality,
        **objectives,
        **reviews,
        "own_unit": str(uuid.uuid4()),
        "plan": plan["id"],
        "others_item": others,
        "my_item": mine,
        "others_intervention": interventions["others"],
        "my_intervention": interventions["mine"],
        "campaign": campaign["id"],
        "activity": activity["id"],
        "own_department": OWN_DEPARTMENT,
        "other_department": OTHER_DEPARTMENT,
        **done_items,
    }


async def build_quality_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """The procedure register: a procedure of the caller's department in force (published
    to the units), drafts of the caller's department and another's, and two revisions in
    review that name the caller as their approver."""
    leader_id = str(uuid.uuid4())
    leader = mint.headers("leader", sub=leader_id)
    drafter = mint.headers("dept_head", sub=str(uuid.uuid4()), department=OWN_DEPARTMENT)

    async def document(code: str, department: str = OWN_DEPARTMENT, **fields: object) -> str:
        body = {
            "code": code,
            "kind": "procedure",
            "department": department,
            "owner_id": str(uuid.uuid4()),
            "title": "公务接待办理流程",
            "text": "第一条 接待须有公函。",
            "effective_on": "2026-01-01",
            "next_review_on": "2027-01-01",
            **fields,
        }
        answer = await client.post(f"{QUALITY}", json=body, headers=mint.headers("admin"))
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]

    async def submit(document_id: str, approver_id: str) -> dict:
        answer = await client.post(
            f"{QUALITY}/{document_id}/revisions/1/submit",
            json={"approvers": [approver_id]},
            headers=drafter,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    in_force = await document("GJ-LC-001", published_to_units=True)
    revision = await submit(in_force, leader_id)
    approved = await client.post(
        f"{QUALITY}/{in_force}/revisions/1/approve", json={}, headers=leader
    )
    assert approved.json()["status"] == "effective", approved.text
    for_caller, for_caller_too = await document("GJ-LC-002"), await document("GJ-LC-003")
    await submit(for_caller, caller.id)
    await submit(for_caller_too, caller.id)
    documents = {
        "doc_in_force": in_force,
        "rev_in_force": revision["id"],
        "first": 1,
        "own_draft": await document("GJ-LC-004"),
        "other_draft": await document("GJ-LC-005", OTHER_DEPARTMENT),
        "doc_to_abolish": await document("GJ-LC-006"),
        "for_caller": for_caller,
        "for_caller_too": for_caller_too,
    }
    return {
        **documents,
        **await build_cleanup_world(client, mint),
        **await build_nonconformity_world(client, mint),
        **await build_audit_world(client, mint, in_force),
    }


async def build_cleanup_world(client: httpx.AsyncClient, mint: TokenMint) -> World:
    """Two clean-up campaigns over the register above: one of both departments, its lines
    undecided (each line kept under its document's key, `line_of_…`), and one of the other
    department alone, every line decided (so it may close)."""
    admin = mint.headers("admin")

    async def post(path: str, body: object) -> dict:
        answer = await client.post(f"{CLEANUPS}{path}", json=body, headers=admin)
        assert answer.status_code == 201, f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    async def lines(cleanup_id: str) -> dict[str, str]:
        answer = await client.get(f"{CLEANUPS}/{cleanup_id}/lines", headers=admin)
        assert answer.status_code == 200, answer.text
        return {line["code"]: line["id"] for line in answer.json()["items"]}

    both = await post("", {"name": "制度清理", "departments": [OWN_DEPARTMENT, OTHER_DEPARTMENT]})
    other = await post("", {"name": "综合处制度清理", "departments": [OTHER_DEPARTMENT]})
    [other_line] = (await lines(other["id"])).values()
    decision = {
        "decision": "revise",
        "rationale": "需修订",
        "owner_id": str(uuid.uuid4()),
        "deadline": "2026-12-31",
    }
    await post(f"/{other['id']}/lines/{other_line}/decision", decision)
    line_ids = await lines(both["id"])
    return {
        "cleanup": both["id"],
        "closable_cleanup": other["id"],
        **{f"line_of_{code}": line_id for code, line_id in line_ids.items()},
    }


async def build_nonconformity_world(client: httpx.AsyncClient, mint: TokenMint) -> World:
    """Nonconformities against the register's procedures, opened by an admin (a keeper),
    each at the stage its row's move needs: of the caller's department at containment, at
    root cause, at corrective actions (without actions, and with one done), and of the
    other department at containment, at its effectiveness check (due at once: `SETTINGS`)
    and with its effective verdict recorded."""
    admin = mint.headers("admin")
    leader = mint.headers("leader")
    stages = [
        "containment",
        "root_cause",
        "corrective_actions",
        "actions_done",
        "checking",
        "verified",
    ]

    async def post(path: str, body: object, headers: dict = admin) -> dict:
        answer = await client.post(f"{NONCONFORMITIES}{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    actions: list[dict] = []

    async def at(stage: str, department: str, code: str) -> str:
        opening = {
            "source": "audit",
            "procedure_code": code,
            "department": department,
            "description": "抽查发现未按流程办理",
        }
        nonconformity = (await post("", opening))["id"]
        reach = stages.index(stage)
        if reach >= stages.index("root_cause"):
            await post(f"/{nonconformity}/containment", {"containment": "立即纠正"})
        if reach >= stages.index("corrective_actions"):
            cause = {"root_cause": "流程未落实", "similar_elsewhere": False}
            await post(f"/{nonconformity}/root-cause", cause)
        if reach >= stages.index("actions_done"):
            action = await post(
                f"/{nonconformity}/actions",
                {"title": "修订流程", "owner_id": str(uuid.uuid4()), "deadline": "2026-12-31"},
            )
            done = await client.post(
                f"{API}/items/{action['item_id']}/progress",
                json={"percent": 100, "note": "完成"},
                headers=admin,
            )
            assert done.status_code == 201, done.text
            actions.append(action)
        if reach >= stages.index("checking"):
            await post(f"/{nonconformity}/effectiveness-check", {})
        if reach >= stages.index("verified"):
            verdict = {"effective": True, "evidence": "复查无误"}
            await post(f"/{nonconformity}/verdict", verdict, leader)
        return nonconformity

    nonconformities = {
        "own_nc": await at("containment", OWN_DEPARTMENT, "GJ-LC-001"),
        "own_nc_at_root_cause": await at("root_cause", OWN_DEPARTMENT, "GJ-LC-001"),
        "own_nc_at_actions": await at("corrective_actions", OWN_DEPARTMENT, "GJ-LC-001"),
        "own_nc_actions_done": await at("actions_done", OWN_DEPARTMENT, "GJ-LC-001"),
        "other_nc": await at("containment", OTHER_DEPARTMENT, "GJ-LC-005"),
        "other_nc_checking": await at("checking", OTHER_DEPARTMENT, "GJ-LC-005"),
        "other_nc_verified": await at("verified", OTHER_DEPARTMENT, "GJ-LC-005"),
    }
    # The corrective actions are ledger items, in the year's plan of corrective actions.
    return {
        **nonconformities,
        "corrective_plan": actions[0]["plan_id"],
        **{key: action["item_id"] for key, action in zip(ACTION_ITEMS, actions, strict=True)},
    }


async def build_audit_world(client: httpx.AsyncClient, mint: TokenMint, in_force: str) -> World:
    """Read-and-acknowledge: the procedure in force distributed to the callers' department.
    Internal audits: the 2026 programme; audits of the callers' department led by someone of
    neither department — one in progress with a nonconformity finding, one planned, one
    reported — and one of the other department, planned (it has nothing in force to
    start on)."""
    admin = mint.headers("admin")
    lead_id = str(uuid.uuid4())
    lead = mint.headers("agent", sub=lead_id, department="督查室")

    async def post(path: str, body: object, headers: dict = admin) -> dict:
        answer = await client.post(f"{API}/quality{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    await post(f"/documents/{in_force}/distribution", {"departments": [OWN_DEPARTMENT]})
    programme = await post("/audit-programmes", {"year": 2026, "title": "2026年内部审核方案"})

    async def audit(department: str) -> str:
        body = audit_body(department, lead_id)
        return (await post(f"/audit-programmes/{programme['id']}/audits", body))["id"]

    async def started(department: str) -> tuple[str, str]:
        audit_id = await audit(department)
        await post(f"/audits/{audit_id}/start", {})
        checklist = await client.get(f"{AUDITS}/{audit_id}/checklist", headers=admin)
        [line] = checklist.json()
        return audit_id, line["id"]

    own_audit, own_line = await started(OWN_DEPARTMENT)
    finding = {"line_id": own_line, "kind": "nonconformity", "severity": "minor", "evidence": "e"}
    own_finding = await post(f"/audits/{own_audit}/findings", finding, lead)
    reported_audit, reported_line = await started(OWN_DEPARTMENT)
    conformity = {"line_id": reported_line, "kind": "conformity", "evidence": "e"}
    await post(f"/audits/{reported_audit}/findings", conformity, lead)
    await post(f"/audits/{reported_audit}/report", {"report": "符合"}, lead)
    return {
        "programme": programme["id"],
        "own_audit": own_audit,
        "own_line": own_line,
        "own_finding": own_finding["id"],
        "startable_audit": await audit(OWN_DEPARTMENT),
        "reported_audit": reported_audit,
        "other_audit": await audit(OTHER_DEPARTMENT),
    }


async def build_objective_world(client: httpx.AsyncClient, mint: TokenMint) -> World:
    """Quality objectives of 2026: the bureau's, the callers' department's and the other
    department's."""
    leader = mint.headers("leader")
    made = {}
    for key, department in (
        ("bureau_objective", None),
        ("own_objective", OWN_DEPARTMENT),
        ("other_objective", OTHER_DEPARTMENT),
    ):
        body = {
            "title": "服务时限达标率不低于95%",
            "measure": "sla_compliance",
            "target": 95,
            "year": 2026,
            "department": department,
        }
        answer = await client.post(OBJECTIVES, json=body, headers=leader)
        assert answer.status_code == 201, answer.text
        made[key] = answer.json()["id"]
    return made


async def build_review_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """Management reviews chaired by a leader who is not a caller: three the caller takes
    part in — one in draft, one held with a decision, one held with no outputs — and one in
    draft the caller does not."""
    leader = mint.headers("leader")

    async def post(path: str, body: object) -> dict:
        answer = await client.post(f"{REVIEWS}{path}", json=body, headers=leader)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    async def review(participants: list[str], held: bool) -> str:
        body = {
            "title": "管理评审",
            "held_on": "2026-07-15",
            "period_from": "2026-01-01",
            "period_to": "2026-06-30",
            "chair_id": str(uuid.uuid4()),
            "participants": participants,
        }
        made = await post("", body)
        if held:
            await post(f"/{made['id']}/hold", {})
        return made["id"]

    held_review = await review([caller.id], held=True)
    decision = await post(f"/{held_review}/outputs", {"kind": "decision", "text": "方针不变"})
    return {
        "own_review": await review([caller.id], held=False),
        "other_review": await review([], held=False),
        "held_review": held_review,
        "held_decision": decision["id"],
        "closable_review": await review([caller.id], held=True),
    }


def audit_body(department: str, lead_id: str) -> dict:
    return {
        "title": "内部审核",
        "departments": [department],
        "lead_auditor": {"person_id": lead_id, "department": "督查室"},
        "starts_on": "2026-10-01",
        "ends_on": "2026-10-31",
    }


ITEM = f"{API}/items/{{item_id}}"
OTHERS = {"item_id": "others_item"}
MINE = {"item_id": "my_item"}
CAMPAIGN = f"{API}/campaigns/{{campaign_id}}"
ACTIVITY = f"{CAMPAIGN}/activities/{{activity_id}}"
AT_ACTIVITY = {"campaign_id": "campaign", "activity_id": "activity"}
INTERVENTION = f"{API}/interventions/{{intervention_id}}"

DOCUMENT = f"{QUALITY}/{{document_id}}"
REVISION = f"{DOCUMENT}/revisions/{{number}}"
IN_FORCE = {"document_id": "doc_in_force"}
REGISTER_READERS = BUREAU | roles(Role.unit_staff)
DRAFTERS = roles(Role.admin, Role.dept_head, Role.agent)
DECIDERS = roles(Role.admin, Role.leader, Role.dept_head, Role.agent)
CLEANUP = f"{CLEANUPS}/{{cleanup_id}}"
LINE = f"{CLEANUP}/lines/{{line_id}}"
AT_CLEANUP = {"cleanup_id": "cleanup"}
RUNNERS = roles(Role.admin, Role.leader)
OVERSEERS = roles(Role.admin, Role.leader, Role.auditor)
OWN_LINES = [f"line_of_GJ-LC-00{number}" for number in (1, 2, 3, 4, 6)]
NONCONFORMITY = f"{NONCONFORMITIES}/{{nonconformity_id}}"
OWN_NCS = ["own_nc", "own_nc_at_root_cause", "own_nc_at_actions", "own_nc_actions_done"]
OTHER_NCS = ["other_nc", "other_nc_checking", "other_nc_verified"]
WORKERS = roles(Role.admin, Role.dept_head)
AUDIT = f"{AUDITS}/{{audit_id}}"
OWN_AUDIT = {"audit_id": "own_audit"}
OWN_AUDITS = ["own_audit", "startable_audit", "reported_audit"]
OBJECTIVE = f"{OBJECTIVES}/{{objective_id}}"
OWN_OBJECTIVES = ["bureau_objective", "own_objective"]
REVIEW = f"{REVIEWS}/{{review_id}}"
OWN_REVIEW = {"review_id": "own_review"}
OWN_REVIEWS = ["own_review", "held_review", "closable_review"]


def document_body(code: str, department: str) -> dict:
    return {
        "code": code,
        "kind": "form",
        "department": department,
        "owner_id": str(uuid.uuid4()),
        "title": "用车申请表",
    }


TABLE = [
    *HEALTH,
    # plans and items
    row("POST", f"{API}/plans", SHAPERS, body={"year": 2027, "title": "t"}, keep_as="new_plan"),
    row("GET", f"{API}/plans", BUREAU, sees={BUREAU: ["plan", "corrective_plan", "new_plan"]}),
    row("GET", f"{API}/plans/{{plan_id}}", BUREAU, at={"plan_id": "plan"}),
    row(
        "POST",
        f"{API}/plans/{{plan_id}}/items",
        SHAPERS | roles(Role.dept_head),
        at={"plan_id": "plan"},
        body={
            "title": "t",
            "owner_id": str(uuid.uuid4()),
            "department": OWN_DEPARTMENT,
            "deadline": "2026-11-30",
        },
        keep_as="new_own_item",
        note="a department head: their own department's items",
    ),
    row(
        "POST",
        f"{API}/plans/{{plan_id}}/items",
        SHAPERS,
        at={"plan_id": "plan"},
        body={
            "title": "t",
            "owner_id": str(uuid.uuid4()),
            "department": OTHER_DEPARTMENT,
            "deadline": "2026-11-30",
        },
        keep_as="new_other_item",
        note="another department's item",
    ),
    row(
        "GET",
        f"{API}/plans/{{plan_id}}/items",
        BUREAU,
        at={"plan_id": "plan"},
        sees={BUREAU: PLAN_ITEMS},
    ),
    row("GET", f"{API}/plans/{{plan_id}}/ledger.xlsx", BUREAU, at={"plan_id": "plan"}),
    row("GET", f"{API}/items", BUREAU, sees={BUREAU: ITEMS}),
    row("GET", ITEM, BUREAU, at=OTHERS),
    row(
        "PATCH",
        ITEM,
        SHAPERS | roles(Role.dept_head),
        at=OTHERS,
        body={"title": "renamed"},
    ),
    row(
        "POST",
        f"{ITEM}/progress",
        roles(Role.admin),
        at=OTHERS,
        body={"percent": 10, "note": "n"},
        keep_as="new_progress",
        note="someone else's item: only an admin besides its owner (API.md)",
    ),
    row(
        "POST",
        f"{ITEM}/progress",
        BUREAU,
        at=MINE,
        body={"percent": 20, "note": "n"},
        note="the caller's own item",
    ),
    row("GET", f"{ITEM}/progress", BUREAU, at=OTHERS, sees={BUREAU: ["new_progress"]}),
    row(
        "POST",
        f"{ITEM}/deadline",
        LEADER,
        at=OTHERS,
        body={"deadline": "2027-01-31", "reason": "scope grew"},
        keep_as="new_deadline",
        keep_field="deadline",
        note="only a leader, with a reason (issue 5)",
    ),
    row(
        "GET",
        f"{ITEM}/deadline-changes",
        BUREAU,
        at=OTHERS,
        sees={BUREAU: ["new_deadline"]},
        id_field="new_deadline",
    ),
    # exceptions and interventions
    row("GET", f"{API}/exceptions", FOLLOWERS, sees={FOLLOWERS: []}, note=NO_EXCEPTIONS),
    row("GET", f"{ITEM}/exceptions", FOLLOWERS, at=OTHERS, sees={FOLLOWERS: []}),
    row(
        "GET",
        f"{ITEM}/exceptions",
        BUREAU,
        at=MINE,
        sees={BUREAU: []},
        note="the owner follows their item",
    ),
    row(
        "POST",
        f"{ITEM}/interventions",
        LEADER,
        at=OTHERS,
        body={"instruction": "report weekly"},
        keep_as="new_intervention",
        note="by a leader (API.md)",
    ),
    row(
        "GET",
        f"{ITEM}/interventions",
        FOLLOWERS,
        at=OTHERS,
        sees={FOLLOWERS: ["others_intervention", "new_intervention"]},
    ),
    row(
        "GET",
        f"{API}/interventions",
        BUREAU,
        sees={
            FOLLOWERS: ["others_intervention", "my_intervention", "new_intervention"],
            BUREAU - FOLLOWERS: ["my_intervention"],
        },
        note="the owner's own to-do list at least",
    ),
    row(
        "GET",
        INTERVENTION,
        FOLLOWERS,
        at={"intervention_id": "others_intervention"},
    ),
    row(
        "POST",
        f"{INTERVENTION}/acknowledge",
        frozenset(),
        at={"intervention_id": "others_intervention"},
        note="only the item's owner",
    ),
    row(
        "POST",
        f"{INTERVENTION}/acknowledge",
        BUREAU,
        at={"intervention_id": "my_intervention"},
    ),
    row(
        "POST",
        f"{INTERVENTION}/answer",
        BUREAU,
        at={"intervention_id": "my_intervention"},
        body={"answer": "on it"},
    ),
    row(
        "POST",
        f"{INTERVENTION}/answer",
        frozenset(),
        at={"intervention_id": "others_intervention"},
        body={"answer": "x"},
        note="only the item's owner",
    ),
    row(
        "POST",
        f"{INTERVENTION}/close",
        LEADER,
        at={"intervention_id": "others_intervention"},
    ),
    # campaigns
    row(
        "POST",
        f"{API}/campaigns",
        SHAPERS,
        body={"year": 2026, "theme": "t", "starts_on": "2026-06-01", "ends_on": "2026-08-31"},
        keep_as="new_campaign",
    ),
    row("GET", f"{API}/campaigns", BUREAU, sees={BUREAU: ["campaign", "new_campaign"]}),
    row("GET", CAMPAIGN, BUREAU, at={"campaign_id": "campaign"}),
    row("PATCH", CAMPAIGN, SHAPERS, at={"campaign_id": "campaign"}, body={"theme": "renamed"}),
    row(
        "POST",
        f"{CAMPAIGN}/activities",
        SHAPERS,
        at={"campaign_id": "campaign"},
        body={"kind": "competition", "title": "t", "held_on": "2026-04-01"},
        keep_as="new_activity",
    ),
    row(
        "GET",
        f"{CAMPAIGN}/activities",
        BUREAU,
        at={"campaign_id": "campaign"},
        sees={BUREAU: ["activity", "new_activity"]},
    ),
    row("GET", ACTIVITY, BUREAU, at=AT_ACTIVITY),
    row(
        "PUT",
        f"{ACTIVITY}/participants",
        SHAPERS,
        at=AT_ACTIVITY,
        body=[{"department": OWN_DEPARTMENT, "people": 5}],
    ),
    row(
        "POST",
        f"{ACTIVITY}/results",
        SHAPERS,
        at=AT_ACTIVITY,
        body={"department": OWN_DEPARTMENT, "rank": 1},
    ),
    row(
        "POST",
        f"{CAMPAIGN}/close",
        SHAPERS,
        at={"campaign_id": "campaign"},
        body={"summary": "done"},
    ),
    # scorecards
    row(
        "GET",
        f"{API}/scorecards",
        FOLLOWERS,
        query={"year": "2026"},
        sees={
            LEADERSHIP: ["own_department", "other_department"],
            roles(Role.dept_head): ["own_department"],
        },
        id_field="department",
        note="department heads: their own",
    ),
    row(
        "GET",
        f"{API}/scorecards/{{department}}",
        FOLLOWERS,
        at={"department": "own_department"},
        query={"year": "2026"},
    ),
    # the procedure register (quality/policy.py): the owning department's staff and the
    # admins draft; named approvers approve; the bureau reads what is in force, a unit's
    # staff what is published to the units; drafts of another department are out of sight
    row(
        "POST",
        QUALITY,
        DRAFTERS,
        body=document_body("GJ-LC-101", OWN_DEPARTMENT),
        keep_as="new_document",
        note="a department's staff: their own department's",
    ),
    row(
        "POST",
        QUALITY,
        roles(Role.admin),
        body=document_body("GJ-LC-102", OTHER_DEPARTMENT),
        note="another department's: the register's keepers only",
    ),
    row("GET", QUALITY, REGISTER_READERS, sees={REGISTER_READERS: ["doc_in_force"]}),
    row("GET", DOCUMENT, REGISTER_READERS, at=IN_FORCE),
    row(
        "GET",
        DOCUMENT,
        roles(Role.admin, Role.leader, Role.auditor),
        at={"document_id": "other_draft"},
        hidden_from=roles(Role.dept_head, Role.agent, Role.commander, Role.unit_staff),
        note="another department's draft",
    ),
    row("PATCH", DOCUMENT, roles(Role.admin), at=IN_FORCE, body={"next_review_on": "2027-06-01"}),
    row(
        "GET",
        f"{DOCUMENT}/revisions",
        REGISTER_READERS,
        at=IN_FORCE,
        sees={REGISTER_READERS: ["rev_in_force"]},
    ),
    row("GET", REVISION, REGISTER_READERS, at={**IN_FORCE, "number": "first"}),
    row(
        "GET",
        f"{DOCUMENT}/diff",
        REGISTER_READERS,
        at=IN_FORCE,
        query={"from": "1", "to": "1"},
    ),
    row("POST", f"{DOCUMENT}/revisions", DRAFTERS, at=IN_FORCE, body={"title": "修订稿"}),
    row(
        "PATCH",
        REVISION,
        DRAFTERS,
        at={"document_id": "own_draft", "number": "first"},
        body={"title": "改名"},
    ),
    row(
        "POST",
        f"{REVISION}/submit",
        DRAFTERS,
        at={"document_id": "own_draft", "number": "first"},
        body={"approvers": [str(uuid.uuid4())]},
    ),
    row(
        "POST",
        f"{REVISION}/approve",
        DECIDERS,
        at={"document_id": "for_caller", "number": "first"},
        body={},
        note="the caller is its named approver",
    ),
    row(
        "POST",
        f"{REVISION}/reject",
        DECIDERS,
        at={"document_id": "for_caller_too", "number": "first"},
        body={"reason": "第一条不清"},
        note="the caller is its named approver",
    ),
    row(
        "POST",
        f"{DOCUMENT}/abolish",
        roles(Role.admin, Role.leader),
        at={"document_id": "doc_to_abolish"},
        body={"reason": "已并入新制度"},
    ),
    row("GET", QUALITY, REGISTER_READERS, query={"format": "xlsx"}, note="the register's xlsx"),
    row("GET", f"{API}/quality/office", BUREAU, note="the quality office by name, for the console"),
    # clean-up campaigns (cleanups/policy.py): run by a leader, an admin or the quality
    # office; read by the bureau, each line as the register shows its document (another
    # department's document never in force is out of sight); not the served units'
    row(
        "POST",
        CLEANUPS,
        RUNNERS,
        body={"name": "清理", "departments": [OWN_DEPARTMENT]},
        keep_as="new_cleanup",
    ),
    row(
        "GET",
        CLEANUPS,
        BUREAU,
        sees={BUREAU: ["cleanup", "closable_cleanup", "new_cleanup"]},
    ),
    row("GET", CLEANUP, BUREAU, at=AT_CLEANUP),
    row("GET", f"{CLEANUP}/progress", BUREAU, at=AT_CLEANUP),
    row(
        "GET",
        f"{CLEANUP}/lines",
        BUREAU,
        at=AT_CLEANUP,
        sees={
            OVERSEERS: [*OWN_LINES, "line_of_GJ-LC-005"],
            BUREAU - OVERSEERS: OWN_LINES,
        },
        note="another department's draft is out of sight",
    ),
    row("GET", f"{CLEANUP}/lines", BUREAU, at=AT_CLEANUP, query={"format": "xlsx"}),
    row("GET", LINE, BUREAU, at={**AT_CLEANUP, "line_id": "line_of_GJ-LC-001"}),
    row(
        "GET",
        LINE,
        OVERSEERS,
        at={**AT_CLEANUP, "line_id": "line_of_GJ-LC-005"},
        hidden_from=BUREAU - OVERSEERS,
        note="the line of another department's draft",
    ),
    row(
        "POST",
        f"{LINE}/decision",
        RUNNERS,
        at={**AT_CLEANUP, "line_id": "line_of_GJ-LC-001"},
        body={
            "decision": "confirm",
            "rationale": "成熟有效",
            "owner_id": str(uuid.uuid4()),
            "deadline": "2026-12-31",
        },
    ),
    row("POST", f"{CLEANUP}/close", RUNNERS, at={"cleanup_id": "closable_cleanup"}, body={}),
    # nonconformities (nonconformities/policy.py): the admins (no quality office here),
    # leaders and auditors read every department's; the other bureau staff their own
    # department's (another's is not found, to read as to work); not the served units'.
    # Opened by an admin or a leader, or a department head for their own department;
    # worked by the department's head; verified and closed by an admin or a leader of
    # another department (the callers' department is not the nonconformity's here)
    row(
        "POST",
        NONCONFORMITIES,
        roles(Role.admin, Role.leader, Role.dept_head),
        body={
            "source": "complaint",
            "complaint_ref": "信访-001",
            "procedure_code": "GJ-LC-001",
            "department": OWN_DEPARTMENT,
            "description": "办理超时",
        },
        keep_as="new_nc",
        note="a department head: their own department's",
    ),
    row(
        "POST",
        NONCONFORMITIES,
        roles(Role.admin, Role.leader),
        body={
            "source": "audit",
            "procedure_code": "GJ-LC-005",
            "department": OTHER_DEPARTMENT,
            "description": "抽查发现",
        },
        keep_as="new_other_nc",
        note="another department's",
    ),
    row(
        "GET",
        NONCONFORMITIES,
        BUREAU,
        sees={
            OVERSEERS: [*OWN_NCS, "new_nc", *OTHER_NCS, "new_other_nc"],
            BUREAU - OVERSEERS: [*OWN_NCS, "new_nc"],
        },
        note="another department's are out of sight",
    ),
    row("GET", NONCONFORMITIES, BUREAU, query={"format": "xlsx"}, note="the CAPA xlsx"),
    row("GET", NONCONFORMITY, BUREAU, at={"nonconformity_id": "own_nc"}),
    row(
        "GET",
        NONCONFORMITY,
        OVERSEERS,
        at={"nonconformity_id": "other_nc"},
        hidden_from=BUREAU - OVERSEERS,
        note="another department's",
    ),
    row(
        "POST",
        f"{NONCONFORMITY}/containment",
        WORKERS,
        at={"nonconformity_id": "own_nc"},
        body={"containment": "立即纠正"},
    ),
    row(
        "POST",
        f"{NONCONFORMITY}/containment",
        roles(Role.admin),
        at={"nonconformity_id": "other_nc"},
        hidden_from=roles(Role.dept_head, Role.agent),
        body={"containment": "立即纠正"},
        note="another department's: its head does not find it",
    ),
    row(
        "POST",
        f"{NONCONFORMITY}/root-cause",
        WORKERS,
        at={"nonconformity_id": "own_nc_at_root_cause"},
        body={"root_cause": "流程未落实", "similar_elsewhere": False},
    ),
    row(
        "POST",
        f"{NONCONFORMITY}/actions",
        WORKERS,
        at={"nonconformity_id": "own_nc_at_actions"},
        body={"title": "修订流程", "owner_id": str(uuid.uuid4()), "deadline": "2026-12-31"},
    ),
    row(
        "POST",
        f"{NONCONFORMITY}/effectiveness-check",
        WORKERS,
        at={"nonconformity_id": "own_nc_actions_done"},
    ),
    row(
        "POST",
        f"{NONCONFORMITY}/verdict",
        RUNNERS,
        at={"nonconformity_id": "other_nc_checking"},
        hidden_from=roles(Role.dept_head, Role.agent),
        body={"effective": True, "evidence": "复查无误"},
    ),
    row(
        "POST",
        f"{NONCONFORMITY}/close",
        RUNNERS,
        at={"nonconformity_id": "other_nc_verified"},
        hidden_from=roles(Role.dept_head, Role.agent),
        body={},
    ),
    # read-and-acknowledge (acknowledgements/policy.py): the bureau reads a document's
    # audience and who has read it (names to overseers, the owner, a head their own
    # department's); the owner or an admin distributes (the owner is someone else here);
    # each person acknowledges what is distributed to them (the callers' department is)
    row(
        "GET",
        f"{API}/quality/to-read",
        BUREAU,
        sees={BUREAU: ["doc_in_force"]},
        id_field="document_id",
        note="distributed to the callers' department",
    ),
    row(
        "POST",
        f"{DOCUMENT}/distribution",
        roles(Role.admin),
        at=IN_FORCE,
        body={"roles": ["leader"]},
        note="its owner (not a caller here) or the register's keepers",
    ),
    row("GET", f"{DOCUMENT}/distribution", BUREAU, at=IN_FORCE),
    row("POST", f"{DOCUMENT}/acknowledgements", BUREAU, at=IN_FORCE, body={"revision": 1}),
    row("GET", f"{DOCUMENT}/reading", BUREAU, at=IN_FORCE),
    # internal audits (audits/policy.py): planned and closed by a leader, an admin or the
    # quality office; started by the lead auditor or a keeper; findings and the report are
    # the audit's team's (none of the callers is on one here); read by the overseers (every
    # department's) and a department's staff (their own department's: another's is not
    # found); a nonconformity from a finding as nonconformities/policy.py opens one
    row(
        "POST",
        PROGRAMMES,
        RUNNERS,
        body={"year": 2027, "title": "2027年内部审核方案"},
        keep_as="new_programme",
    ),
    row("GET", PROGRAMMES, BUREAU, sees={BUREAU: ["programme", "new_programme"]}),
    row("GET", f"{PROGRAMMES}/{{programme_id}}", BUREAU, at={"programme_id": "programme"}),
    row(
        "POST",
        f"{PROGRAMMES}/{{programme_id}}/audits",
        RUNNERS,
        at={"programme_id": "programme"},
        body=audit_body(OTHER_DEPARTMENT, str(uuid.uuid4())),
        keep_as="new_audit",
    ),
    row(
        "GET",
        AUDITS,
        BUREAU,
        sees={
            OVERSEERS: [*OWN_AUDITS, "other_audit", "new_audit"],
            BUREAU - OVERSEERS: OWN_AUDITS,
        },
        note="another department's are out of sight",
    ),
    row("GET", AUDIT, BUREAU, at=OWN_AUDIT),
    row(
        "GET",
        AUDIT,
        OVERSEERS,
        at={"audit_id": "other_audit"},
        hidden_from=BUREAU - OVERSEERS,
        note="another department's",
    ),
    row("GET", f"{AUDIT}/checklist", BUREAU, at=OWN_AUDIT, sees={BUREAU: ["own_line"]}),
    row("GET", f"{AUDIT}/findings", BUREAU, at=OWN_AUDIT, sees={BUREAU: ["own_finding"]}),
    row(
        "POST",
        f"{AUDIT}/start",
        roles(Role.admin),
        at={"audit_id": "startable_audit"},
        note="its lead auditor (not a caller here) or the register's keepers",
    ),
    row(
        "POST",
        f"{AUDIT}/findings",
        NOBODY,
        at=OWN_AUDIT,
        body={"kind": "observation", "evidence": "e"},
        note="the audit's team only, none of the callers",
    ),
    row(
        "POST",
        f"{AUDIT}/report",
        NOBODY,
        at=OWN_AUDIT,
        body={"report": "r"},
        note="its lead auditor only, not a caller",
    ),
    row(
        "POST",
        f"{AUDIT}/findings/{{finding_id}}/nonconformity",
        roles(Role.admin, Role.leader, Role.dept_head),
        at={**OWN_AUDIT, "finding_id": "own_finding"},
        body={},
        note="a department head: a finding of their own department",
    ),
    row("POST", f"{AUDIT}/close", RUNNERS, at={"audit_id": "reported_audit"}, body={}),
    # quality objectives (objectives/policy.py): set by a leader or the quality office's
    # keepers (the admins here); the bureau's objectives read by all its staff, a
    # department's (and its monthly figures) by that department's staff and the overseers
    # alone (another's is not found); not the served units'
    row(
        "POST",
        OBJECTIVES,
        roles(Role.admin, Role.leader),
        body={
            "title": "台账按期完成率",
            "measure": "ledger_completion",
            "target": 90,
            "year": 2026,
        },
        keep_as="new_objective",
    ),
    row(
        "GET",
        OBJECTIVES,
        BUREAU,
        sees={
            OVERSEERS: [*OWN_OBJECTIVES, "other_objective", "new_objective"],
            BUREAU - OVERSEERS: [*OWN_OBJECTIVES, "new_objective"],
        },
        note="another department's are out of sight",
    ),
    row("GET", OBJECTIVE, BUREAU, at={"objective_id": "own_objective"}),
    row("GET", OBJECTIVE, BUREAU, at={"objective_id": "bureau_objective"}, note="the bureau's"),
    row(
        "GET",
        OBJECTIVE,
        OVERSEERS,
        at={"objective_id": "other_objective"},
        hidden_from=BUREAU - OVERSEERS,
        note="another department's",
    ),
    # management reviews (reviews/policy.py): made by a leader or the quality office's
    # keepers (the admins here); read by them, auditors, the chair and the participants
    # (the callers take part in the own ones; another is not found); run by a leader, a
    # keeper or the chair (none of the callers), a participant reads it only
    row(
        "POST",
        REVIEWS,
        roles(Role.admin, Role.leader),
        body={
            "title": "管理评审",
            "held_on": "2026-12-20",
            "period_from": "2026-07-01",
            "period_to": "2026-11-30",
            "chair_id": str(uuid.uuid4()),
        },
        keep_as="new_review",
    ),
    row(
        "GET",
        REVIEWS,
        BUREAU,
        sees={
            OVERSEERS: [*OWN_REVIEWS, "other_review", "new_review"],
            BUREAU - OVERSEERS: OWN_REVIEWS,
        },
        note="the reviews the caller takes part in; overseers all",
    ),
    row("GET", REVIEW, BUREAU, at=OWN_REVIEW, note="a participant"),
    row(
        "GET",
        REVIEW,
        OVERSEERS,
        at={"review_id": "other_review"},
        hidden_from=BUREAU - OVERSEERS,
        note="one the caller takes no part in",
    ),
    row("POST", f"{REVIEW}/pack", RUNNERS, at=OWN_REVIEW),
    row("POST", f"{REVIEW}/hold", RUNNERS, at=OWN_REVIEW),
    row(
        "POST",
        f"{REVIEW}/outputs",
        RUNNERS,
        at={"review_id": "held_review"},
        body={"kind": "decision", "text": "加强培训"},
    ),
    row(
        "POST",
        f"{REVIEW}/outputs/{{output_id}}/verify",
        RUNNERS,
        at={"review_id": "held_review", "output_id": "held_decision"},
        body={"evidence": "已执行"},
    ),
    row("POST", f"{REVIEW}/close", RUNNERS, at={"review_id": "closable_review"}),
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
]
