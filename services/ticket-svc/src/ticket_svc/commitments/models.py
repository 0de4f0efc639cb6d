"""Service commitments (承诺服务): published standards with time limits, kept in versions.

A commitment's terms (name, category, department, time limits, calendar, and the procedure
of ledger-svc's register it carries out) are never overwritten: each edit adds a
`CommitmentVersion`, so a ticket opened under version n is judged by version n however the
commitment changes afterwards. The `Commitment` row keeps
a copy of its current version's terms (and its number) so lists filter without a join;
the service writes both in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy import Column, ForeignKey, String
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import SingleLineText
from ticket_svc.database import TicketTable

# Upper bounds keep the limits sane and inside a 32-bit INTEGER column.
MAX_RESPONSE_MINUTES = 60 * 24 * 365
MAX_RESOLVE_HOURS = 24 * 365

TERMS = (
    "name",
    "category",
    "department",
    "response_minutes",
    "resolve_hours",
    "calendar_id",
    "procedure_code",
)

# The procedure a commitment carries out is named by its code in ledger-svc's procedure
# register (ISO 9001:2015 7.5; e.g. "GJ-WX-001"): as long as the register's codes (50), and
# a code's shape — letters and digits, joined by "-", "_", ".", "/" or a space — so that a
# typo's stray punctuation is refused here. Only the shape: the register is ledger-svc's,
# and ticket-svc reads no other service's database; asking ledger-svc over HTTP at every
# edit would make commitments uneditable whenever it is down, and would prove little, since
# a document named today may be abolished tomorrow. ledger-svc judges the code when it acts
# on it (an automatic nonconformity names the document when its register has it).
MAX_PROCEDURE_CODE = 50
PROCEDURE_CODE_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9 ._/-]*[A-Za-z0-9])?$"
ProcedureCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_PROCEDURE_CODE, pattern=PROCEDURE_CODE_PATTERN),
]


class Commitment(TicketTable, table=True):
    __tablename__ = "commitments"

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    code: str = TableField(sa_column=Column(String(64), unique=True, nullable=False))
    # The terms of the current version (a copy; the versions are the record).
    name: str = TableField(max_length=200)
    category: str = TableField(max_length=64)
    department: str = TableField(max_length=100)
    response_minutes: int
    resolve_hours: int
    calendar_id: str | None = TableField(default=None, max_length=36)
    procedure_code: str | None = TableField(default=None, max_length=MAX_PROCEDURE_CODE)
    published: bool = TableField(default=False, index=True)
    version: int = TableField(default=1)


class CommitmentVersion(TicketTable, table=True):
    """One version of a commitment's terms: written once, never changed."""

    __tablename__ = "commitment_versions"

    commitment_id: str = TableField(
        sa_column=Column(String(36), ForeignKey("commitments.id"), primary_key=True)
    )
    version: int = TableField(primary_key=True)
    name: str = TableField(max_length=200)
    category: str = TableField(max_length=64)
    department: str = TableField(max_length=100)
    response_minutes: int
    resolve_hours: int
    calendar_id: str | None = TableField(default=None, max_length=36)
    procedure_code: str | None = TableField(default=None, max_length=MAX_PROCEDURE_CODE)
    created_at: datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    # None only for versions carried over from before versioning (migration 0003).
    created_by: str | None = TableField(default=None, max_length=64)


class CommitmentCreate(StrictInput):
    model_config = ConfigDict(strict=True)

    code: SingleLineText = Field(min_length=1, max_length=64)
    name: SingleLineText = Field(min_length=1, max_length=200)
    category: SingleLineText = Field(min_length=1, max_length=64)
    department: SingleLineText = Field(min_length=1, max_length=100)
    response_minutes: int = Field(gt=0, le=MAX_RESPONSE_MINUTES)
    resolve_hours: int = Field(gt=0, le=MAX_RESOLVE_HOURS)
    calendar_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    # The procedure of ledger-svc's register the commitment carries out, if any.
    procedure_code: ProcedureCode | None = None


class CommitmentUpdate(StrictInput):
    """New terms; fields left out keep their value. `code` and `published` are not terms."""

    model_config = ConfigDict(strict=True)

    name: SingleLineText | None = Field(default=None, min_length=1, max_length=200)
    category: SingleLineText | None = Field(default=None, min_length=1, max_length=64)
    department: SingleLineText | None = Field(default=None, min_length=1, max_length=100)
    response_minutes: int | None = Field(default=None, gt=0, le=MAX_RESPONSE_MINUTES)
    resolve_hours: int | None = Field(default=None, gt=0, le=MAX_RESOLVE_HOURS)
    # null clears the calendar: the commitment then counts the municipal default hours.
    calendar_id: SingleLineText | None = Field(default=None, min_length=1, max_length=36)
    # null: the commitment names no procedure any more.
    procedure_code: ProcedureCode | None = None

    @field_validator(
        "name", "category", "department", "response_minutes", "resolve_hours", mode="before"
    )
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value


class CommitmentRead(BaseModel):
    """The commitment as its current version states it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    category: str
    department: str
    response_minutes: int
    resolve_hours: int
    calendar_id: str | None
    procedure_code: str | None
    published: bool
    version: int


class CommitmentVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    commitment_id: str
    version: int
    name: str
    category: str
    department: str
    response_minutes: int
    resolve_hours: int
    calendar_id: str | None
    procedure_code: str | None
    created_at: datetime
    created_by: str | None
