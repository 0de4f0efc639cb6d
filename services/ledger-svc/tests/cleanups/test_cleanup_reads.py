"""Who reads a campaign: the bureau, each line as the register shows its document — another
department's document never in force is out of sight on the list, in the progress and in
the spreadsheet — and neither a served unit's staff nor a machine client."""

import pytest

from guanjia_shared.testing.spreadsheets import workbook_cells

from ..quality.quality_helpers import Person, problem, register
from .cleanup_helpers import CLEANUPS, decided, in_force, line_of, lines_of, open_cleanup

pytestmark = pytest.mark.on_day("2026-03-02T10:00:00+08:00")


async def test_another_department_s_draft_is_out_of_sight_on_the_campaign_too(
    client, token_mint, leader, head, drafter, outsider, owner, unit_staff
):
    await in_force(client, drafter, head, head, code="GJ-CW-001")
    await register(client, drafter, head, code="GJ-CW-002")  # never in force
    await in_force(client, outsider, leader, head, code="GJ-WY-001", department="物业管理处")
    cleanup = await open_cleanup(client, leader)
    url = f"{CLEANUPS}/{cleanup['id']}"
    draft_line = await line_of(client, leader, cleanup, "GJ-CW-002")
    await decided(client, leader, cleanup, draft_line, owner, "supplement")

    def codes(page):
        return [line["code"] for line in page["items"]]

    assert codes(await lines_of(client, drafter, cleanup)) == [
        "GJ-WY-001",
        "GJ-CW-001",
        "GJ-CW-002",
    ]
    seen = await lines_of(client, outsider, cleanup)
    assert (codes(seen), seen["total"]) == (["GJ-WY-001", "GJ-CW-001"], 2)
    problem(await client.get(f"{url}/lines/{draft_line['id']}", headers=outsider.headers), 404)
    own = await client.get(f"{url}/lines/{draft_line['id']}", headers=drafter.headers)
    assert own.status_code == 200 and own.json()["decision"]["decision"] == "supplement"

    progress = (await client.get(f"{url}/progress", headers=outsider.headers)).json()
    assert (progress["in_scope"], progress["decided"]) == (2, 0)
    assert [(d["department"], d["in_scope"]) for d in progress["departments"]] == [
        ("物业管理处", 1),
        ("财务处", 1),
    ]
    full = (await client.get(f"{url}/progress", headers=head.headers)).json()
    assert (full["in_scope"], full["decided"], full["by_decision"]["supplement"]) == (3, 1, 1)

    sheet = await client.get(f"{url}/lines", params={"format": "xlsx"}, headers=outsider.headers)
    assert sheet.status_code == 200, sheet.text
    texts = {cell.value for cell in workbook_cells(sheet.content)}
    assert "GJ-CW-001" in texts and "GJ-CW-002" not in texts

    # The campaign itself (its name, counts) is the bureau's to read; not the units'.
    assert (await client.get(url, headers=outsider.headers)).json()["document_count"] == 3
    for who in (unit_staff, Person(token_mint, "integration", unit_id="unit-1")):
        problem(await client.get(CLEANUPS, headers=who.headers), 403)
        problem(await client.get(f"{url}/lines", headers=who.headers), 403)


async def test_lines_are_found_by_department_and_decision(client, leader, head, drafter, owner):
    for code in ("GJ-CW-001", "GJ-CW-002", "GJ-CW-003"):
        await in_force(client, drafter, head, head, code=code)
    cleanup = await open_cleanup(client, leader)
    await decided(
        client,
        leader,
        cleanup,
        await line_of(client, leader, cleanup, "GJ-CW-002"),
        owner,
        "revise",
    )
    await decided(
        client, leader, cleanup, await line_of(client, leader, cleanup, "GJ-CW-003"), owner
    )

    async def codes(**params):
        return [line["code"] for line in (await lines_of(client, head, cleanup, **params))["items"]]

    assert await codes(decision="revise") == ["GJ-CW-002"]
    assert await codes(decided="true") == ["GJ-CW-002", "GJ-CW-003"]
    assert await codes(decided="false") == ["GJ-CW-001"]
    assert await codes(department="物业管理处") == []
    page = await lines_of(client, head, cleanup, limit=1, offset=1)
    assert ([line["code"] for line in page["items"]], page["total"]) == (["GJ-CW-002"], 3)
