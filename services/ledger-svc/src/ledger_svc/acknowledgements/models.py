"""Read-and-acknowledge (阅知确认; ISO 9001:2015 7.3 awareness, 7.5.3 distribution).

A document in force is distributed (`ProcedureDistribution`) to the roles and departments
it concerns: its audience, one row per role or department, added to and never taken from
(a unique constraint per document, kind and value). The audience belongs to the document,
not to one revision: each revision in force is a round of its own, so a revision that
supersedes the one before asks everyone concerned again, and the acknowledgements of the
one before stay as its record.

Each person concerned acknowledges reading the revision in force
(`ProcedureAcknowledgement`), once: a unique constraint on the revision and the person.

Who is concerned: ledger-svc holds no register of the bureau's people (the gateway does,
and tells only notify-svc of them), so it counts the people it knows, `ProcedureReader`:
everyone of the bureau who has opened their documents to read or acknowledged one (the
console asks for the list on signing in), with the roles and department of their latest
token. A person concerned is a known person whose department, or one of whose roles, is in
the audience. Someone who has never signed in to the console since is not counted, neither
as concerned nor as not yet: the answers say how many people are known in each department
so a reader sees the basis of the figures.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, UniqueConstraint
from sqlmodel import Field as TableField

from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from ledger_svc.database import LedgerTable
from ledger_svc.quality.models import Department, DocumentKind

# The bureau has a few dozen departments and six roles of its own.
MAX_AUDIENCE = 100


class AudienceKind(StrEnum):
    role = "role"
    department = "department"

    @property
    def label(self) -> str:
        return {"role": "角色", "department": "处室"}[self.value]


class ConcernedRole(StrEnum):
    """The bureau's own roles (a served unit's staff read what is published to them, and
    acknowledge nothing)."""

    admin = "admin"
    leader = "leader"
    dept_head = "dept_head"
    agent = "agent"
    auditor = "auditor"
    commander = "commander"


class ProcedureDistribution(LedgerTable, table=True):
    """One role or department a document is distributed to, since when and by whom."""

    __tablename__ = "procedure_distributions"
    __table_args__ = (
        UniqueConstraint("document_id", "kind", "value", name="uq_procedure_distributions_target"),
        CheckConstraint("kind IN ('role', 'department')", name="ck_procedure_distributions_kind"),
        Index("ix_procedure_distributions_kind_value", "kind", "value"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    document_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_documents.id", name="fk_procedure_distributions_document_id"),
            nullable=False,
        )
    )
    kind: str = TableField(max_length=16)
    value: str = TableField(max_length=100)
    # The revision in force when it was added.
    revision_number: int
    distributed_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )
    distributed_by: str = TableField(max_length=64)


class ProcedureReader(LedgerTable, table=True):
    """A person of the bureau ledger-svc knows, as their latest token said."""

    __tablename__ = "procedure_readers"
    __table_args__ = (Index("ix_procedure_readers_department", "department"),)

    id: str = TableField(primary_key=True, max_length=64)  # the gateway's user id
    name: str = TableField(max_length=200)
    department: str | None = TableField(default=None, max_length=100)
    roles: list[str] = TableField(default_factory=list, sa_column=Column(JSON, nullable=False))
    first_seen_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))
    last_seen_at: dt.datetime = TableField(sa_column=Column(UtcDateTime, nullable=False))


class ProcedureAcknowledgement(LedgerTable, table=True):
    """A person read a revision in force: once (the unique constraint)."""

    __tablename__ = "procedure_acknowledgements"
    __table_args__ = (
        UniqueConstraint("revision_id", "person_id", name="uq_procedure_acknowledgements_person"),
        Index("ix_procedure_acknowledgements_document_id", "document_id"),
    )

    id: str = TableField(default_factory=new_id, primary_key=True, max_length=36)
    document_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_documents.id", name="fk_procedure_acknowledgements_document_id"),
            nullable=False,
        )
    )
    revision_id: str = TableField(
        sa_column=Column(
            String(36),
            ForeignKey("procedure_revisions.id", name="fk_procedure_acknowledgements_revision_id"),
            nullable=False,
        )
    )
    revision_number: int
    person_id: str = TableField(max_length=64)
    person_name: str = TableField(max_length=200)
    # The person's department when they acknowledged.
    department: str | None = TableField(default=None, max_length=100)
    acknowledged_at: dt.datetime = TableField(
        default_factory=now, sa_column=Column(UtcDateTime, nullable=False)
    )


# --- what callers send ---------------------------------------------------------------------


class DistributionIn(StrictInput):
    """Roles and departments to add to the audience (those already in it are kept)."""

    roles: list[ConcernedRole] = Field(default_factory=list, max_length=len(ConcernedRole))
    departments: list[Department] = Field(default_factory=list, max_length=MAX_AUDIENCE)

    @field_validator("roles", "departments")
    @classmethod
    def _once_each(cls, values: list) -> list:
        if len(set(values)) != len(values):
            raise ValueError("each named once")
        return values

    @model_validator(mode="after")
    def _someone(self) -> DistributionIn:
        if not self.roles and not self.departments:
            raise ValueError("name at least one role or department")
        return self


class AcknowledgementIn(StrictInput):
    """The revision read: the one in force (what the reader was shown)."""

    revision: Annotated[int, Field(ge=1, le=100_000)]


# --- what callers get ----------------------------------------------------------------------


class AudienceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: AudienceKind
    value: str
    revision_number: int
    distributed_at: dt.datetime
    distributed_by: str


class DistributionRead(BaseModel):
    """A document's audience, and what this call added to it (empty when nothing)."""

    document_id: str
    code: str
    effective_revision: int | None
    audience: list[AudienceRead]
    added: list[AudienceRead]


class AcknowledgementRead(BaseModel):
    """An acknowledgement; `already_acknowledged`: this call found the first one and
    answers it unchanged."""

    model_config = ConfigDict(from_attributes=True)

    document_id: str
    revision_number: int
    person_id: str
    person_name: str
    department: str | None
    acknowledged_at: dt.datetime
    already_acknowledged: bool = False


class ToRead(BaseModel):
    """A document in force distributed to the caller, and whether they acknowledged its
    revision in force."""

    document_id: str
    code: str
    title: str
    kind: DocumentKind
    department: str
    revision_number: int
    effective_on: dt.date | None
    distributed_at: dt.datetime
    acknowledged_at: dt.datetime | None


class PersonRead(BaseModel):
    id: str
    name: str


class DepartmentReading(BaseModel):
    """One department's people concerned with the revision in force. `people_not_yet`:
    who has not acknowledged it, for those who may see names (null for the others)."""

    department: str | None
    known: int
    concerned: int
    acknowledged: int
    not_yet: int
    people_not_yet: list[PersonRead] | None


class ReadingStatus(BaseModel):
    """Who has read the revision in force, per department (by name; null last)."""

    document_id: str
    code: str
    revision_number: int | None
    concerned: int
    acknowledged: int
    not_yet: int
    departments: list[DepartmentReading]
