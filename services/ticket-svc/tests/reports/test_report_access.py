"""Who reads the reports, which rows, and what a bad period gets."""

import pytest

from guanjia_shared.testing.tokens import Person

from ..ticket_helpers import DEPARTMENT, OTHER_DEPARTMENT
from .report_helpers import (
    FINANCE_WEEK,
    LOGISTICS_WEEK,
    REPORTS,
    SECURITY,
    WEEK,
    a_week_of_tickets,
    report,
    report_rows,
)


async def test_the_leadership_admins_and_auditors_read_every_department(
    client, admin, agent, other_agent, leader, auditor, token_mint
):
    await a_week_of_tickets(client, admin, agent, other_agent)
    admin_person = Person(token_mint, "admin")
    for person in (leader, auditor, admin_person):
        rows = await report_rows(client, person, "departments", **WEEK_PARAMS)
        assert [row["department"] for row in rows] == sorted(
            [DEPARTMENT, OTHER_DEPARTMENT, SECURITY]
        )


async def test_a_department_head_reads_only_their_own_department(
    client, admin, agent, other_agent, head, other_head
):
    await a_week_of_tickets(client, admin, agent, other_agent)
    assert await report_rows(client, head, "departments", **WEEK_PARAMS) == [LOGISTICS_WEEK]
    # 财务处's own row carries the charges for its late parts on 后勤服务中心's tickets.
    assert await report_rows(client, other_head, "departments", **WEEK_PARAMS) == [FINANCE_WEEK]
    commitments = await report_rows(client, head, "commitments", **WEEK_PARAMS)
    assert [(row["commitment_code"], row["department"]) for row in commitments] == [
        ("C-CLEAN", DEPARTMENT),
        ("C-REPAIR", DEPARTMENT),
    ]


@pytest.mark.parametrize("kind", ["departments", "commitments"])
async def test_agents_requesters_and_a_head_without_a_department_are_refused(
    client, token_mint, agent, requester, kind
):
    headless = Person(token_mint, "dept_head")
    for person in (agent, requester, headless):
        answer = await report(client, person, kind)
        assert answer.status_code == 403, answer.text
    assert (await client.get(f"{REPORTS}/{kind}")).status_code == 401


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"from_": "2026-09-25", "to": "2026-09-21"}, "#/query/to"),
        ({"from_": "2026-09-31"}, "#/query/from"),
        ({"to": "next week"}, "#/query/to"),
        ({"format": "pdf"}, "#/query/format"),
    ],
)
async def test_a_bad_period_or_format_is_refused_with_the_field_at_fault(
    client, leader, params, pointer
):
    for kind in ("departments", "commitments"):
        answer = await report(client, leader, kind, **params)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert pointer in [error["pointer"] for error in answer.json()["errors"]]


WEEK_PARAMS = {"from_": WEEK["from"], "to": WEEK["to"]}
