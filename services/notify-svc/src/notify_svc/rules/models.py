"""Message rules (通知规则): which event becomes which message, to whom, by which channels —
as data the admin reads and changes, not code.

- A rule follows one event type (events.py, `FollowedEvent`) and, optionally, conditions on
  the event's fields (a ticket escalated to `leader`; a level-I or -II incident).
- Its recipients are people named by the event (the task's assignee, the item's owner), the
  holders of a role (every leader) or of a role in the department the event names (the
  ticket's department head), or named people. Each is resolved when the event comes, from
  the recipients replica: whoever holds the role then.
- Its subject, text and link are templates with the event's fields (`{title}`); the link is a
  path in the console. Every message reaches the person's console inbox; the rule's channels
  name, in order, where a copy goes besides: the first the person has verified and, unless the
  rule is `urgent`, has kept for the rule's topic in their preferences.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator
from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, false
from sqlmodel import Field as TableField

from guanjia_shared.auth import Role
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText
from notify_svc.database import NotifyTable
from notify_svc.events import FollowedEvent
from notify_svc.messages.models import CopyChannel
from notify_svc.rules.templates import LinkTemplate, TextTemplate

# A field of an event's data, as a condition or a recipient names it.
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
# A kind of message, as people's preferences name it (the gateway's `Topic`).
Topic = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,3}$", max_length=64)
]
Name = Annotated[SingleLineText, Field(min_length=1, max_length=100)]
ConditionValue = Annotated[SingleLineText, Field(max_length=200)]


class Condition(StrictInput):
    """The event's `field`, as text (`true`/`false`, a number, an id), is one of `one_of`;
    or, with `present`, is set (not null, not empty) or not."""

    field: FieldName
    one_of: list[ConditionValue] | None = Field(default=None, min_length=1, max_length=20)
    present: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        if (self.one_of is None) == (self.present is None):
            raise ValueError("a condition has either one_of or present")
        return self


class RecipientSpec(StrictInput):
    """Who is told: exactly one of `field` (the event's field holding a person's id),
    `role` (its holders; with `department_field`, those in the department the event names)
    or `user_id` (a named person)."""

    field: FieldName | None = None
    role: Role | None = None
    department_field: FieldName | None = None
    user_id: Annotated[SingleLineText, Field(min_length=1, max_length=36)] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if sum(value is not None for value in (self.field, self.role, self.user_id)) != 1:
            raise ValueError("a recipient is one of field, role or user_id")
        if self.department_field is not None and self.role is None:
            raise ValueError("department_field narrows a role")
        if self.role is Role.integration:
            raise ValueError("API clients are called back by webhooks, not told")
        return self


def _distinct(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("a value is named twice")
    return values


class RuleWrite(StrictInput):
    name: Name
    event_type: FollowedEvent
    conditions: list[Condition] = Field(default_factory=list, max_length=10)
    recipients: list[RecipientSpec] = Field(min_length=1, max_length=10)
    channels: list[CopyChannel] = Field(
        default_factory=list,
        max_length=len(CopyChannel),
        description="beside the inbox, in order of preference; empty: the inbox only",
    )
    topic: Topic
    urgent: bool = Field(
        default=False,
        description="sent at once whatever the recipients chose for the topic, quiet hours or not",
    )
    digest: bool = Field(
        default=False,
        description="the copy goes out in the person's digest of the day, not by itself",
    )
    subject: TextTemplate = Field(max_length=200)
    text: TextTemplate = Field(max_length=1000)
    link: LinkTemplate | None = Field(default=None, max_length=300)
    enabled: bool = True

    _distinct_channels = field_validator("channels")(_distinct)

    @model_validator(mode="after")
    def _urgent_is_not_held(self) -> Self:
        if self.urgent and self.digest:
            raise ValueError("an urgent rule goes at once, not in a digest")
        return self


class RuleCreate(RuleWrite):
    pass


class RuleUpdate(StrictInput):
    """What the admin changes; a field left out stays as it is."""

    name: Name = None
    conditions: list[Condition] = Field(default=None, max_length=10)
    recipients: list[RecipientSpec] = Field(default=None, min_length=1, max_length=10)
    channels: list[CopyChannel] = Field(default=None, max_length=len(CopyChannel))
    topic: Topic = None
    urgent: bool = None
    digest: bool = None
    subject: TextTemplate = Field(default=None, max_length=200)
    text: TextTemplate = Field(default=None, max_length=1000)
    link: LinkTemplate | None = Field(default=None, max_length=300)
    enabled: bool = None

    _distinct_channels = field_validator("channels")(_distinct)


class MessageRule(NotifyTable, table=True):
    __tablename__ = "message_rules"
    __table_args__ = (Index("ix_message_rules_event_type", "event_type"),)

    id: str = TableField(default_factory=new_id, sa_column=Column(String(36), primary_key=True))
    name: str = TableField(sa_column=Column(String(100), nullable=False))
    event_type: str = TableField(sa_column=Column(String(100), nullable=False))
    conditions: list[dict] = TableField(sa_column=Column(JSON, nullable=False))
    recipients: list[dict] = TableField(sa_column=Column(JSON, nullable=False))
    channels: list[str] = TableField(sa_column=Column(JSON, nullable=False))
    topic: str = TableField(sa_column=Column(String(64), nullable=False))
    urgent: bool
    digest: bool = TableField(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    subject: str = TableField(sa_column=Column(String(200), nullable=False))
    text: str = TableField(sa_column=Column(String(1000), nullable=False))
    link: str | None = TableField(default=None, sa_column=Column(String(300), nullable=True))
    enabled: bool
    version: int = TableField(default=1, sa_column=Column(Integer, nullable=False))
    updated_by: str = TableField(sa_column=Column(String(64), nullable=False))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime(), nullable=False)
    )
    updated_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime(), nullable=False)
    )


class RuleRead(BaseModel):
    id: str
    name: str
    event_type: FollowedEvent
    conditions: list[Condition]
    recipients: list[RecipientSpec]
    channels: list[CopyChannel]
    topic: str
    urgent: bool
    digest: bool
    subject: str
    text: str
    link: str | None
    enabled: bool
    version: int
    updated_by: str
    created_at: datetime
    updated_at: datetime


class FollowedEventRead(BaseModel):
    type: FollowedEvent
    label: str
