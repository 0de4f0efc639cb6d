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
the head of the commitment's department takes it; so does an integration client bound to a
unit (the 12345 hotline platform, issue 17), on the hotline or online.
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
# Who files a request: the receivers, and a unit's own staff or system for their unit.
FILERS = RECEIVERS | UNIT_BOUND
# Who sees a ticket of the caller's department from the caller's unit.
SEES_OWN = EVERY_TICKET | DEPARTMENT_STAFF | UNIT_BOUND
NO_TICKETS = roles(Role.commander)
# Department reports and the escalation queue: the leadership, auditors and department
# heads (their own department) — documents silent on who; kept as built.
REPORT_READERS = EVERY_TICKET | roles(Role.dept_head)


async def build_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """A published commitment of the caller's department and one of another; tickets of the
    caller's department from the caller's unit opened by a colleague (one coordinating
    with another department, one waiting on the requester, one resolved), one of another
    department from another unit, one the caller's department coordinates on, one the
    caller's unit filed, and two the caller opened themself when they take requests;
    accountability records of both departments, and public ratings."""
    admin = mint.headers("admin")
    own_unit, other_unit = str(uuid.uuid4()), str(uuid.uuid4())
    desk = mint.headers("agent", department=OWN_DEPARTMENT)
    other_desk = mint.headers("agent", department=OTHER_DEPARTMENT)

    async def post(path: str, body: object, headers: dict = admin) -> dict:
        answer = await client.post(f"{API}{path}", json=body, headers=headers)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text}"
        return answer.json()

    async def listed(path: str) -> list:
        answer = await client.get(f"{API}{path}", headers=admin)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text}"
        return answer.json()["items"]

    calendar = await post("/calendars", {"code": "CAL", "name": "office hours"})
    await client.put(
        f"{API}/calendars/{calendar['id']}/exceptions",
        json=[{"date": LABOUR_DAY, "note": "Labour Day"}],
        headers=admin,
    )
    codes, commitments = {}, {}
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
        commitments[department] = commitment["id"]

    def ticket(department: str, unit_id: str) -> dict:
        return {
            "channel": "phone",
            "requester": {"name": "陈七", "unit_id": unit_id},
            "commitment_code": codes[department],
            "title": "leaking tap",
        }

    own = await post("/tickets", ticket(OWN_DEPARTMENT, own_unit), desk)
    await post(f"/tickets/{own['id']}/start", None, desk)
    own_coordination = await post(
        f"/tickets/{own['id']}/coordinate", {"department": OTHER_DEPARTMENT, "note": "keys"}, desk
    )
    await post(f"/tickets/{own['id']}/comments", {"body": "on my way"}, desk)
    colleagues = await post("/tickets", ticket(OWN_DEPARTMENT, own_unit), desk)
    waiting = await post("/tickets", ticket(OWN_DEPARTMENT, own_unit), desk)
    await post(f"/tickets/{waiting['id']}/start", None, desk)
    await post(f"/tickets/{waiting['id']}/wait", {"reason": "requester away"}, desk)
    resolved = await post("/tickets", ticket(OWN_DEPARTMENT, own_unit), desk)
    await post(f"/tickets/{resolved['id']}/start", None, desk)
    await post(f"/tickets/{resolved['id']}/resolve", {"resolution": "fixed"}, desk)
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
    # The owner's actions are tried on a ticket the caller opened and on another they
    # started (to ask another department's help on): when they take requests; else on
    # the ticket waiting on the requester (which the requester's unit resumes).
    mine = coordinating = None
    if caller.role in RECEIVERS:
        as_caller = mint.headers(caller.role, sub=caller.id)
        mine = await post("/tickets", ticket(OWN_DEPARTMENT, own_unit), as_caller)
        coordinating = await post("/tickets", ticket(OWN_DEPARTMENT, own_unit), as_caller)
        await post(f"/tickets/{coordinating['id']}/start", None, as_caller)
    leader = mint.headers("leader")
    records = {}
    for department in (OWN_DEPARTMENT, OTHER_DEPARTMENT):
        record = await post(
            "/accountability-records",
            {"kind": "penalty", "department": department, "reason": "late"},
            leader,
        )
        records[department] = record["id"]
    exempted = []
    for reason in ("storm", "flood"):
        record = await post(
            "/accountability-records",
            {"kind": "penalty", "department": OWN_DEPARTMENT, "reason": reason},
            leader,
        )
        await post(
            f"/accountability-records/{record['id']}/exemption",
            {"ground": "force_majeure", "reason": "typhoon"},
            mint.headers("dept_head", department=OWN_DEPARTMENT),
        )
        exempted.append(record["id"])
    ratings = []
    for comment_text in ("ok", "rude", "quick"):
        answer = await client.post(
            "/public/v1/ratings",
            json={"department": OWN_DEPARTMENT, "score": 4, "comment": comment_text},
        )
        assert answer.status_code == 201, answer.text
        ratings.append(answer.json()["id"])
    await post(f"/ratings/{ratings[2]}/approve", None)
    return {
        "own_unit": own_unit,
        "calendar": calendar["id"],
        "labour_day": LABOUR_DAY,
        "own_commitment": commitments[OWN_DEPARTMENT],
        "commitment": commitments[OTHER_DEPARTMENT],
        "own_ticket": own["id"],
        "own_ticket_events": [
            event["id"] for event in await listed(f"/tickets/{own['id']}/events")
        ],
        "own_comments": [event["id"] for event in await listed(f"/tickets/{own['id']}/comments")],
        "colleagues_ticket": colleagues["id"],
        "own_coordination": own_coordination["id"],
        "untaken_ticket": untaken["id"],
        "waiting_ticket": waiting["id"],
        "resolved_ticket": resolved["id"],
        "foreign_ticket": foreign["id"],
        "coordinated_ticket": coordinated["id"],
        "coordination": coordination["id"],
        "my_ticket": mine and mine["id"],
        "my_coordinating_ticket": coordinating and coordinating["id"],
        "worked_ticket": mine["id"] if mine else waiting["id"],
        "coordinating_ticket": coordinating["id"] if coordinating else waiting["id"],
        "own_record": records[OWN_DEPARTMENT],
        "other_record": records[OTHER_DEPARTMENT],
        "rejected_exemption": exempted[0],
        "approved_exemption": exempted[1],
        "rating": ratings[0],
        "rejected_rating": ratings[1],
        "approved_rating": ratings[2],
        # A public comment tells nothing of who wrote it: it is known by what it says.
        "approved_comment": f"{OWN_DEPARTMENT}/quick",
        "first_version": "1",
        "made_up_code": uuid.uuid4().hex,
    }


LABOUR_DAY = "2026-05-01"
T = f"{API}/tickets/{{ticket_id}}"
ON_OWN = {"ticket_id": "own_ticket"}
ON_WORKED = {"ticket_id": "worked_ticket"}
OWNER_ONLY = "only the owner works a ticket (their own: when they take requests)"
# Tickets of the caller's department from the caller's unit, and of neither.
OWN_UNIT_TICKETS = [
    "own_ticket",
    "colleagues_ticket",
    "untaken_ticket",
    "waiting_ticket",
    "resolved_ticket",
]
MY_TICKETS = ["my_ticket", "my_coordinating_ticket"]
OTHER_TICKETS = ["foreign_ticket", "coordinated_ticket"]
OWN_DEPARTMENT_RECORDS = ["own_record", "rejected_exemption", "approved_exemption", "new_record"]

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
        keep_as="new_ticket",
    ),
    row(
        "GET",
        f"{API}/tickets",
        SIGNED_IN,
        sees={
            EVERY_TICKET: [*OWN_UNIT_TICKETS, *MY_TICKETS, *OTHER_TICKETS, "new_ticket"],
            DEPARTMENT_STAFF: [*OWN_UNIT_TICKETS, *MY_TICKETS, "coordinated_ticket", "new_ticket"],
            UNIT_BOUND: [*OWN_UNIT_TICKETS, "new_ticket"],
            NO_TICKETS: [],
        },
        note="each sees only what scope lets them: their department's (and the ones they "
        "coordinate on), their unit's, all, or none",
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
    row(
        "GET",
        f"{T}/events",
        SEES_OWN,
        at=ON_OWN,
        hidden_from=NO_TICKETS,
        sees={SEES_OWN: ["own_ticket_events"]},
    ),
    row(
        "GET",
        f"{T}/comments",
        SEES_OWN,
        at=ON_OWN,
        hidden_from=NO_TICKETS,
        sees={SEES_OWN: ["own_comments"]},
    ),
    row(
        "GET",
        f"{T}/coordinations",
        SEES_OWN,
        at=ON_OWN,
        hidden_from=NO_TICKETS,
        sees={SEES_OWN: ["own_coordination"]},
    ),
    row(
        "GET",
        f"{T}/escalations",
        SEES_OWN,
        at=ON_OWN,
        hidden_from=NO_TICKETS,
        sees={SEES_OWN: []},
        note="none raised: the SLA clocks run in the service's jobs",
    ),
    row(
        "POST",
        f"{T}/take",
        DEPARTMENT_STAFF,
        at={"ticket_id": "untaken_ticket"},
        hidden_from=NO_TICKETS,
        note="a request a unit filed: its department's agents and head take it (首问负责)",
    ),
    row("POST", f"{T}/start", RECEIVERS, at=ON_WORKED, hidden_from=NO_TICKETS, note=OWNER_ONLY),
    row(
        "POST",
        f"{T}/start",
        frozenset(),
        at={"ticket_id": "colleagues_ticket"},
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
        at={"ticket_id": "coordinating_ticket"},
        body={"department": OTHER_DEPARTMENT, "note": "help"},
        hidden_from=NO_TICKETS,
        note=OWNER_ONLY,
    ),
    row(
        "POST",
        f"{T}/wait",
        RECEIVERS,
        at=ON_WORKED,
        body={"reason": "requester away"},
        hidden_from=NO_TICKETS,
        note=OWNER_ONLY,
    ),
    row(
        "POST",
        f"{T}/resume",
        RECEIVERS | roles(Role.unit_staff),
        at=ON_WORKED,
        hidden_from=NO_TICKETS,
        note="the owner, or the requester's unit answering what it waited on",
    ),
    row(
        "POST",
        f"{T}/resolve",
        RECEIVERS,
        at=ON_WORKED,
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
        at={"ticket_id": "resolved_ticket"},
        body={"satisfied": True, "rating": 5},
        hidden_from=NO_TICKETS,
        note="the requester's unit (or the owner on their word); integration: silent, refused",
    ),
    # calendars and commitments: reference data everyone reads, admins keep
    row(
        "POST",
        f"{API}/calendars",
        ADMIN,
        body={"code": "CAL2", "name": "n"},
        keep_as="new_calendar",
    ),
    row("GET", f"{API}/calendars", SIGNED_IN, sees={SIGNED_IN: ["calendar", "new_calendar"]}),
    row("GET", f"{API}/calendars/{{calendar_id}}", SIGNED_IN, at={"calendar_id": "calendar"}),
    row(
        "PATCH",
        f"{API}/calendars/{{calendar_id}}",
        ADMIN,
        at={"calendar_id": "calendar"},
        body={"name": "renamed"},
    ),
    row(
        "GET",
        f"{API}/calendars/{{calendar_id}}/exceptions",
        SIGNED_IN,
        at={"calendar_id": "calendar"},
        sees={SIGNED_IN: ["labour_day"]},
        id_field="date",
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
        keep_as="new_commitment",
    ),
    row(
        "GET",
        f"{API}/commitments",
        SIGNED_IN,
        sees={SIGNED_IN: ["own_commitment", "commitment", "new_commitment"]},
    ),
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
        at={"commitment_id": "own_commitment"},
        sees={SIGNED_IN: ["first_version"]},
        id_field="version",
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
    row(
        "GET",
        "/public/v1/commitments",
        PUBLIC,
        sees={PUBLIC: ["own_commitment", "commitment"]},
        note="the published ones",
    ),
    row(
        "POST",
        "/public/v1/ratings",
        PUBLIC,
        body={"department": OTHER_DEPARTMENT, "score": 3},
        keep_as="new_rating",
    ),
    row(
        "GET",
        "/public/v1/ratings/invitations/{code}",
        PUBLIC,
        at={"code": "made_up_code"},
        expect=404,
        note="a made-up rating code: 404, and no caller is refused for who they are",
    ),
    row("GET", "/public/v1/ratings/summary", PUBLIC),
    row(
        "GET",
        "/public/v1/ratings/comments",
        PUBLIC,
        sees={PUBLIC: ["approved_comment"]},
        id_field=("department", "comment"),
        note="the comments a moderator let through",
    ),
    # moderation: admins decide, auditors read (documents silent on auditors; as built)
    row(
        "GET",
        f"{API}/ratings",
        roles(Role.admin, Role.auditor),
        sees={
            roles(Role.admin, Role.auditor): [
                "rating",
                "rejected_rating",
                "approved_rating",
                "new_rating",
            ]
        },
    ),
    row("POST", f"{API}/ratings/{{rating_id}}/reject", ADMIN, at={"rating_id": "rejected_rating"}),
    row("POST", f"{API}/ratings/{{rating_id}}/approve", ADMIN, at={"rating_id": "rating"}),
    # accountability records (奖惩)
    row(
        "POST",
        f"{API}/accountability-records",
        LEADER,
        body={"kind": "reward", "department": OWN_DEPARTMENT, "reason": "praise"},
        keep_as="new_record",
    ),
    row(
        "GET",
        f"{API}/accountability-records",
        SIGNED_IN,
        sees={
            EVERY_TICKET: [*OWN_DEPARTMENT_RECORDS, "other_record"],
            DEPARTMENT_STAFF: OWN_DEPARTMENT_RECORDS,
            UNIT_BOUND | NO_TICKETS: [],
        },
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
        at={"record_id": "rejected_exemption"},
        body={"note": "no"},
    ),
    row(
        "POST",
        f"{API}/accountability-records/{{record_id}}/exemption/approve",
        LEADER,
        at={"record_id": "approved_exemption"},
    ),
    # escalations and reports
    row(
        "GET",
        f"{API}/escalations",
        REPORT_READERS,
        sees={REPORT_READERS: []},
        note="department heads: their own; none raised (the SLA clocks run in the jobs)",
    ),
    row("GET", f"{API}/reports/departments", REPORT_READERS),
    row("GET", f"{API}/reports/commitments", REPORT_READERS),
    row("GET", f"{API}/reports/totals", REPORT_READERS),
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
