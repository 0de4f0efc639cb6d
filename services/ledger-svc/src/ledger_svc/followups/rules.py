"""From a closed incident, or a recorded drill's findings, to the ledger items of their
follow-ups (整改事项): the pure mapping, with no database. `consumers.py` has the event
contracts and applies what this answers.

The defaults, where the incident leaves a field out:

- department: the follow-up's, else the commander's department, else `应急管理`;
- deadline: the follow-up's, else 30 days after the day the incident closed (the bureau's
  day of `closed_at`); a deadline before that day is a malformed event;
- quality requirement: the follow-up's, else none (the ledger does not invent one);
- the work starts on the day the incident closed, and it is in the follow-up plan of that
  day's year.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from guanjia_shared.bureau_time import bureau_date
from guanjia_shared.text import as_multi_line, as_single_line
from ledger_svc.items.models import ItemCreate, SourceIn

SOURCE_SERVICE = "emergency"
DEFAULT_DEPARTMENT = "应急管理"
DEFAULT_DAYS_TO_FOLLOW_UP = 30
TITLE_LENGTH = 200  # an item's title; the whole follow-up text is kept as its target
TEXT_LENGTH = 5000

# The event grades (事件分级) as emergency-svc names them, I the gravest.
LEVEL_LABELS = {"I": "特别重大", "II": "重大", "III": "较大", "IV": "一般"}

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LENGTH)
]
Department = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _Contract(BaseModel):
    """The fields of the event's data this service relies on; others are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class FollowUp(_Contract):
    title: Text
    department: Department | None = None
    deadline: dt.date | None = None
    quality_requirement: Annotated[str, Field(max_length=TEXT_LENGTH)] | None = None


class IncidentClosed(_Contract):
    id: Annotated[str, Field(min_length=1, max_length=64)]
    code: Annotated[str, Field(max_length=64)] | None = None
    title: Annotated[str, Field(min_length=1, max_length=TEXT_LENGTH)]
    type: Annotated[str, Field(min_length=1, max_length=64)]
    level: Literal["I", "II", "III", "IV"]
    building_id: str | None = None
    # A gateway user id; checked only when there are follow-ups to own.
    commander_id: Annotated[str, Field(max_length=36)] | None = None
    commander_department: Department | None = None
    closed_at: AwareDatetime
    summary: str | None = None
    follow_ups: list[Text | FollowUp] | None = None

    @property
    def closed_on(self) -> dt.date:
        return bureau_date(self.closed_at)

    @property
    def plan_year(self) -> int:
        return self.closed_on.year


class NotFollowable(ValueError):
    """The incident's follow-ups cannot become items (the event is at fault, not us)."""


def follow_up_items(incident: IncidentClosed) -> list[ItemCreate]:
    """One item per follow-up, owned by the commander; none when there are no follow-ups."""
    follow_ups = [
        FollowUp(title=entry) if isinstance(entry, str) else entry
        for entry in incident.follow_ups or []
    ]
    if not follow_ups:
        return []
    if not incident.commander_id:
        raise NotFollowable("follow-ups without a commander to own them")
    return [_item_of(incident, follow_up, number) for number, follow_up in enumerate(follow_ups)]


def _item_of(incident: IncidentClosed, follow_up: FollowUp, number: int) -> ItemCreate:
    closed_on = incident.closed_on
    deadline = follow_up.deadline or closed_on + dt.timedelta(days=DEFAULT_DAYS_TO_FOLLOW_UP)
    if deadline < closed_on:
        raise NotFollowable(
            f"follow-up {number}: deadline {deadline} is before the incident closed ({closed_on})"
        )
    return ItemCreate(
        title=_title(follow_up.title),
        target=as_multi_line(follow_up.title),
        breakdown=as_multi_line(provenance(incident)),
        quality_requirement=as_multi_line(follow_up.quality_requirement or ""),
        owner_id=as_single_line(incident.commander_id),
        department=as_single_line(
            follow_up.department or incident.commander_department or DEFAULT_DEPARTMENT
        ),
        starts_on=closed_on,
        deadline=deadline,
        source=SourceIn(service=SOURCE_SERVICE, ref=as_single_line(incident.id)),
    )


def _title(text: str) -> str:
    """An item's title from a follow-up's text, which may run over lines (emergency-svc
    takes it as multi-line text, and older events were written under no rule of text)."""
    return _shortened(as_single_line(text), TITLE_LENGTH)


def provenance(incident: IncidentClosed) -> str:
    """Where the follow-up comes from, as the ledger's 项目分解 column reads it:
    `来源：突发事件“配电室起火”（INC-7，较大 III级，2026-03-05 处置结束）`."""
    facts = [
        *([incident.code] if incident.code else []),
        f"{LEVEL_LABELS[incident.level]} {incident.level}级",
        f"{incident.closed_on.isoformat()} 处置结束",
    ]
    return f"来源：突发事件“{_shortened(incident.title, TITLE_LENGTH)}”（{'，'.join(facts)}）"


def _shortened(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


class DrillFollowUp(_Contract):
    title: Text  # already marked 【演练】 by emergency-svc
    department: Department | None = None


class DrillRecorded(_Contract):
    id: Annotated[str, Field(min_length=1, max_length=64)]
    plan_id: Annotated[str, Field(max_length=64)] | None = None
    held_at: AwareDatetime
    # A gateway user id; checked only when there are follow-ups to own.
    recorded_by: Annotated[str, Field(max_length=36)] | None = None
    follow_ups: list[DrillFollowUp] | None = None

    @property
    def held_on(self) -> dt.date:
        return bureau_date(self.held_at)

    @property
    def plan_year(self) -> int:
        return self.held_on.year


def drill_follow_up_items(drill: DrillRecorded) -> list[ItemCreate]:
    """One item per finding turned follow-up, owned by whoever recorded the drill, due 30
    days after it was held; none when it found nothing."""
    if not drill.follow_ups:
        return []
    if not drill.recorded_by:
        raise NotFollowable("follow-ups without a recorder to own them")
    return [
        ItemCreate(
            title=_title(follow_up.title),
            target=as_multi_line(follow_up.title),
            breakdown=f"来源：应急演练（{drill.held_on.isoformat()} 举行）",
            owner_id=as_single_line(drill.recorded_by),
            department=as_single_line(follow_up.department or DEFAULT_DEPARTMENT),
            starts_on=drill.held_on,
            deadline=drill.held_on + dt.timedelta(days=DEFAULT_DAYS_TO_FOLLOW_UP),
            source=SourceIn(service=SOURCE_SERVICE, ref=as_single_line(drill.id)),
        )
        for follow_up in drill.follow_ups
    ]
