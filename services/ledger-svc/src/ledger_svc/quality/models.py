"""The procedure register (ISO 9001:2015, 7.5 documented information).

A document (`ProcedureDocument`) is the register's line: its code, kind, owning department
and owner, and — copied from the revision in force — its title, process, legal basis,
effective date and next review date. Its text lives in its revisions
(`ProcedureRevision`), numbered 1, 2, 3…, each going

    draft → in_review → approved → effective → superseded
                ↓ (rejected: back to draft, with the reason)

and, when the document is abolished as a whole, its revision in force and any still on
their way become `abolished`. A revision that is approved no longer changes: its text,
its reason for the change, who approved it and when are the record (the rules refuse any
edit outside `draft`). One revision at a time is on its way (draft, in review or approved
and waiting for its effective date): a partial unique index holds it.

Approval is by the approvers named when the revision is submitted, in their order
(`sequence`) or all of them in any order (`all`); each submission is a round, so a
rejected and resubmitted revision keeps the decisions of every round.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field as TableField

from guanjia_shared.bureau_time import IsoDate, bureau_today
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText
from ledger_svc.database import LedgerTable

# A regulation of a few hundred articles runs to some 100 000 characters; twice that is the
# cap (a revision's text is kept whole and diffed line by line). A body past MAX_BODY_BYTES
# (1 MiB) is refused before it is read.
MAX_TEXT_CHARS = 200_000
MAX_APPROVERS = 10
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
# A review is due at least every ten years (the bureau's rule is yearly or every few years).
MAX_REVIEW_YEARS = 10

ON_ITS_WAY = ("draft", "in_review", "approved")
_ON_ITS_WAY_SQL = "status IN ('draft', 'in_review', 'approved')"


class DocumentKind(StrEnum):
    regulation = "regulation"
    procedure = "procedure"
    form = "form"
    external = "external"  # a law, a GB/T standard: kept under control, written elsewhere

    @property
    def label(self) -> str:
        return {
            "regulation": "规章制度",
            "procedure": "办事流程",
            "form": "表单",
            "external": "外来文件",
        }[self.value]


class DocumentStatus(StrEnum):
    draft = "draft"  # no revision has been in force yet
    effective = "effective"
    abolished = "abolished"


class RevisionStatus(StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"  # waiting for its effective date
    effective = "effective"
    superseded = "superseded"
    abolished = "abolished"


class ApprovalMode(StrEnum):
    sequence = "sequence"  # each approver after the one before
    all = "all"  # every approver, in any order


class Decision(StrEnum):
    approved = "approved"
    rejected = "rejected"


# The fields a revision carries besides its text, which a diff compares one by one.
REVISION_FIELDS = (
    "title",
    "process",
    "legal_basis",
    "change_reason",
    "effective_on",
    "next_review_on",
)


class ProcedureDocument(LedgerTable, table=True):
    __tablename__ = "procedure_documents"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('regulation', 'procedure', 'form', 'external')",
            name="ck_procedure_documents_kind",
        ),
        CheckConstraint(
            "status IN ('draft', 'effective', 'abolished')", name="ck_procedure_documents_status"
        ),
        Index("ix_procedure_documents_status_next_review_on", "status", "next_review_on"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    code: str = TableField(max_length=50, unique=True)
    kind: str = TableField(max_length=16)
    department: str = TableField(max_length=100, index=True)
    owner_id: str = TableField(max_length=64)
    # Shown to the served units' staff once in force (a procedure they follow, a form they
    # fill in); otherwise the bureau's own.
    published_to_units: bool = False
    status: str = TableField(default=DocumentStatus.draft.value, max_length=16)
    # Those of the revision in force (of the first draft until one is).
    title: str = TableField(max_length=200)
    process: str | None = TableField(default=None, max_length=100)
    legal_basis: str | None = TableField(default=None, max_length=1000)
    effective_revision: int | None = None
    effective_on: dt.date | None = TableField(default=None, sa_column=Column(Date))
    next_review_on: dt.date | None = TableField(default=None, sa_column=Column(Date))
    abolished_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    abolished_by: str | None = TableField(default=None, max_length=64)
    abolish_reason: str | None = TableField(default=None, max_length=2000)
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    created_by: str = TableField(max_length=64)
    # Counts the register's own edits (PATCH, abolish, a revision put in force): its ETag.
    version: int = TableField(default=1)

    @property
    def review_overdue(self) -> bool:
        return review_overdue_on(self, bureau_today())


def review_overdue_on(document: ProcedureDocument, today: dt.date) -> bool:
    """In force, and its review date has passed without a new one being set."""
    return (
        document.status == DocumentStatus.effective
        and document.next_review_on is not None
        and document.next_review_on < today
    )


class ProcedureRevision(LedgerTable, table=True):
    __tablename__ = "procedure_revisions"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_procedure_revisions_number"),
        # One revision on its way per document.
        Index(
            "uq_procedure_revisions_one_on_its_way",
            "document_id",
            unique=True,
            sqlite_where=text(_ON_ITS_WAY_SQL),
            postgresql_where=text(_ON_ITS_WAY_SQL),
        ),
        Index("ix_procedure_revisions_status_effective_on", "status", "effective_on"),
        CheckConstraint(
            "status IN ('draft', 'in_review', 'approved', 'effective', 'superseded', 'abolished')",
            name="ck_procedure_revisions_status",
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    document_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_documents.id", name="fk_procedure_revisions_document_id"),
            nullable=False,
        )
    )
    number: int
    status: str = TableField(default=RevisionStatus.draft.value, max_length=16)
    title: str = TableField(max_length=200)
    process: str | None = TableField(default=None, max_length=100)
    legal_basis: str | None = TableField(default=None, max_length=1000)
    text: str = TableField(sa_column=Column(Text, nullable=False))
    change_reason: str | None = TableField(default=None, max_length=2000)
    effective_on: dt.date | None = TableField(default=None, sa_column=Column(Date))
    next_review_on: dt.date | None = TableField(default=None, sa_column=Column(Date))
    author_id: str = TableField(max_length=64)
    created_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    updated_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    approval_mode: str | None = TableField(default=None, max_length=16)
    # The submission the current approvals belong to (0 before the first).
    round: int = 0
    submitted_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    submitted_by: str | None = TableField(default=None, max_length=64)
    rejected_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    rejected_by: str | None = TableField(default=None, max_length=64)
    rejection_reason: str | None = TableField(default=None, max_length=2000)
    approved_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    effective_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    superseded_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    abolished_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    # Counts the draft's edits and every move: its ETag.
    version: int = TableField(default=1)


class ProcedureApproval(LedgerTable, table=True):
    """One named approver of one round of a revision, and their decision once made."""

    __tablename__ = "procedure_approvals"
    __table_args__ = (
        UniqueConstraint(
            "revision_id", "round", "position", name="uq_procedure_approvals_position"
        ),
        UniqueConstraint(
            "revision_id", "round", "approver_id", name="uq_procedure_approvals_approver"
        ),
        CheckConstraint(
            "decision IS NULL OR decision IN ('approved', 'rejected')",
            name="ck_procedure_approvals_decision",
        ),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    revision_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_revisions.id", name="fk_procedure_approvals_revision_id"),
            nullable=False,
        )
    )
    round: int
    position: int
    approver_id: str = TableField(max_length=64)
    decision: str | None = TableField(default=None, max_length=16)
    decided_at: dt.datetime | None = TableField(default=None, sa_column=Column(UtcDateTime))
    note: str | None = TableField(default=None, max_length=2000)


class ReviewReminder(LedgerTable, table=True):
    """The owner was reminded of the review of a document due on `review_on`: at most once
    per document and review date (the primary key), however often the job ticks."""

    __tablename__ = "procedure_review_reminders"

    document_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_documents.id", name="fk_procedure_review_reminders_document_id"),
            primary_key=True,
        )
    )
    review_on: dt.date = TableField(sa_column=Column(Date, primary_key=True))
    reminded_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


# --- what callers send ---------------------------------------------------------------------

Code = Annotated[SingleLineText, Field(min_length=1, max_length=50)]
Title = Annotated[SingleLineText, Field(min_length=1, max_length=200)]
Department = Annotated[SingleLineText, Field(min_length=1, max_length=100)]
PersonId = Annotated[SingleLineText, Field(min_length=1, max_length=64)]
Process = Annotated[SingleLineText, Field(min_length=1, max_length=100)]
LegalBasis = Annotated[MultiLineText, Field(min_length=1, max_length=1000)]
DocumentText = Annotated[MultiLineText, Field(max_length=MAX_TEXT_CHARS)]
Reason = Annotated[MultiLineText, Field(min_length=1, max_length=2000)]


def _sane_day(value: dt.date | None) -> dt.date | None:
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"a day between {FIRST_DAY} and {LAST_DAY}")
    return value


def check_review_after_effect(effective_on: dt.date | None, next_review_on: dt.date | None) -> None:
    """The next review comes after the revision takes effect, within MAX_REVIEW_YEARS."""
    if effective_on is None or next_review_on is None:
        return
    if next_review_on <= effective_on:
        raise ValueError(f"the next review ({next_review_on}) comes after {effective_on}")
    if (next_review_on - effective_on).days > MAX_REVIEW_YEARS * 366:
        raise ValueError(f"a document is reviewed at least every {MAX_REVIEW_YEARS} years")


class _Content(StrictInput):
    """What a revision says. Fields left out of an edit keep their value."""

    @field_validator("effective_on", check_fields=False)
    @classmethod
    def _sane(cls, value: dt.date | None) -> dt.date | None:
        return _sane_day(value)

    @field_validator("next_review_on", check_fields=False)
    @classmethod
    def _review_after_effect(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # effective_on is declared first, so it is checked (and here) already.
        check_review_after_effect(info.data.get("effective_on"), _sane_day(value))
        return value


class DocumentCreate(_Content):
    """A document entered in the register, with its first revision as a draft."""

    code: Code
    kind: DocumentKind
    department: Department
    owner_id: PersonId
    published_to_units: bool = False
    title: Title
    process: Process | None = None
    legal_basis: LegalBasis | None = None
    text: DocumentText = ""
    change_reason: Reason | None = None
    effective_on: IsoDate | None = None
    next_review_on: IsoDate | None = None


class DocumentUpdate(StrictInput):
    """The register's own fields; what a document says changes only by a new revision."""

    owner_id: PersonId | None = None
    published_to_units: bool | None = None
    next_review_on: IsoDate | None = None

    @field_validator("owner_id", "published_to_units", "next_review_on", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value

    @field_validator("next_review_on")
    @classmethod
    def _sane(cls, value: dt.date | None) -> dt.date | None:
        return _sane_day(value)


class RevisionStart(_Content):
    """A new draft, starting from the revision in force; what is sent replaces its value."""

    title: Title | None = None
    process: Process | None = None
    legal_basis: LegalBasis | None = None
    text: DocumentText | None = None
    change_reason: Reason | None = None
    effective_on: IsoDate | None = None
    next_review_on: IsoDate | None = None


class RevisionEdit(RevisionStart):
    """A draft edited: fields left out keep their value, `null` clears an optional one."""

    @field_validator("title", "text", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value


class Submission(StrictInput):
    approvers: list[PersonId] = Field(min_length=1, max_length=MAX_APPROVERS)
    approval_mode: ApprovalMode = ApprovalMode.sequence


class ApprovalNote(StrictInput):
    note: Reason | None = None


class Rejection(StrictInput):
    reason: Reason


class Abolition(StrictInput):
    reason: Reason


# --- what callers get ----------------------------------------------------------------------


class ApprovalRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    round: int
    position: int
    approver_id: str
    decision: Decision | None
    decided_at: dt.datetime | None
    note: str | None


class RevisionHeading(BaseModel):
    """A revision without its text, as lists show it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    document_id: str
    number: int
    status: RevisionStatus
    title: str
    process: str | None
    legal_basis: str | None
    change_reason: str | None
    effective_on: dt.date | None
    next_review_on: dt.date | None
    author_id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    approval_mode: ApprovalMode | None
    round: int
    submitted_at: dt.datetime | None
    submitted_by: str | None
    rejected_at: dt.datetime | None
    rejected_by: str | None
    rejection_reason: str | None
    approved_at: dt.datetime | None
    effective_at: dt.datetime | None
    superseded_at: dt.datetime | None
    abolished_at: dt.datetime | None
    version: int


class RevisionRead(RevisionHeading):
    """A revision whole: its text, and the approvers of its current round (whose turn it
    is: `awaiting`)."""

    text: str
    approvals: list[ApprovalRead]
    awaiting: list[str]


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    kind: DocumentKind
    department: str
    owner_id: str
    published_to_units: bool
    status: DocumentStatus
    title: str
    process: str | None
    legal_basis: str | None
    effective_revision: int | None
    effective_on: dt.date | None
    next_review_on: dt.date | None
    review_overdue: bool
    abolished_at: dt.datetime | None
    abolished_by: str | None
    abolish_reason: str | None
    created_at: dt.datetime
    created_by: str
    version: int


class DocumentDetail(DocumentRead):
    """The document with the revision in force, text and all (null before one is)."""

    effective: RevisionRead | None


class FieldChange(BaseModel):
    field: str
    before: str | None
    after: str | None


class RevisionDiff(BaseModel):
    """What changed from revision `from_number` to `to_number`: the named fields that
    differ, and the text as a unified diff (difflib), one line per element."""

    document_id: str
    from_number: int
    to_number: int
    fields: list[FieldChange]
    text: list[str]


class QualityOffice(BaseModel):
    """The department the bureau names its quality office (`QUALITY_OFFICE`), or null when
    it names none: its people keep the register as the admins do (policy.is_keeper)."""

    department: str | None
