"""The reports as spreadsheets: every row of the JSON, column for column."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from guanjia_shared.testing.spreadsheets import FORMULA_TEXTS, assert_text_only

from ..ticket_helpers import DEPARTMENT, at, open_ticket, publish_commitment
from .report_helpers import WEEK, a_week_of_tickets, report, report_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_back(answer):
    """The caption, and the rows as {JSON field: value} (headers end with the field)."""
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(BytesIO(answer.content)).active
    caption, headers, *lines = sheet.iter_rows(values_only=True)
    fields = [header.rsplit(" ", 1)[1] for header in headers]
    return caption[0], [dict(zip(fields, line, strict=True)) for line in lines]


@pytest.mark.parametrize("kind", ["departments", "commitments"])
async def test_the_spreadsheet_holds_the_same_rows_and_figures_as_the_json(
    client, admin, agent, other_agent, leader, kind
):
    await a_week_of_tickets(client, admin, agent, other_agent)
    rows = await report_rows(client, leader, kind, from_=WEEK["from"], to=WEEK["to"])
    answer = await report(client, leader, kind, from_=WEEK["from"], to=WEEK["to"], format="xlsx")
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="ticket-{kind}-2026-09-21_2026-09-25.xlsx"'
    )
    caption, lines = read_back(answer)
    assert (
        caption
        == "受理日期 2026-09-21 至 2026-09-25（北京时间，含首尾两日）；统计时点 2026-09-25T10:00+08:00"
    )
    assert lines == rows


async def test_the_spreadsheet_has_no_row_cap_and_the_heads_scope(
    client, admin, agent, head, leader
):
    # A hundred and twenty commitments: every one is a line, nothing caps the file.
    for number in range(120):
        code = f"C-{number:03d}"
        await publish_commitment(client, admin, code=code, name=f"事项{number}")
        await open_ticket(client, agent, at(21, 9), commitment_code=code)
    _, lines = read_back(await report(client, leader, "commitments", at(21, 10), format="xlsx"))
    assert [line["commitment_code"] for line in lines] == [f"C-{n:03d}" for n in range(120)]
    assert all(line["tickets"] == 1 and line["backlog_max_age_hours"] == 1.0 for line in lines)
    # A department head's spreadsheet is their department's row, as in the JSON.
    _, lines = read_back(await report(client, head, "departments", at(21, 10), format="xlsx"))
    assert [(line["department"], line["tickets"]) for line in lines] == [(DEPARTMENT, 120)]


@pytest.mark.parametrize("kind", ["departments", "commitments"])
async def test_text_that_looks_like_a_formula_is_exported_as_text(
    client, admin, agent, leader, kind
):
    link, dde, minus, _ = FORMULA_TEXTS
    await publish_commitment(client, admin, code=dde, name=minus, department=link)
    await open_ticket(client, agent, at(21, 9), commitment_code=dde)
    answer = await report(client, leader, kind, at(21, 10), format="xlsx")
    assert answer.status_code == 200, answer.text
    assert_text_only(answer.content, *([link] if kind == "departments" else [link, dde, minus]))
