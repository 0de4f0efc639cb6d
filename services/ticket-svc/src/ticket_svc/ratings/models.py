"""Public ratings (行风评议): anyone may rate a department that publishes service
commitments, and a ticket's requester may rate its service with the ticket's rating code;
the bureau publishes the summary and the approved comments.

A rating's score counts from the moment it is given; only its comment waits for an
`admin`'s moderation before the public sees it (see `service.py`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ticket_svc.database import TicketTable
from ticket_svc.tickets.models import RATING_CODE_MAX_LENGTH

MIN_SCORE = 1
MAX_SCORE = 5
MAX_COMMENT_LENGTH = 1000


class Moderation(StrEnum):
    """Where a rating's comment stands. A rating without a comment has none (null)."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "待审核", "approved": "已公开", "rejected": "不予公开"}[self.value]


class Rating(TicketTable, table=True):
    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint(f"score BETWEEN {MIN_SCORE} AND {MAX_SCORE}", name="ck_ratings_score"),
        # One rating per ticket; ratings without a ticket (NULL) may be many, as NULLs are
        # distinct in a unique index on both SQLite and PostgreSQL.
        Index("uq_ratings_ticket_id", "ticket_id", unique=True),
        # The summary and the public comments read a department over a period.
        Index("ix_ratings_department_created_at", "department", "created_at"),
        # The per-address limit counts one address's ratings over the last day.
        Index("ix_ratings_address_hash_created_at", "address_hash", "created_at"),
        # The moderation queue: pending comments, oldest first.
        Index("ix_ratings_moderation_created_at", "moderation", "created_at"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    department: str = TableField(max_length=100)
    score: int
    comment: str | None = TableField(default=None, max_length=MAX_COMMENT_LENGTH)
    ticket_id: str | None = TableField(
        default=None,
        sa_column=Column(
            String(36), ForeignKey("tickets.id", name="fk_ratings_ticket_id"), nullable=True
        ),
    )
    # A salted SHA-256 of the rater's address, never the address itself (see service.py).
    address_hash: str = TableField(max_length=64)
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    moderation: str | None = TableField(default=None, max_length=16)
    moderation_reason: str | None = TableField(default=None, max_length=1000)
    moderated_by: str | None = TableField(default=None, max_length=36)
    moderated_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))


# --- what callers send -------------------------------------------------------------------


class RatingCreate(StrictInput):
    """Either `department` (one that owns a published commitment), or `code` (a ticket's
    rating code: the ticket's department is rated). `ticket_id` and `department` may come
    with a code, and must then be the ticket's."""

    model_config = ConfigDict(strict=True)

    department: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    score: int = Field(ge=MIN_SCORE, le=MAX_SCORE)
    comment: MultiLineText | None = Field(default=None, max_length=MAX_COMMENT_LENGTH)
    ticket_id: SingleLineText | None = Field(
        default=None, min_length=1, max_length=36, description="only with the ticket's code"
    )
    code: SingleLineText | None = Field(
        default=None,
        min_length=1,
        max_length=RATING_CODE_MAX_LENGTH,
        description="the rating code the ticket's requester was given when it was resolved",
    )

    @field_validator("comment")
    @classmethod
    def _blank_is_no_comment(cls, value: str | None) -> str | None:
        # A public form sends "" for an empty comment box: that is no comment, and so
        # nothing to moderate.
        return value or None


class ModerationIn(StrictInput):
    model_config = ConfigDict(strict=True)

    reason: MultiLineText | None = Field(default=None, min_length=1, max_length=1000)


# --- what callers get --------------------------------------------------------------------


class RatingRecorded(BaseModel):
    """The answer to the public who rated: their rating, nothing about who moderates."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    department: str
    score: int
    comment: str | None
    ticket_id: str | None
    moderation: Moderation | None = Field(description="null when there is no comment")
    created_at: dt.datetime


class RatingRead(RatingRecorded):
    """A rating as the bureau's staff see it (never with the rater's address)."""

    moderation_reason: str | None
    moderated_by: str | None
    moderated_at: dt.datetime | None


class PublicComment(BaseModel):
    """An approved comment as the public sees it: nothing that could identify the rater."""

    model_config = ConfigDict(from_attributes=True)

    department: str
    score: int
    comment: str
    created_at: dt.datetime


class DepartmentScore(BaseModel):
    department: str
    count: int
    mean: float
    smoothed_mean: float = Field(
        description="(prior_weight × overall mean + sum of scores) / (prior_weight + count)"
    )


class OverallScore(BaseModel):
    count: int
    mean: float | None = Field(description="null when the period has no ratings")


class RatingInvitation(BaseModel):
    """What the holder of a rating code sees before rating: the service, never the people
    (no requester, no description, no staff)."""

    title: str
    department: str
    resolved_on: dt.date | None = Field(description="the bureau day the ticket was resolved")
    rated: bool = Field(description="the ticket has been rated already")
    can_rate: bool = Field(description="a rating with this code would be taken now")


class RatingSummary(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date | None = Field(alias="from")
    to: dt.date | None
    min_count: int
    prior_weight: int
    overall: OverallScore
    departments: list[DepartmentScore]
