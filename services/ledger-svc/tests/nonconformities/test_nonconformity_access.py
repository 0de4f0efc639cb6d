"""Who reads and does what: every department's nonconformities for the quality office,
leaders and auditors; a department's staff their own only (another's is 404, and absent
from their lists); a served unit's staff none. The department works its nonconformity; the
quality office or a leader verifies and closes it, never the department itself."""

import pytest

from .nonconformity_helpers import (
    NONCONFORMITIES,
    PROPERTY,
    add_action,
    analyse,
    close,
    contain,
    finish,
    on,
    open_one,
    opening,
    problem,
    register_document,
    start_check,
    url,
    verdict,
)


@pytest.fixture
async def finance_nc(client, admin, quality):
    await register_document(client, admin)
    return await open_one(client, quality)


async def listed(client, who, **params):
    answer = await client.get(NONCONFORMITIES, params=params, headers=who.headers)
    assert answer.status_code == 200, answer.text
    return [each["id"] for each in answer.json()["items"]]


async def test_the_overseers_read_every_department(
    client, finance_nc, leader, auditor, quality, admin
):
    for who in (leader, auditor, quality, admin):
        assert await listed(client, who) == [finance_nc["id"]]
        assert (await client.get(url(finance_nc), headers=who.headers)).status_code == 200


async def test_a_department_reads_its_own_and_not_anothers(
    client, finance_nc, head, clerk, other_head, other_agent
):
    assert await listed(client, head) == [finance_nc["id"]]
    assert await listed(client, clerk) == [finance_nc["id"]]
    for outsider in (other_head, other_agent):
        assert await listed(client, outsider) == []
        assert await listed(client, outsider, department="财务处") == []
        # Not told apart from none.
        problem(await client.get(url(finance_nc), headers=outsider.headers), 404)
        problem(await client.get(f"{NONCONFORMITIES}/no-such", headers=outsider.headers), 404)


async def test_a_served_units_staff_read_none(client, finance_nc, unit_staff):
    problem(await client.get(NONCONFORMITIES, headers=unit_staff.headers), 403)
    problem(await client.get(url(finance_nc), headers=unit_staff.headers), 403)


async def test_a_head_opens_their_own_departments_and_not_anothers(client, admin, head, other_head):
    await register_document(client, admin)
    assert (await open_one(client, head))["opened_by"] == head.id
    refused = await on("2026-03-02", client, "POST", NONCONFORMITIES, other_head, opening())
    problem(refused, 403)
    assert len(await listed(client, admin)) == 1


async def test_an_agent_or_an_auditor_opens_none(client, admin, clerk, auditor):
    await register_document(client, admin)
    for who in (clerk, auditor):
        problem(await on("2026-03-02", client, "POST", NONCONFORMITIES, who, opening()), 403)


async def test_the_department_head_works_it_and_its_agents_and_others_do_not(
    client, finance_nc, head, clerk, other_head, leader
):
    for who in (clerk, leader):
        problem(await contain(client, who, finance_nc), 403)
    # Another department's nonconformity is not found by its staff, to work as to read.
    problem(await contain(client, other_head, finance_nc), 404)
    assert (await contain(client, head, finance_nc)).status_code == 200


async def test_the_department_does_not_verify_its_own_actions(
    client, finance_nc, head, clerk, other_head, leader, quality
):
    await contain(client, head, finance_nc)
    await analyse(client, head, finance_nc)
    await finish(client, clerk, (await add_action(client, head, clerk, finance_nc)).json())
    await start_check(client, head, finance_nc)

    problem(await verdict(client, head, finance_nc), 403, "verify-not-your-own")
    problem(await verdict(client, other_head, finance_nc), 404)
    assert (await verdict(client, leader, finance_nc)).status_code == 200
    problem(await close(client, head, finance_nc), 403, "verify-not-your-own")
    assert (await close(client, quality, finance_nc)).status_code == 200


async def test_the_quality_office_does_not_verify_its_own_department(client, admin, quality):
    await register_document(client, admin, code="GJ-ZL-001", department="质量管理办公室")
    own = await open_one(client, quality, procedure_code="GJ-ZL-001", department="质量管理办公室")
    await contain(client, quality, own)
    await analyse(client, quality, own)
    await finish(client, quality, (await add_action(client, quality, quality, own)).json())
    await start_check(client, quality, own)
    problem(await verdict(client, quality, own), 403, "verify-not-your-own")
    assert (await verdict(client, admin, own)).status_code == 200


async def test_lists_filter_by_stage_source_department_and_procedure(client, admin, quality, head):
    await register_document(client, admin)
    await register_document(client, admin, code="GJ-WY-001", department=PROPERTY)
    first = await open_one(client, quality)
    second = await open_one(client, quality, procedure_code="GJ-WY-001", department=PROPERTY)
    await contain(client, head, first)

    assert await listed(client, quality, stage="root_cause") == [first["id"]]
    assert await listed(client, quality, department=PROPERTY) == [second["id"]]
    assert await listed(client, quality, procedure_code="GJ-WY-001") == [second["id"]]
    assert set(await listed(client, quality, open="true")) == {first["id"], second["id"]}
    assert await listed(client, quality, open="false") == []
    assert await listed(client, quality, source="complaint") == []
