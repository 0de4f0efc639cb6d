"""The people notify-svc may tell: a replica of the gateway's users, kept from its
`auth.user.*` events, with the contact points they have verified and the channels they
want per topic."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, Column
from sqlmodel import Field as TableField

from guanjia_shared.auth import Role
from guanjia_shared.db import UtcDateTime
from notify_svc.database import NotifyTable


class Recipient(NotifyTable, table=True):
    __tablename__ = "recipients"

    id: str = TableField(primary_key=True, max_length=36)  # the gateway's user id
    username: str = TableField(max_length=64)
    display_name: str = TableField(max_length=200)
    roles: list[str] = TableField(sa_column=Column(JSON, nullable=False))
    unit_id: str | None = TableField(default=None, max_length=36, index=True)
    department: str | None = TableField(default=None, max_length=200, index=True)
    active: bool
    # [{channel, address}]: verified at the gateway; nothing else is ever sent to.
    contacts: list[dict] = TableField(sa_column=Column(JSON, nullable=False))
    # [{topic, channels}]
    message_preferences: list[dict] = TableField(sa_column=Column(JSON, nullable=False))
    version: int
    replicated_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


class ContactPointRead(BaseModel):
    channel: str
    address: str


class RecipientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    display_name: str
    roles: list[Role]
    unit_id: str | None
    department: str | None
    active: bool
    contacts: list[ContactPointRead]
    version: int
    replicated_at: datetime
