"""Exports people read in Excel: sheets with a bold, frozen header row, answered as an
attachment. Reports, registers and templates of every service are written here, and only
here, so every text that reaches a workbook passes the same two guards:

- characters XML 1.0 (and so xlsx) cannot carry are left out, so a control character in
  a title or a cell never makes an export fail;
- text that a spreadsheet would take for a formula (beginning with = + - @, a tab or a
  carriage return) is written as a text cell marked "quote prefix", as Excel marks what a
  person types after an apostrophe: it shows as typed and is never evaluated, not even
  when someone edits the cell."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# For a route's `responses=`: its 200 may also be a spreadsheet.
XLSX_RESPONSE = {200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "JSON, or xlsx"}}

# XML 1.0's characters: tab, LF, CR, and U+0020 up, less the surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# How Excel, LibreOffice and Google Sheets recognise a formula (or a DDE call) in text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these in a sheet's name, and names longer than 31 characters.
_NOT_IN_SHEET_NAMES = re.compile(r"[\\/?*\[\]:\x00-\x1f\x7f-\x9f]")
SHEET_NAME_LIMIT = 31


@dataclass(frozen=True)
class Sheet:
    """One sheet: an optional caption line, the header row, then the rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    caption: str | None = None


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
) -> bytes:
    """A workbook of one sheet (no row cap: openpyxl's write-only mode streams the rows)."""
    return sheets_workbook_bytes([Sheet(title, headers, rows, caption)])


def sheets_workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet_name(sheet.title)), sheet)
    content = BytesIO()
    workbook.save(content)
    return content.getvalue()


def _write_sheet(worksheet: WriteOnlyWorksheet, sheet: Sheet) -> None:
    if sheet.caption is not None:
        worksheet.append([_cell(worksheet, sheet.caption)])
    bold = Font(bold=True)
    header_row = []
    for text in sheet.headers:
        cell = _cell(worksheet, text)
        cell.font = bold
        header_row.append(cell)
    worksheet.append(header_row)
    worksheet.freeze_panes = "A3" if sheet.caption is not None else "A2"
    for row in sheet.rows:
        worksheet.append([_cell(worksheet, value) for value in row])


def sheet_text(text: str) -> str:
    """Text as a sheet can hold it: free text may carry control characters (pasted from
    anywhere, or stored before the API refused them) that XML 1.0 cannot; the cell shows
    the text without them."""
    return _NOT_XML.sub("", text)


def sheet_name(title: str) -> str:
    """A title Excel takes as a sheet's name: no characters it refuses, no apostrophe at
    either end, at most 31 characters, never empty."""
    name = _NOT_IN_SHEET_NAMES.sub("", sheet_text(title)).strip().strip("'")
    return name[:SHEET_NAME_LIMIT].rstrip("'") or "Sheet"


def _cell(worksheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    if not isinstance(value, str):
        return WriteOnlyCell(worksheet, value=value)
    text = sheet_text(value)
    cell = WriteOnlyCell(worksheet, value=text)
    # Text is a text cell, whatever it looks like: openpyxl makes "=…" a formula cell and
    # "#N/A" an error cell.
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_STARTS)
    return cell


def xlsx_response(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
