"""Exports people read in Excel: a sheet with a bold, frozen header row, answered as an
attachment. Reports and registers of every service use this one shape."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# For a route's `responses=`: its 200 may also be a spreadsheet.
XLSX_RESPONSE = {200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "JSON, or xlsx"}}


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    caption: str | None = None,
) -> bytes:
    """One sheet: an optional caption line, the header row, then `rows` (no row cap:
    openpyxl's write-only mode streams them)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit on sheet names
    if caption is not None:
        sheet.append([caption])
    bold = Font(bold=True)
    header_row = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_row.append(cell)
    sheet.append(header_row)
    sheet.freeze_panes = "A3" if caption is not None else "A2"
    for row in rows:
        sheet.append([_cell_value(value) for value in row])
    content = BytesIO()
    workbook.save(content)
    return content.getvalue()


def _cell_value(value: Any) -> Any:
    """Text as a sheet can hold it: free text may carry control characters (pasted from
    anywhere) that XML 1.0, and so xlsx, cannot; the cell shows the text without them."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_response(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
