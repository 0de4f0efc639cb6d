"""The commitment report: the same figures, per commitment code and department."""

from ..ticket_helpers import (
    COMMITMENTS,
    DEPARTMENT,
    OTHER_DEPARTMENT,
    at,
    open_ticket,
    publish_commitment,
)
from .report_helpers import (
    FINANCE_WEEK,
    WEEK,
    a_week_of_tickets,
    by,
    report_rows,
)

DEPARTMENT_ONLY = (
    "department",
    "late_coordinations",
    "breaches_charged",
    "public_ratings",
    "public_mean_rating",
)


async def test_every_figure_of_a_known_week_per_commitment(
    client, admin, agent, other_agent, leader
):
    await a_week_of_tickets(client, admin, agent, other_agent)
    rows = await report_rows(client, leader, "commitments", from_=WEEK["from"], to=WEEK["to"])
    assert [row["commitment_code"] for row in rows] == ["C-CLEAN", "C-PAY", "C-REPAIR"]
    rows = by(rows, "commitment_code")
    # C-REPAIR: T1, T2, T4 (see report_helpers.py).
    assert rows["C-REPAIR"] == {
        "commitment_code": "C-REPAIR",
        "commitment_name": "水电维修",
        "department": DEPARTMENT,
        "tickets": 3,
        "resolved": 2,  # T1, T2
        "sla_met": 1,  # T1
        "sla_compliance_percent": 50.0,
        "breached": 2,  # T2, T4
        # Response 10, 50, 10 (working = wall): 70 / 3 = 23.33; p90 the 3rd of 3.
        "response_working_mean_minutes": 23.3,
        "response_working_p90_minutes": 50.0,
        "response_wall_mean_minutes": 23.3,
        "response_wall_p90_minutes": 50.0,
        # Resolution working 60, 125 → 92.5; wall 60, 1355 → 707.5; p90 the 2nd of 2.
        "resolution_working_mean_minutes": 92.5,
        "resolution_working_p90_minutes": 125.0,
        "resolution_wall_mean_minutes": 707.5,
        "resolution_wall_p90_minutes": 1355.0,
        "backlog": 1,  # T4, Wed 09:00 → Fri 10:00
        "backlog_mean_age_hours": 49.0,
        "backlog_max_age_hours": 49.0,
        "reopened": 1,
        "reopen_rate_percent": 50.0,  # T2 of T1, T2
        "dissatisfied_reopens": 1,
        "ratings": 2,
        "mean_rating": 4.5,
    }
    # C-CLEAN: T3 and T5.
    assert rows["C-CLEAN"] == {
        "commitment_code": "C-CLEAN",
        "commitment_name": "保洁",
        "department": DEPARTMENT,
        "tickets": 2,
        "resolved": 1,  # T3
        "sla_met": 1,
        "sla_compliance_percent": 100.0,
        "breached": 0,  # T5's response is due only at 10:50
        "response_working_mean_minutes": 40.0,  # T3 alone; T5 unanswered
        "response_working_p90_minutes": 40.0,
        "response_wall_mean_minutes": 910.0,
        "response_wall_p90_minutes": 910.0,
        "resolution_working_mean_minutes": 90.0,
        "resolution_working_p90_minutes": 90.0,
        "resolution_wall_mean_minutes": 960.0,
        "resolution_wall_p90_minutes": 960.0,
        "backlog": 2,  # T3 88.5 h, T5 10 min → 88.67 / 2 = 44.33
        "backlog_mean_age_hours": 44.3,
        "backlog_max_age_hours": 88.5,
        "reopened": 0,
        "reopen_rate_percent": 0.0,
        "dissatisfied_reopens": 0,
        "ratings": 0,
        "mean_rating": None,
    }
    # C-PAY is all of 财务处's tickets: the department's own figures.
    finance = {key: value for key, value in FINANCE_WEEK.items() if key not in DEPARTMENT_ONLY}
    assert rows["C-PAY"] == {
        "commitment_code": "C-PAY",
        "commitment_name": "报销咨询",
        "department": OTHER_DEPARTMENT,
        **finance,
    }


async def test_a_commitment_moved_to_another_department_has_a_row_per_department(
    client, admin, agent, leader
):
    repair = await publish_commitment(client, admin)
    await open_ticket(client, agent, at(21, 9))
    moved = await client.patch(
        f"{COMMITMENTS}/{repair['id']}", json={"department": OTHER_DEPARTMENT}, headers=admin
    )
    assert moved.status_code == 200, moved.text
    await open_ticket(client, agent, at(21, 10))
    await open_ticket(client, agent, at(21, 11))

    rows = await report_rows(client, leader, "commitments", at(21, 12))
    # Each department answers for the tickets opened under its version of the terms.
    tickets = {(row["commitment_code"], row["department"]): row["tickets"] for row in rows}
    assert tickets == {("C-REPAIR", DEPARTMENT): 1, ("C-REPAIR", OTHER_DEPARTMENT): 2}
