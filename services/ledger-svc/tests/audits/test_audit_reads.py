"""Who reads which audit: the overseers every one; a department's staff the audits of
their department; an auditor the audits they are on; another department's audit is not
found, on the lists as alone; a served unit's staff none."""

import pytest

from ..quality.quality_helpers import problem
from .audit_helpers import (
    AUDITS,
    PROGRAMMES,
    finance_register,
    moved,
    plan_body,
    planned,
    programme,
)

pytestmark = pytest.mark.on_day("2026-04-01T10:00:00+08:00")


async def test_another_departments_audit_is_out_of_sight(
    client, admin, leader, head, drafter, lead_auditor, auditor, outsider, unit_staff, token_mint
):
    await finance_register(client, admin, drafter, head)
    year = await programme(client, admin)
    audit = await planned(client, admin, year, plan_body(lead_auditor, [(auditor, "办公室")]))
    await moved(client, admin, audit, "start")

    for who in (leader, admin, head, drafter, lead_auditor, auditor):
        answer = await client.get(f"{AUDITS}/{audit['id']}", headers=who.headers)
        assert answer.status_code == 200, answer.text
        listed = await client.get(AUDITS, params={"year": 2026}, headers=who.headers)
        assert [item["id"] for item in listed.json()["items"]] == [audit["id"]]
        assert [
            item["id"]
            for item in (
                await client.get(f"{PROGRAMMES}/{year['id']}", headers=who.headers)
            ).json()["audits"]
        ] == [audit["id"]]
    # An agent of 物业管理处 not on the team: neither the audit, its checklist nor its
    # findings; the programme, without it.
    for path in ("", "/checklist", "/findings"):
        problem(await client.get(f"{AUDITS}/{audit['id']}{path}", headers=outsider.headers), 404)
    assert (await client.get(AUDITS, headers=outsider.headers)).json() == {"items": [], "total": 0}
    programme_seen = await client.get(f"{PROGRAMMES}/{year['id']}", headers=outsider.headers)
    assert programme_seen.status_code == 200 and programme_seen.json()["audits"] == []
    for path in (AUDITS, PROGRAMMES, f"{AUDITS}/{audit['id']}"):
        problem(await client.get(path, headers=unit_staff.headers), 403)


async def test_audits_are_found_by_year_status_and_department(
    client, admin, head, drafter, lead_auditor, auditor
):
    await finance_register(client, admin, drafter, head)
    this_year = await programme(client, admin, 2026)
    next_year = await programme(client, admin, 2027)
    finance = await planned(client, admin, this_year, plan_body(lead_auditor))
    property_audit = await planned(
        client,
        admin,
        this_year,
        plan_body(auditor, departments=["物业管理处"], starts_on="2026-05-01", ends_on="2026-05-02")
        | {"lead_auditor": {"person_id": auditor.id, "department": "办公室"}},
    )
    later = await planned(
        client,
        admin,
        next_year,
        plan_body(lead_auditor, starts_on="2027-04-01", ends_on="2027-04-02"),
    )
    await moved(client, admin, finance, "start")

    async def ids(**params):
        answer = await client.get(AUDITS, params=params, headers=admin.headers)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert await ids() == [finance["id"], property_audit["id"], later["id"]]
    assert await ids(year=2026) == [finance["id"], property_audit["id"]]
    assert await ids(status="in_progress") == [finance["id"]]
    assert await ids(department="物业管理处") == [property_audit["id"]]
    years = (await client.get(PROGRAMMES, headers=admin.headers)).json()
    assert [item["year"] for item in years["items"]] == [2027, 2026]
