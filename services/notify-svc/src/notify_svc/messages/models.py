"""A message to a person: one text, to one address, over one channel, once (its delivery key
names the person, the channel and what caused it, so a redelivered event or a second
replica makes no second one), with every attempt's outcome.

Every message a rule makes reaches the person's console inbox (channel `inbox`: kept, not
sent, read or unread); the rule's other channels carry a copy to a verified address."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import JSON, Column, Index, String
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from notify_svc.database import NotifyTable

# Where a code stands in a message's text: filled in when sent, masked in the log.
SECRET_PLACEHOLDER = "{secret}"
MASK = "******"


class ContactChannel(StrEnum):
    """The channels that carry a message to an address (a verified contact point)."""

    mobile = "mobile"  # SMS
    email = "email"
    wecom = "wecom"  # 企业微信 / 政务微信


class CopyChannel(StrEnum):
    """The channels a rule's copy of a message may go by, each to the address of a verified
    contact point."""

    mobile = ContactChannel.mobile.value  # SMS
    voice = "voice"  # a call that reads the text out, to the verified mobile
    email = ContactChannel.email.value
    wecom = ContactChannel.wecom.value

    @property
    def contact(self) -> ContactChannel:
        """The contact point whose address this channel goes to."""
        return ContactChannel.mobile if self is CopyChannel.voice else ContactChannel(self.value)


class Channel(StrEnum):
    inbox = "inbox"  # the console's, which every message from a rule reaches
    mobile = CopyChannel.mobile.value
    voice = CopyChannel.voice.value
    email = CopyChannel.email.value
    wecom = CopyChannel.wecom.value


class MessageStatus(StrEnum):
    pending = "pending"
    sent = "sent"  # the channel took it (an SMS provider, a mail server, the inbox)
    failed = "failed"  # for good: the next channel, if any, has a copy of its own
    held = "held"  # for the day's digest
    digested = "digested"  # went out in a digest (`digest_id`)


def delivery_key(event_id: str, rule_id: str, person_id: str, channel: str) -> str:
    """What makes a rule's message one of a kind: a second with the same key is not made."""
    return f"{event_id}:{rule_id}:{person_id}:{channel}"


class Message(NotifyTable, table=True):
    __tablename__ = "messages"
    # The inbox's two questions: a person's messages, newest first; how many are unread.
    __table_args__ = (
        Index("ix_messages_inbox", "recipient_id", "channel", "read_at", "created_at"),
        # The log, newest first; and the old ones to forget.
        Index("ix_messages_created_at", "created_at"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    delivery_key: str = TableField(sa_column=Column(String(200), unique=True, nullable=False))
    recipient_id: str | None = TableField(default=None, max_length=36, index=True)
    channel: str = TableField(max_length=16)
    address: str = TableField(max_length=254)
    topic: str = TableField(max_length=64)
    subject: str = TableField(max_length=200)
    text: str = TableField(max_length=2000)
    # A code the text carries, kept only until the message is settled.
    secret: str | None = TableField(default=None, max_length=64)
    status: str = TableField(default=MessageStatus.pending, max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    # Past this, it is not worth sending any more (a code that has expired).
    give_up_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    last_attempt_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    last_error: str | None = TableField(default=None, max_length=200)
    sent_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    event_id: str = TableField(max_length=64)
    # The rule that made it (none: a verification code), and where in the console its
    # subject is.
    rule_id: str | None = TableField(default=None, max_length=36)
    link: str | None = TableField(default=None, max_length=500)
    # The channels left to try, in order, should this one fail: [{channel, address}].
    fallbacks: list[dict] = TableField(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # A held message: the digest it went out in.
    digest_id: str | None = TableField(default=None, max_length=36)
    # An inbox message: when its person opened it.
    read_at: datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    recipient_id: str | None
    # As the recipients replica has the person now; None for one it has not heard of.
    recipient_name: str | None = None
    channel: Channel
    address: str
    topic: str
    subject: str
    text: str  # a code in it shows as ******
    link: str | None
    rule_id: str | None
    status: MessageStatus
    digest_id: str | None
    attempts: int
    last_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime

    @field_validator("text")
    @classmethod
    def _masked(cls, text: str) -> str:
        return text.replace(SECRET_PLACEHOLDER, MASK)


class InboxMessageRead(BaseModel):
    """A message in its person's console inbox."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    topic: str
    subject: str
    text: str
    link: str | None = Field(description="where in the console its subject is")
    read_at: datetime | None
    created_at: datetime


class InboxCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked: int = Field(description="how many were unread until now")
