"""Users: the people who log in with a username and password, and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from sqlalchemy import JSON, Column, String
from sqlmodel import Field as TableField

from gateway.database import GatewayTable
from guanjia_shared.auth import Role
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText


def normalize_username(value: str) -> str:
    # Compared without case, so that `Admin` is no way around a lockout of `admin`.
    return value.strip().lower()


Username = Annotated[
    str,
    BeforeValidator(lambda value: normalize_username(value) if isinstance(value, str) else value),
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._@-]{0,63}$"),
    # A constraint after a validator is not in the JSON schema: the document states what is
    # taken instead, before trimming and lowering (which it cannot express).
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*[A-Za-z0-9][A-Za-z0-9._@-]{0,63}\s*$",
            "description": "trimmed and kept in lower case",
        }
    ),
]
# Kept exactly as typed: the login form does not trim it either, so a password trimmed
# here would never log in again.
Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=8, max_length=256)]


def unique_roles(roles: list[Role]) -> list[str]:
    return [str(role) for role in dict.fromkeys(roles)]


class User(GatewayTable, table=True):
    __tablename__ = "users"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    username: str = TableField(sa_column=Column(String(64), unique=True, nullable=False))
    display_name: str = TableField(max_length=200)
    password_hash: str = TableField(max_length=255)
    roles: list[str] = TableField(default_factory=list, sa_column=Column(JSON, nullable=False))
    unit_id: str | None = TableField(default=None, max_length=36)
    department: str | None = TableField(default=None, max_length=200)
    active: bool = TableField(default=True)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    # Raised with every change the `auth.user.*` events report: a replica keeps the highest.
    version: int = TableField(default=1)
    # MessagePreference entries, as JSON: which channels the person wants per topic.
    message_preferences: list[dict] = TableField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


class UserCreate(StrictInput):
    username: Username
    password: Password
    display_name: SingleLineText = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(default=[])
    unit_id: SingleLineText | None = Field(default=None, max_length=36)
    department: SingleLineText | None = Field(default=None, max_length=200)


class UserUpdate(StrictInput):
    password: Password | None = None
    display_name: SingleLineText | None = Field(default=None, min_length=1, max_length=200)
    roles: list[Role] | None = None
    unit_id: SingleLineText | None = Field(default=None, max_length=36)
    department: SingleLineText | None = Field(default=None, max_length=200)
    active: bool | None = None


class UserRead(BaseModel):
    """A user as the API shows it: never the password, not even its hash."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    display_name: str
    roles: list[Role]
    unit_id: str | None
    department: str | None
    active: bool
    created_at: datetime


class Colleague(BaseModel):
    """A bureau colleague as the desk needs to name one (e.g. to hand a ticket on): who,
    not how to sign in as them."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    display_name: str
    department: str | None
    roles: list[Role]
