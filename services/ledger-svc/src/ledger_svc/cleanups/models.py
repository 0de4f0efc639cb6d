"""The clean-up campaign (制度清理) of the procedure register.

A clean-up (`Cleanup`) names its scope — owning departments, document kinds, or both; left
empty, a list means "all" — and, when opened, lists every document of the register in scope
that is not abolished (`CleanupLine`). The list is a snapshot taken at the opening, in the
opening's transaction: a document entered in the register afterwards, or moved to another
department, does not join it, and a document abolished meanwhile stays on it (its line
then says so). Each line copies the document's code, title, kind, department and owner as
they were at the opening; the register's own answers give them as they are now.

Each line gets exactly one decision (`CleanupDecision`): confirm (确认), abolish (废止),
revise (修订) or supplement (补充), with a rationale, an owner and a deadline. A decision is
never edited nor taken back: it is the campaign's record. One row per line, held by a
unique constraint (`uq_procedure_cleanup_decisions_line`), so two decisions made at once
cannot both be kept.

    open → closed (once every line is decided)
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ledger_svc.database import LedgerTable
from ledger_svc.quality.models import (
    FIRST_DAY,
    LAST_DAY,
    Department,
    DocumentKind,
    DocumentStatus,
    PersonId,
    Reason,
)

# A scope names a handful of departments or kinds; the bureau has a few dozen departments.
MAX_SCOPE_DEPARTMENTS = 100


class CleanupStatus(StrEnum):
    open = "open"
    closed = "closed"

    @property
    def label(self) -> str:
        return {"open": "进行中", "closed": "已结束"}[self.value]


class CleanupDecisionKind(StrEnum):
    confirm = "confirm"  # mature and effective: kept as it is
    abolish = "abolish"  # outdated: the document is abolished in the register
    revise = "revise"  # needs rewriting: a new draft revision
    supplement = "supplement"  # needs additions: a new draft revision

    @property
    def label(self) -> str:
        return {
            "confirm": "确认",
            "abolish": "废止",
            "revise": "修订",
            "supplement": "补充",
        }[self.value]


# The decisions that open (or carry on with) a draft revision of the document.
DRAFTING = (CleanupDecisionKind.revise, CleanupDecisionKind.supplement)


class Cleanup(LedgerTable, table=True):
    __tablename__ = "procedure_cleanups"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="ck_procedure_cleanups_status"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    name: str = TableField(max_length=200)
    # The scope: owning departments and document kinds, each empty for "all".
    departments: list[str] = TableField(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    kinds: list[str] = TableField(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = TableField(default=CleanupStatus.open.value, max_length=16)
    document_count: int
    opened_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    opened_by: str = TableField(max_length=64)
    closed_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    closed_by: str | None = TableField(default=None, max_length=64)
    close_note: str | None = TableField(default=None, max_length=2000)
    # Counts the campaign's own moves (closing): its ETag.
    version: int = TableField(default=1)


class CleanupLine(LedgerTable, table=True):
    """A document in the campaign, as the register had it at the opening."""

    __tablename__ = "procedure_cleanup_lines"
    __table_args__ = (
        UniqueConstraint("cleanup_id", "document_id", name="uq_procedure_cleanup_lines_document"),
        Index("ix_procedure_cleanup_lines_cleanup_department", "cleanup_id", "department"),
        Index("ix_procedure_cleanup_lines_document_id", "document_id"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    cleanup_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_cleanups.id", name="fk_procedure_cleanup_lines_cleanup_id"),
            nullable=False,
        )
    )
    document_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_documents.id", name="fk_procedure_cleanup_lines_document_id"),
            nullable=False,
        )
    )
    code: str = TableField(max_length=50)
    title: str = TableField(max_length=200)
    kind: str = TableField(max_length=16)
    department: str = TableField(max_length=100)
    owner_id: str = TableField(max_length=64)
    # The document's status and revision in force at the opening (draft: never in force).
    document_status: str = TableField(max_length=16)
    effective_revision: int | None = None


class CleanupDecision(LedgerTable, table=True):
    """The one decision on a line. `revision_number`: for revise and supplement, the draft
    the decision opened, or the revision already on its way that it carries on with
    (`revision_reused`)."""

    __tablename__ = "procedure_cleanup_decisions"
    __table_args__ = (
        # Decide exactly once: the guarantee behind the rule, whatever runs at once.
        UniqueConstraint("line_id", name="uq_procedure_cleanup_decisions_line"),
        CheckConstraint(
            "decision IN ('confirm', 'abolish', 'revise', 'supplement')",
            name="ck_procedure_cleanup_decisions_decision",
        ),
        Index("ix_procedure_cleanup_decisions_cleanup_id", "cleanup_id"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    cleanup_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_cleanups.id", name="fk_procedure_cleanup_decisions_cleanup_id"),
            nullable=False,
        )
    )
    line_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_cleanup_lines.id", name="fk_procedure_cleanup_decisions_line_id"),
            nullable=False,
        )
    )
    decision: str = TableField(max_length=16)
    rationale: str = TableField(max_length=2000)
    owner_id: str = TableField(max_length=64)
    deadline: dt.date = TableField(sa_column=Column(Date, nullable=False))
    revision_number: int | None = None
    revision_reused: bool = False
    decided_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    decided_by: str = TableField(max_length=64)


# --- what callers send ---------------------------------------------------------------------

Name = Annotated[SingleLineText, Field(min_length=1, max_length=200)]
Note = Annotated[MultiLineText, Field(min_length=1, max_length=2000)]


class CleanupOpen(StrictInput):
    """A campaign and its scope: the owning departments, the document kinds (each left
    empty for all of them)."""

    name: Name
    departments: list[Department] = Field(default_factory=list, max_length=MAX_SCOPE_DEPARTMENTS)
    kinds: list[DocumentKind] = Field(default_factory=list, max_length=len(DocumentKind))

    @field_validator("departments", "kinds")
    @classmethod
    def _once_each(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError("each named once")
        return values


class DecisionIn(StrictInput):
    decision: CleanupDecisionKind
    rationale: Reason
    owner_id: PersonId
    deadline: IsoDate

    @field_validator("deadline")
    @classmethod
    def _sane(cls, value: dt.date) -> dt.date:
        if not FIRST_DAY <= value <= LAST_DAY:
            raise ValueError(f"a day between {FIRST_DAY} and {LAST_DAY}")
        return value


class CleanupClose(StrictInput):
    note: Note | None = None


# --- what callers get ----------------------------------------------------------------------


class CleanupRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    departments: list[str]
    kinds: list[DocumentKind]
    status: CleanupStatus
    document_count: int
    opened_at: dt.datetime
    opened_by: str
    closed_at: dt.datetime | None
    closed_by: str | None
    close_note: str | None
    version: int


class DecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    decision: CleanupDecisionKind
    rationale: str
    owner_id: str
    deadline: dt.date
    revision_number: int | None
    revision_reused: bool
    decided_at: dt.datetime
    decided_by: str


class LineRead(BaseModel):
    """A line as at the opening, the document's status now, and its decision (null until
    decided)."""

    id: str
    cleanup_id: str
    document_id: str
    code: str
    title: str
    kind: DocumentKind
    department: str
    owner_id: str
    status_at_opening: DocumentStatus
    effective_revision: int | None
    document_status: DocumentStatus
    decision: DecisionRead | None


class DepartmentProgress(BaseModel):
    department: str
    in_scope: int
    decided: int
    # Decided lines by decision: confirm, abolish, revise, supplement (each present).
    by_decision: dict[CleanupDecisionKind, int]


class CleanupProgress(BaseModel):
    """Decided against in scope, for the campaign and each department (by name)."""

    cleanup_id: str
    status: CleanupStatus
    in_scope: int
    decided: int
    by_decision: dict[CleanupDecisionKind, int]
    departments: list[DepartmentProgress]
