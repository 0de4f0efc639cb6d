"""API clients: the other government systems that get tokens with a client id and secret."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Column, String
from sqlmodel import Field as TableField

from gateway.database import GatewayTable
from guanjia_shared.auth import Role
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText


class ApiClient(GatewayTable, table=True):
    __tablename__ = "api_clients"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    client_id: str = TableField(sa_column=Column(String(64), unique=True, nullable=False))
    secret_hash: str = TableField(max_length=255)
    name: str = TableField(max_length=200)
    roles: list[str] = TableField(default_factory=list, sa_column=Column(JSON, nullable=False))
    unit_id: str | None = TableField(default=None, max_length=36)
    # A deleted client is revoked, not erased: the record of who had access stays.
    active: bool = TableField(default=True)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class ClientCreate(StrictInput):
    name: SingleLineText = Field(min_length=1, max_length=200)
    roles: list[Role]
    unit_id: SingleLineText | None = Field(default=None, max_length=36)


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    client_id: str
    name: str
    roles: list[Role]
    unit_id: str | None
    active: bool
    created_at: datetime


class ClientCreated(ClientRead):
    """The answer to a creation: the only time the secret is ever shown."""

    client_secret: str
