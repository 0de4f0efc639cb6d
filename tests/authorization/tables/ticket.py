"""ticket-svc: who may call what, and the world the calls are made in.

From API.md and issue 4: the caller who opens a ticket is its first receiver and owner, and
only the owner works it; only a `dept_head` hands ownership on; the requester (their unit's
staff) or the owner on the requester's word confirms, and the requester's unit or the owner
resumes a ticket waiting on the requester; `unit_staff` see only their own
unit's tickets, agents their department's and the ones they own or coordinate, leaders,
auditors and admins all — a ticket out of sight answers 404 as if it did not exist (the
service's own rule, tickets/scope.py). Only an `admin` moderates public comments; a
`leader` records accountability by hand and decides exemptions. Unit self-service: a
`unit_staff` files a request for their own unit, untaken (no first receiver) until an agent or
the head of the commitment's department takes it; integration clients do not file.
"""

from __future__ import annotations

import uuid

import httpx

from guanjia_shared.auth import Role
from guanjia_shared.testing.tokens import TokenMint
from tests.authorization.matrix import (
    HEALTH,
    OTHER_DEPARTMENT,
    OWN_DEPARTMENT,
    PUBLIC,
    SIGNED_IN,
    UNIT_BOUND,
    Caller,
    World,
    roles,
    row,
)

API = "/api/v1/ticket"
ADMIN = roles(Role.admin)
LEADER = roles(Role.leader)
EVERY_TICKET = roles(Role.admin, Role.leader, Role.auditor)
DEPARTMENT_STAFF = roles(Role.agent, Role.dept_head)
# Who takes requests (and so owns them): the bureau's desk staff, their heads and the
# leadership and admins. Auditors only read; commanders do not take service requests
# (documents silent on commanders; refused as built).
RECEIVERS = roles(Role.admin, Role.leader, Role.dept_head, Role.agent)
# Who files a request: the receivers, and a unit's own staff for their unit.
FILERS = RECEIVERS | roles(Role.unit_staff)
# Who sees a ticket of the caller's department from the caller's unit.
SEES_OWN = EVERY_TICKET | DEPARTMENT_STAFF | UNIT_BOUND
NO_TICKETS = roles(Role.commander)
# Department reports and the escalation queue: the leadership, auditors and department
# heads (their own department) — documents silent on who; kept as built.
REPORT_READERS = EVERY_TICKET | roles(Role.dept_head)


async def build_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """A published commitment of the caller's department and one of another; a ticket of
    the caller's department from the caller's unit opened by a colleague, one of another
    department from another unit, one the caller's department coordinates on, and one the
    caller opened themself when they take requests."""
    admin = mint.headers("admin")
    own_unit, other_unit = str(uuid.uuid4()), str(uuid.uuid4())
    desk = mint.headers("agent", department=OWN_DEPARTMENT)
    other_desk = mint.headers("agent", department=OTHER_DEPARTMENT)

    async def post(path: str, body: object, headers: dict = admin) -> dict:
        answer = await client.post(f"{API}{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    calendar = await post("/calendars", {"code": "CAL", "name": "office hours"})
    codes = {}
    for department in (OWN_DEPARTMENT, OTHER_DEPARTMENT):
        code = f"C-{len(codes)}"
        commitment = await post(
            "/commitments",
            {
                "code": code,
                "name": "repairs",
                "category": "repair",
                "department": department,
                "response_minutes": 30,
                "resolve_hours": 8,
                "calendar_id": calendar["id"],
            },
        )
        await post(f"/commitments/{commitment['id']}/publish", None)
        codes[department] = code

    def ticket(department: str, unit_id: str) -> dict:
        return {
            "channel": "phone",
            "requester": {"name": "陈七", "unit_id": unit_id},
            "commitment_code": codes[department],
            "title": "leaking tap",
        }

    own = await post("/tickets", ticket(OWN_DEPARTMENT, own_unit), desk)
    foreign = await post("/tickets", ticket(OTHER_DEPARTMENT, other_unit), other_desk)
    coordinated = await post("/tickets", ticket(OTHER_DEPARTMENT, other_unit), other_desk)
    await post(f"/tickets/{coordinated['id']}/start", None, other_desk)
    coordination = await post(
        f"/tickets/{coordinated['id']}/coordinate",
        {"department": OWN_DEPARTMENT, "note": "plumbing"},
        other_desk,
    )
    untaken = await post(
        "/tickets",
        {
            "channel": "online",
            "requester": {},
            "commitment_code": codes[OWN_DEPARTMENT],
            "title": "lamp",
        },
        mint.headers("unit_staff", unit_id=own_unit),
    )
    mine = own
    if caller.role in RECEIVERS:
        mine = await post(
            "/tickets", ticket(OWN_DEPARTMENT, own_unit), mint.headers(caller.role, sub=caller.id)
        )
    leader = mint.headers("leader")
    records = {}
    for department in (OWN_DEPARTMENT, OTHER_DEPARTMENT):
        record = await post(
            "/accountability-records",
            {"kind": "penalty", "department": department, "reason": "late"},
            leader,
        )
        records[department] = record["id"]
    exempted = await post(
        "/accountability-records",
        {"kind": "penalty", "department": OWN_DEPARTMENT, "reason": "storm"},
        leader,
    )
    await post(
        f"/accountability-records/{exempted['id']}/exemption",
        {"ground": "force_majeure", "reason": "typhoon"},
        mint.headers("dept_head", department=OWN_DEPARTMENT),
    )
    answer = await client.post(
        "/public/v1/ratings", json={"department": OWN_DEPARTMENT, "score": 4, "comment": "ok"}
    )
    assert answer.status_code == 201, answer.text
    return {
        "own_unit": own_unit,
        "calendar": calendar["id"],
        "commitment": commitment["id"],
        "own_ticket": own["id"],
        "untaken_ticket": untaken["id"],
        "foreign_ticket": foreign["id"],
        "coordinated_ticket": coordinated["id"],
        "coordination": coordination["id"],
        "my_ticket": mine["id"],
        "own_record": records[OWN_DEPARTMENT],
        "other_record": records[OTHER_DEPARTMENT],
        "exempted_record": exempted["id"],
        "rating": answer.json()["id"],
        "first_version": "1",
    }


T = f"{API}/tickets/{{ticket_id}}"
ON_OWN = {"ticket_id": "own_ticket"}
ON_MINE = {"ticket_id": "my_ticket"}
OWNER_ONLY = "only the owner works a ticket (their own: when they take requests)"

TABLE = [
    *HEALTH,
    # tickets
    row(
        "POST",
        f"{API}/tickets",
        FILERS,
        body={
            "channel": "online",
            "requester": {"name": "周八"},
            "commitment_code": "C-0",
            "title": "broken lamp",
        },
    ),
    row(
        "GET", f"{API}/tickets", SIGNED_IN, note="each sees only what scope lets them (maybe none)"
    ),
    row("GET", T, SEES_OWN, at=ON_OWN, hidden_from=NO_TICKETS),
    row(
        "GET",
        T,
        EVERY_TICKET,
        at={"ticket_id": "foreign_ticket"},
        hidden_from=DEPARTMENT_STAFF | UNIT_BOUND | NO_TICKETS,
        note="another department's ticket from another unit",
    ),
    row("GET", f"{T}/events", SEES_OWN, at=ON_OWN, hidden_from=NO_TICKETS),
    row("GET", f"{T}/comments", SEES_OWN, at=ON_OWN, hidden_from=NO_TICKETS),
    row("GET", f"{T}/coordinations", SEES_OWN, at=ON_OWN, hidden_from=NO_TICKETS),
    row("GET", f"{T}/escalations", SEES_OWN, at=ON_OWN, hidden_from=NO_TICKETS),
    row(
        "POST",
        f"{T}/take",
        DEPARTMENT_STAFF,
        at={"ticket_id": "untaken_ticket"},
        hidden_from=NO_TICKETS,
        note="a request a unit filed: its department's agents and head take it (首问负责)",
    ),
    row("POST", f"{T}/start", RECEIVERS, at=ON_MINE, hidden_from=NO_TICKETS, note=OWNER_ONLY),
    row(
        "POST",
        f"{T}/start",
        frozenset(),
        at=ON_OWN,
        hidden_from=NO_TICKETS,
        note="a colleague's ticket: nobody but its owner",
    ),
    row(
        "POST",
        f"{T}/comments",
        SEES_OWN - roles(Role.auditor),
        at=ON_OWN,
        body={"body": "when?"},
        hidden_from=NO_TICKETS,
        note="anyone who sees it adds a word (silent; as built), but an auditor only reads",
    ),
    row(
        "POST",
        f"{T}/coordinate",
        RECEIVERS,
        at=ON_MINE,
        body={"department": OTHER_DEPARTMENT, "note": "help"},
        hidden_from=NO_TICKETS,
        note=OWNER_ONLY,
    ),
    row(
        "POST",
        f"{T}/wait",
        RECEIVERS,
        at=ON_MINE,
        body={"reason": "requester away"},
        hidden_from=NO_TICKETS,
        note=OWNER_ONLY,
    ),
    row(
        "POST",
        f"{T}/resume",
        RECEIVERS | roles(Role.unit_staff),
        at=ON_MINE,
        hidden_from=NO_TICKETS,
        note="the owner, or the requester's unit answering what it waited on",
    ),
    row(
        "POST",
        f"{T}/resolve",
        RECEIVERS,
        at=ON_MINE,
        body={"resolution": "fixed"},
        hidden_from=NO_TICKETS,
        note=OWNER_ONLY,
    ),
    row(
        "POST",
        f"{T}/transfer",
        roles(Role.dept_head),
        at=ON_OWN,
        body={"to": str(uuid.uuid4()), "reason": "on leave"},
        hidden_from=NO_TICKETS,
        note="only the head of the ticket's department (API.md)",
    ),
    row(
        "POST",
        f"{T}/coordinations/{{coordination_id}}/complete",
        DEPARTMENT_STAFF,
        at={"ticket_id": "coordinated_ticket", "coordination_id": "coordination"},
        body={"result": "done"},
        hidden_from=UNIT_BOUND | NO_TICKETS,
        note="the coordinating department's staff (or the owner)",
    ),
    row(
        "POST",
        f"{T}/confirm",
        roles(Role.unit_staff),
        at=ON_OWN,
        body={"satisfied": True, "rating": 5},
        hidden_from=NO_TICKETS,
        note="the requester's unit (or the owner on their word); integration: silent, refused",
    ),
    # calendars and commitments: reference data everyone reads, admins keep
    row("POST", f"{API}/calendars", ADMIN, body={"code": "CAL2", "name": "n"}),
    row("GET", f"{API}/calendars", SIGNED_IN),
    row("GET", f"{API}/calendars/{{calendar_id}}", SIGNED_IN, at={"calendar_id": "calendar"}),
    row(
        "PATCH",
        f"{API}/calendars/{{calendar_id}}",
        ADMIN,
        at={"calendar_id": "calendar"},
        body={"name": "renamed"},
    ),
    row(
        "PUT",
        f"{API}/calendars/{{calendar_id}}/exceptions",
        ADMIN,
        at={"calendar_id": "calendar"},
        body=[{"date": "2026-10-01", "note": "National Day"}],
    ),
    row(
        "GET",
        f"{API}/calendars/{{calendar_id}}/exceptions",
        SIGNED_IN,
        at={"calendar_id": "calendar"},
    ),
    row(
        "GET",
        f"{API}/calendars/{{calendar_id}}/due",
        SIGNED_IN,
        at={"calendar_id": "calendar"},
        query={"start": "2026-03-02T09:00:00+08:00", "minutes": "30"},
    ),
    row(
        "POST",
        f"{API}/commitments",
        ADMIN,
        body={
            "code": "C-new",
            "name": "n",
            "category": "c",
            "department": OWN_DEPARTMENT,
            "response_minutes": 10,
            "resolve_hours": 1,
        },
    ),
    row("GET", f"{API}/commitments", SIGNED_IN),
    row(
        "GET", f"{API}/commitments/{{commitment_id}}", SIGNED_IN, at={"commitment_id": "commitment"}
    ),
    row(
        "PATCH",
        f"{API}/commitments/{{commitment_id}}",
        ADMIN,
        at={"commitment_id": "commitment"},
        body={"name": "renamed"},
    ),
    row(
        "GET",
        f"{API}/commitments/{{commitment_id}}/versions",
        SIGNED_IN,
        at={"commitment_id": "commitment"},
    ),
    row(
        "GET",
        f"{API}/commitments/{{commitment_id}}/versions/{{version}}",
        SIGNED_IN,
        at={"commitment_id": "commitment", "version": "first_version"},
    ),
    row(
        "POST",
        f"{API}/commitments/{{commitment_id}}/unpublish",
        ADMIN,
        at={"commitment_id": "commitment"},
    ),
    row(
        "POST",
        f"{API}/commitments/{{commitment_id}}/publish",
        ADMIN,
        at={"commitment_id": "commitment"},
    ),
    # the public (信息公开)
    row("GET", "/public/v1/commitments", PUBLIC),
    row(
        "POST",
        "/public/v1/ratings",
        PUBLIC,
        body={"department": OTHER_DEPARTMENT, "score": 3},
    ),
    # a made-up rating code: 404, and no caller is refused for who they are
    row("GET", "/public/v1/ratings/invitations/{code}", PUBLIC),
    row("GET", "/public/v1/ratings/summary", PUBLIC),
    row("GET", "/public/v1/ratings/comments", PUBLIC),
    # moderation: admins decide, auditors read (documents silent on auditors; as built)
    row("GET", f"{API}/ratings", roles(Role.admin, Role.auditor)),
    row("POST", f"{API}/ratings/{{rating_id}}/reject", ADMIN, at={"rating_id": "rating"}),
    row("POST", f"{API}/ratings/{{rating_id}}/approve", ADMIN, at={"rating_id": "rating"}),
    # accountability records (奖惩)
    row(
        "POST",
        f"{API}/accountability-records",
        LEADER,
        body={"kind": "reward", "department": OWN_DEPARTMENT, "reason": "praise"},
    ),
    row(
        "GET",
        f"{API}/accountability-records",
        SIGNED_IN,
        note="each sees only what they may (their department's, or none)",
    ),
    row(
        "GET",
        f"{API}/accountability-records/{{record_id}}",
        EVERY_TICKET | DEPARTMENT_STAFF,
        at={"record_id": "own_record"},
    ),
    row(
        "GET",
        f"{API}/accountability-records/{{record_id}}",
        EVERY_TICKET,
        at={"record_id": "other_record"},
        note="another department's",
    ),
    row(
        "POST",
        f"{API}/accountability-records/{{record_id}}/exemption",
        DEPARTMENT_STAFF,
        at={"record_id": "own_record"},
        body={"ground": "force_majeure", "reason": "flood"},
        note="asked by the department charged (silent on who; as built)",
    ),
    row(
        "POST",
        f"{API}/accountability-records/{{record_id}}/exemption/reject",
        LEADER,
        at={"record_id": "exempted_record"},
        body={"note": "no"},
    ),
    row(
        "POST",
        f"{API}/accountability-records/{{record_id}}/exemption/approve",
        LEADER,
        at={"record_id": "exempted_record"},
    ),
    # escalations and reports
    row("GET", f"{API}/escalations", REPORT_READERS, note="department heads: their own"),
    row("GET", f"{API}/reports/departments", REPORT_READERS),
    row("GET", f"{API}/reports/commitments", REPORT_READERS),
    # the unit replica: names of the served units
    row("GET", f"{API}/units", SIGNED_IN),
    row("GET", f"{API}/units/{{unit_id}}", SIGNED_IN, at={"unit_id": "own_unit"}),
]
