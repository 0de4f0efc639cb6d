"""Emergency plans: the master linkage plan (应急联动预案) and special plans (专项预案).

A plan's content is a `PlanDocument` (document.py), kept in versions that are written once
and never changed: an incident runs under version n of a plan and can always read version
n back, however the plan is edited afterwards. The `EmergencyPlan` row holds what lists and
matching need (its code, status, current version number and a copy of that version's
title, kind and incident types); the service writes it and its version in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import Field as ApiField
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, String, false, text
from sqlmodel import Field

from emergency_svc.database import EmergencyTable
from emergency_svc.plans.document import (
    ActivationCriterionIn,
    IncidentTypeCode,
    PlanDocument,
    PlanKind,
    ProcedureStepIn,
    ResponsibilityIn,
    RoleIn,
    SafeguardsIn,
)
from guanjia_shared.clock import now
from guanjia_shared.db import UtcDateTime
from guanjia_shared.ids import new_id
from guanjia_shared.inputs import StrictInput
from guanjia_shared.text import MultiLineText, SingleLineText

__all__ = ["PlanKind", "PlanStatus"]  # PlanKind is document.py's; re-exported for callers

# A plan's code: `MASTER`, `SP-FIRE`. Letters, digits, `-`, `_` and `.`.
PLAN_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class PlanStatus(StrEnum):
    draft = "draft"  # 草案: being written, never run
    active = "active"  # 生效: incidents are matched to it
    retired = "retired"  # 废止: kept as a record of what incidents ran under


class EmergencyPlan(EmergencyTable, table=True):
    __tablename__ = "plans"
    __table_args__ = (
        # One master plan in force at a time (the rule is in service.py; this stops a race).
        Index(
            "ux_plans_one_active_master",
            "kind",
            unique=True,
            sqlite_where=text("status = 'active' AND kind = 'master'"),
            postgresql_where=text("status = 'active' AND kind = 'master'"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    code: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    # A copy of the current version's heading, so lists need no join into the versions.
    title: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    incident_types: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    status: str = Field(default=PlanStatus.draft.value, max_length=16)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))
    # None for the plans the migration seeded.
    created_by: str | None = Field(default=None, max_length=64)


class PlanVersion(EmergencyTable, table=True):
    """One version of a plan's document: written once, never changed."""

    __tablename__ = "plan_versions"

    plan_id: str = Field(sa_column=Column(String(36), ForeignKey("plans.id"), primary_key=True))
    version: int = Field(primary_key=True)
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=now, sa_column=Column(UtcDateTime, nullable=False))
    created_by: str | None = Field(default=None, max_length=64)


class PlanIncidentType(EmergencyTable, table=True):
    """The incident types a plan's current version names: one row each, for filtering
    lists by type and for matching an incident to its plan."""

    __tablename__ = "plan_incident_types"
    __table_args__ = (
        Index("ix_plan_incident_types_incident_type", "incident_type"),
        # At most one active special plan per incident type: the rule is in service.py
        # (with a message naming the plan in the way); this index stops a race past it.
        Index(
            "ux_plan_incident_types_in_force",
            "incident_type",
            unique=True,
            sqlite_where=text("in_force"),
            postgresql_where=text("in_force"),
        ),
    )

    plan_id: str = Field(sa_column=Column(String(36), ForeignKey("plans.id"), primary_key=True))
    incident_type: str = Field(
        sa_column=Column(String(64), ForeignKey("incident_types.code"), primary_key=True)
    )
    # True while the plan is the active special plan incidents of this type are matched to.
    in_force: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


@dataclass(frozen=True)
class MatchedPlan:
    """The plan version an incident runs under (incidents keep plan_id and version)."""

    plan_id: str
    code: str
    version: int
    document: PlanDocument


class PlanCreate(PlanDocument):
    """A new plan: its code and the document of version 1."""

    code: str = ApiField(min_length=1, max_length=64, pattern=PLAN_CODE_PATTERN)
    # The document's own fields are as lenient as the versions already stored (they are
    # read back through it); what is typed in is held to the rules of text here.
    title: SingleLineText = ApiField(min_length=1, max_length=200)
    scope: MultiLineText = ApiField(default="", max_length=5000)
    principles: list[MultiLineText] = ApiField(default_factory=list)


class PlanEdit(StrictInput):
    """Parts of the document to replace. Each part given replaces that part whole (the
    whole organisation, the whole list of procedures); parts left out are kept."""

    title: SingleLineText | None = ApiField(default=None, min_length=1, max_length=200)
    kind: PlanKind | None = None
    incident_types: list[IncidentTypeCode] | None = None
    scope: MultiLineText | None = ApiField(default=None, max_length=5000)
    principles: list[MultiLineText] | None = None
    organization: list[RoleIn] | None = None
    responsibilities: list[ResponsibilityIn] | None = None
    activation_criteria: list[ActivationCriterionIn] | None = None
    procedures: list[ProcedureStepIn] | None = None
    safeguards: SafeguardsIn | None = None
    drill_interval_months: int | None = ApiField(default=None, strict=True, ge=1, le=120)

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not set to null")
        return value


class PlanSummary(BaseModel):
    """A plan in a list: its heading, not its document."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    title: str
    kind: PlanKind
    incident_types: list[str]
    status: PlanStatus
    version: int
    created_at: datetime
    created_by: str | None


class PlanRead(PlanDocument):
    """A plan as its current version states it, with its status and version number."""

    id: str
    code: str
    status: PlanStatus
    version: int
    created_at: datetime
    created_by: str | None
    # When and by whom the current version was written.
    updated_at: datetime
    updated_by: str | None


class PlanVersionSummary(BaseModel):
    plan_id: str
    version: int
    title: str
    created_at: datetime
    created_by: str | None


class PlanVersionRead(PlanDocument):
    """One version's whole document, as it was written."""

    plan_id: str
    version: int
    created_at: datetime
    created_by: str | None
