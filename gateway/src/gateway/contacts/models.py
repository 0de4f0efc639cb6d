"""How a person is reached: their contact points (each verified by a code sent to it before
anything else is sent there) and the channels they want per topic of message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field as TableField

from gateway.database import GatewayTable
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput


class ContactChannel(StrEnum):
    mobile = "mobile"  # a mainland mobile number, for SMS and calls
    email = "email"
    wecom = "wecom"  # a 企业微信/政务微信 user id


class ContactPoint(GatewayTable, table=True):
    __tablename__ = "contact_points"
    __table_args__ = (
        UniqueConstraint("user_id", "channel", name="uq_contact_points_user_channel"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = TableField(sa_column=Column(String(36), ForeignKey("users.id"), nullable=False))
    channel: str = TableField(max_length=16)
    # The verified address, what messages go to; kept while a new one is being verified,
    # so that an emergency still reaches the person during the switch.
    address: str | None = TableField(default=None, max_length=254)
    verified_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    # The address a code was sent to, until the code comes back.
    pending_address: str | None = TableField(default=None, max_length=254)
    # That code, as a digest: whoever reads the table cannot verify with it.
    code_hash: str | None = TableField(default=None, max_length=64)
    code_sent_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    code_expires_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    failed_attempts: int = TableField(default=0)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class CodeSent(GatewayTable, table=True):
    """A code sent for a person, whatever the channel and address: the count of a day's
    codes is capped per person, so that no account sends texts to numbers by the hundred."""

    __tablename__ = "contact_codes_sent"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = TableField(max_length=36, index=True)
    sent_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


class ContactSet(StrictInput):
    # Read as the channel's own form (spaces and dashes of a number dropped, +86 too).
    address: str = Field(min_length=1, max_length=254)


class VerificationCode(StrictInput):
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class ContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    channel: ContactChannel
    address: str | None
    verified_at: datetime | None
    # While a code is out: the address it went to, and until when it may be entered.
    pending_address: str | None
    code_expires_at: datetime | None


# A topic names a kind of message as notify-svc's rules do (`ticket.escalation`,
# `ledger.exception`); an urgent rule (an emergency task) reaches them whatever they chose.
Topic = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,3}$")]


class MessagePreference(StrictInput):
    topic: Topic = Field(max_length=64)
    # Beside the console inbox, which every message reaches; empty: the inbox only.
    channels: list[ContactChannel] = Field(max_length=len(ContactChannel))


class MessagePreferences(StrictInput):
    topics: list[MessagePreference] = Field(max_length=100)
