"""The inventory workbook agencies fill in (清查登记表): a sheet of buildings and a sheet of
rooms. Columns are named in Chinese for the people who fill them and in code names for
machines; a row of rooms names its building by the sheet's own reference or by an id."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = True


BUILDINGS_SHEET = "楼宇 buildings"
ROOMS_SHEET = "房间 rooms"

BUILDING_COLUMNS = (
    Column("ref", "本表编号 ref"),
    Column("name", "楼宇名称 name"),
    Column("address", "地址 address"),
    Column("owner_unit_code", "产权单位代码 owner_unit_code"),
    Column("title_certificate_no", "不动产权证号 title_certificate_no", required=False),
    Column("gross_area", "建筑面积㎡ gross_area"),
    Column("usable_area", "使用面积㎡ usable_area", required=False),
    Column("built_year", "建成年份 built_year", required=False),
    Column("use", "用途 use"),
)
ROOM_COLUMNS = (
    Column("building", "楼宇（本表编号或ID） building"),
    Column("floor", "楼层 floor"),
    Column("number", "房间号 number"),
    Column("usable_area", "使用面积㎡ usable_area"),
    Column("kind", "类别 kind"),
)


class RowError(BaseModel):
    """One fault of the workbook. `code` names it for a program (the console words it in
    Chinese): ours (required, unknown-unit-code, room-registered, …) or pydantic's error
    type (greater_than, enum, …) with its limits in `context`."""

    sheet: str
    row: int
    column: str | None = None
    code: str
    detail: str
    context: dict[str, str | int | float] | None = None


class ImportResult(BaseModel):
    buildings_created: int
    rooms_created: int
