"""What the report tests share: the report calls, and one known week of tickets built
through the real API with frozen clocks, whose every figure is worked out by hand below.

The default calendar works 08:30–12:00 and 14:30–18:00, Asia/Shanghai; 2026-09-21 is a
Monday. The report of that week is read on Friday 25 at 10:00.
"""

from urllib.parse import urlencode

from guanjia_shared.clock import frozen_at

from ..ticket_helpers import (
    DEPARTMENT,
    OTHER_DEPARTMENT,
    TICKETS,
    act,
    at,
    open_ticket,
    publish_commitment,
)

REPORTS = "/api/v1/ticket/reports"
SECURITY = "保卫处"
WEEK = {"from": "2026-09-21", "to": "2026-09-25"}
READ_AT = at(25, 10)


async def report(client, person, kind, when=READ_AT, **params):
    """GET reports/{kind} at `when` (`from_` stands for `from`)."""
    if "from_" in params:
        params["from"] = params.pop("from_")
    query = f"?{urlencode(params)}" if params else ""
    return await act(client, person, when, "GET", f"{REPORTS}/{kind}{query}")


async def report_rows(client, person, kind, when=READ_AT, **params):
    answer = await report(client, person, kind, when, **params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def by(rows, *keys):
    """Rows keyed by one field, or a tuple of fields."""
    if len(keys) == 1:
        return {row[keys[0]]: row for row in rows}
    return {tuple(row[key] for key in keys): row for row in rows}


async def post(client, person, when, path, body=None):
    answer = await act(client, person, when, "POST", path, body)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


async def start(client, person, ticket, when):
    return await post(client, person, when, f"{TICKETS}/{ticket['id']}/start")


async def resolve(client, person, ticket, when):
    body = {"resolution": "已处理"}
    return await post(client, person, when, f"{TICKETS}/{ticket['id']}/resolve", body)


async def confirm(client, person, ticket, when, *, satisfied, rating):
    body = {"satisfied": satisfied, "rating": rating}
    return await post(client, person, when, f"{TICKETS}/{ticket['id']}/confirm", body)


async def coordinate(client, person, ticket, when, department, due_in_minutes):
    body = {"department": department, "note": "请协办", "due_in_minutes": due_in_minutes}
    return await post(client, person, when, f"{TICKETS}/{ticket['id']}/coordinate", body)


async def complete(client, person, ticket, coordination, when):
    path = f"{TICKETS}/{ticket['id']}/coordinations/{coordination['id']}/complete"
    return await post(client, person, when, path, {"result": "已完成"})


async def rate_publicly(client, when, department, score):
    with frozen_at(when):
        answer = await client.post(
            "/public/v1/ratings", json={"department": department, "score": score}
        )
    assert answer.status_code == 201, answer.text


async def publish_three_commitments(client, admin):
    # 后勤服务中心: C-REPAIR (30 min to respond, 4 h to resolve), C-CLEAN (60 min, 4 h);
    # 财务处: C-PAY (30 min, 4 h).
    await publish_commitment(client, admin)
    await publish_commitment(client, admin, code="C-CLEAN", name="保洁", response_minutes=60)
    await publish_commitment(
        client, admin, code="C-PAY", name="报销咨询", department=OTHER_DEPARTMENT
    )


async def a_week_of_tickets(client, admin, agent, other_agent):
    """The week, ticket by ticket (response and resolution times in minutes, working/wall):

    后勤服务中心 (`agent` owns its tickets)
    T1 C-REPAIR opened Mon 09:00, started 09:10 (10/10), resolved 10:00 (60/60), confirmed
       satisfied, rating 5: closed, SLA met.
    T2 C-REPAIR opened Mon 11:00, started 11:50 (50/50: over the 30 min), resolved 15:00,
       rated 2 unsatisfied Tue 09:00 (reopened), started 09:05, resolved 09:35, rated 4
       satisfied: closed, SLA not met (the response). Resolution: Mon 11:00–12:00 and
       14:30–15:00 (90) + Tue 09:00–09:35 (35) = 125 working; Mon 11:00 → Tue 09:35 = 1355
       wall.
    T3 C-CLEAN opened Mon 17:30, coordinated with 财务处 Tue 08:40 (its first action:
       17:30–18:00 + 08:30–08:40 = 40 working, 15 h 10 = 910 wall), due in 30 working min
       (09:10), completed 09:20 (late: charged to 财务处), resolved 09:30 (30 + 60 = 90
       working, 16 h = 960 wall); never confirmed: resolved, SLA met, in the backlog.
    T4 C-REPAIR opened Wed 09:00, coordinated with 财务处 09:10 (10/10), due 10:10, never
       completed (late: charged to 财务处); in progress, its 4 h ran out Wed 15:30: breached.
    T5 C-CLEAN opened Fri 09:50, untouched: new, its response is due 10:50, not breached.

    财务处 (`other_agent`)
    T6 C-PAY opened Mon 09:00, started 09:20 (20/20), resolved 11:00 (120/120), rating 3
       satisfied: closed, SLA met.
    T7 C-PAY opened Tue 15:00, started 15:05 (5/5), resolved Wed 10:00 (Tue 15:00–18:00 +
       Wed 08:30–10:00 = 270 working > 240: SLA not met; 19 h = 1140 wall); never confirmed.

    Outside the week: T0 C-REPAIR opened Fri 18 10:00, coordinated with 财务处 due 10:35 and
    never completed — neither it nor its late coordination is in the week's report.

    Public ratings: 后勤服务中心 4 (Thu 24) and 5 (Thu 24), 保卫处 3 (Thu 24: it publishes
    C-GUARD, so the public may rate it, but has no ticket), 财务处 2 (Fri 18, outside the
    week).
    """
    await publish_three_commitments(client, admin)

    t0 = await open_ticket(client, agent, at(18, 10))
    await coordinate(client, agent, t0, at(18, 10, 5), OTHER_DEPARTMENT, 30)

    t1 = await open_ticket(client, agent, at(21, 9))
    await start(client, agent, t1, at(21, 9, 10))
    await resolve(client, agent, t1, at(21, 10))
    await confirm(client, agent, t1, at(21, 10, 30), satisfied=True, rating=5)

    t2 = await open_ticket(client, agent, at(21, 11))
    await start(client, agent, t2, at(21, 11, 50))
    await resolve(client, agent, t2, at(21, 15))
    await confirm(client, agent, t2, at(22, 9), satisfied=False, rating=2)
    await start(client, agent, t2, at(22, 9, 5))
    await resolve(client, agent, t2, at(22, 9, 35))
    await confirm(client, agent, t2, at(22, 10), satisfied=True, rating=4)

    t3 = await open_ticket(client, agent, at(21, 17, 30), commitment_code="C-CLEAN")
    part = await coordinate(client, agent, t3, at(22, 8, 40), OTHER_DEPARTMENT, 30)
    await complete(client, other_agent, t3, part, at(22, 9, 20))
    await resolve(client, agent, t3, at(22, 9, 30))

    t4 = await open_ticket(client, agent, at(23, 9))
    await coordinate(client, agent, t4, at(23, 9, 10), OTHER_DEPARTMENT, 60)

    await open_ticket(client, agent, at(25, 9, 50), commitment_code="C-CLEAN")

    t6 = await open_ticket(client, other_agent, at(21, 9), commitment_code="C-PAY")
    await start(client, other_agent, t6, at(21, 9, 20))
    await resolve(client, other_agent, t6, at(21, 11))
    await confirm(client, other_agent, t6, at(21, 11, 30), satisfied=True, rating=3)

    t7 = await open_ticket(client, other_agent, at(22, 15), commitment_code="C-PAY")
    await start(client, other_agent, t7, at(22, 15, 5))
    await resolve(client, other_agent, t7, at(23, 10))

    await publish_commitment(client, admin, code="C-GUARD", name="安保巡查", department=SECURITY)
    await rate_publicly(client, at(24, 10), DEPARTMENT, 4)
    await rate_publicly(client, at(24, 11), DEPARTMENT, 5)
    await rate_publicly(client, at(24, 12), SECURITY, 3)
    await rate_publicly(client, at(18, 12), OTHER_DEPARTMENT, 2)


# The week's figures, worked out by hand from the tickets above (read Fri 25 10:00).
LOGISTICS_WEEK = {
    "department": DEPARTMENT,
    "tickets": 5,  # T1–T5
    "resolved": 3,  # T1, T2 closed; T3 resolved
    "sla_met": 2,  # T1, T3
    "sla_compliance_percent": 66.7,  # 2 / 3
    "breached": 2,  # T2 (response late), T4 (overdue since Wed 15:30)
    # Response (T1, T2, T3, T4; T5 unanswered): working 10, 50, 40, 10 → mean 110 / 4;
    # nearest-rank p90 of 4 values is the 4th (⌈3.6⌉) of 10, 10, 40, 50.
    "response_working_mean_minutes": 27.5,
    "response_working_p90_minutes": 50.0,
    # wall 10, 50, 910, 10 → mean 980 / 4; p90 the 4th of 10, 10, 50, 910.
    "response_wall_mean_minutes": 245.0,
    "response_wall_p90_minutes": 910.0,
    # Resolution (T1, T2, T3): working 60, 125, 90 → 275 / 3 = 91.67; p90 the 3rd (⌈2.7⌉).
    "resolution_working_mean_minutes": 91.7,
    "resolution_working_p90_minutes": 125.0,
    # wall 60, 1355, 960 → 2375 / 3 = 791.67; p90 1355.
    "resolution_wall_mean_minutes": 791.7,
    "resolution_wall_p90_minutes": 1355.0,
    # Not closed: T3 (Mon 17:30 → Fri 10:00 = 88.5 h), T4 (Wed 09:00 → 49 h), T5 (10 min)
    # → (88.5 + 49 + 0.1667) / 3 = 45.89.
    "backlog": 3,
    "backlog_mean_age_hours": 45.9,
    "backlog_max_age_hours": 88.5,
    "reopened": 1,  # T2
    "reopen_rate_percent": 33.3,  # 1 of T1, T2, T3 (resolved at least once)
    "dissatisfied_reopens": 1,
    "ratings": 2,  # T1 5, T2 4 (its latest rating)
    "mean_rating": 4.5,
    "late_coordinations": 0,  # its tickets' coordinations were 财务处's
    "breaches_charged": 2,  # 2 + 0
    "public_ratings": 2,
    "public_mean_rating": 4.5,  # (4 + 5) / 2
}
FINANCE_WEEK = {
    "department": OTHER_DEPARTMENT,
    "tickets": 2,  # T6, T7
    "resolved": 2,
    "sla_met": 1,  # T6
    "sla_compliance_percent": 50.0,
    "breached": 1,  # T7 (resolved after its 4 working hours)
    # Response 20, 5 (working = wall): mean 12.5; p90 the 2nd (⌈1.8⌉) of 5, 20.
    "response_working_mean_minutes": 12.5,
    "response_working_p90_minutes": 20.0,
    "response_wall_mean_minutes": 12.5,
    "response_wall_p90_minutes": 20.0,
    # Resolution working 120, 270 → 195; wall 120, 1140 → 630.
    "resolution_working_mean_minutes": 195.0,
    "resolution_working_p90_minutes": 270.0,
    "resolution_wall_mean_minutes": 630.0,
    "resolution_wall_p90_minutes": 1140.0,
    "backlog": 1,  # T7 awaits confirmation: Tue 15:00 → Fri 10:00 = 67 h
    "backlog_mean_age_hours": 67.0,
    "backlog_max_age_hours": 67.0,
    "reopened": 0,
    "reopen_rate_percent": 0.0,  # 0 of 2
    "dissatisfied_reopens": 0,
    "ratings": 1,  # T6 3
    "mean_rating": 3.0,
    # On 后勤服务中心's tickets: T3's part finished late, T4's still open past its deadline
    # (T0's is outside the week).
    "late_coordinations": 2,
    "breaches_charged": 3,  # 1 + 2
    "public_ratings": 0,  # its one rating was given before the week
    "public_mean_rating": None,
}
NO_TICKETS = {
    "tickets": 0,
    "resolved": 0,
    "sla_met": 0,
    "sla_compliance_percent": None,
    "breached": 0,
    "response_working_mean_minutes": None,
    "response_working_p90_minutes": None,
    "response_wall_mean_minutes": None,
    "response_wall_p90_minutes": None,
    "resolution_working_mean_minutes": None,
    "resolution_working_p90_minutes": None,
    "resolution_wall_mean_minutes": None,
    "resolution_wall_p90_minutes": None,
    "backlog": 0,
    "backlog_mean_age_hours": None,
    "backlog_max_age_hours": None,
    "reopened": 0,
    "reopen_rate_percent": None,
    "dissatisfied_reopens": 0,
    "ratings": 0,
    "mean_rating": None,
}
# 保卫处 had no tickets, only a public rating of 3.
SECURITY_WEEK = {
    "department": SECURITY,
    **NO_TICKETS,
    "late_coordinations": 0,
    "breaches_charged": 0,
    "public_ratings": 1,
    "public_mean_rating": 3.0,
}
