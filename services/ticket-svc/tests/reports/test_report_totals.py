"""The report totals: the department report's first figures, all its rows together."""

import pytest

from guanjia_shared.testing.tokens import Person

from ..ticket_helpers import moment
from .report_helpers import (
    FINANCE_WEEK,
    LOGISTICS_WEEK,
    READ_AT,
    REPORTS,
    WEEK,
    a_week_of_tickets,
    report,
    report_rows,
)

WEEK_PARAMS = {"from_": WEEK["from"], "to": WEEK["to"]}
FIGURES = ("tickets", "resolved", "sla_met")


async def totals(client, person, **params):
    answer = await report(client, person, "totals", **params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_the_known_week_in_total_as_counted_by_hand(
    client, admin, agent, other_agent, leader
):
    await a_week_of_tickets(client, admin, agent, other_agent)
    body = await totals(client, leader, **WEEK_PARAMS)
    assert (body["from"], body["to"]) == ("2026-09-21", "2026-09-25")
    assert moment(body["as_of"]) == READ_AT
    # 后勤服务中心 T1–T5 (T1, T2 closed, T3 resolved; T1, T3 met) and 财务处 T6, T7 (both
    # resolved, T6 met).
    assert {figure: body[figure] for figure in FIGURES} == {
        "tickets": 7,
        "resolved": 5,
        "sla_met": 3,
    }
    assert body["sla_compliance_percent"] == 60.0
    # The same as the department report's rows summed.
    rows = await report_rows(client, leader, "departments", **WEEK_PARAMS)
    for figure in FIGURES:
        assert body[figure] == sum(row[figure] for row in rows)


async def test_a_department_head_totals_their_own_department(
    client, admin, agent, other_agent, head, other_head
):
    await a_week_of_tickets(client, admin, agent, other_agent)
    for person, row in ((head, LOGISTICS_WEEK), (other_head, FINANCE_WEEK)):
        body = await totals(client, person, **WEEK_PARAMS)
        assert {figure: body[figure] for figure in FIGURES} == {f: row[f] for f in FIGURES}
        assert body["sla_compliance_percent"] == row["sla_compliance_percent"]


async def test_a_period_without_tickets_has_nothing_judged(client, leader):
    body = await totals(client, leader, from_="2026-01-01", to="2026-01-31")
    assert {figure: body[figure] for figure in FIGURES} == dict.fromkeys(FIGURES, 0)
    assert body["sla_compliance_percent"] is None


async def test_agents_requesters_and_a_head_without_a_department_are_refused(
    client, token_mint, agent, requester
):
    for person in (agent, requester, Person(token_mint, "dept_head")):
        answer = await report(client, person, "totals")
        assert answer.status_code == 403, answer.text
    assert (await client.get(f"{REPORTS}/totals")).status_code == 401


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"from_": "2026-09-25", "to": "2026-09-21"}, "#/query/to"),
        ({"from_": "2026-09-31"}, "#/query/from"),
    ],
)
async def test_a_bad_period_is_refused_with_the_field_at_fault(client, leader, params, pointer):
    answer = await report(client, leader, "totals", **params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert pointer in [error["pointer"] for error in answer.json()["errors"]]
