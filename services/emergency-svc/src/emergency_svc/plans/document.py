"""An emergency plan as a structured document (预案): what each version holds.

The plan's parts follow the bureau's own plans: working principles, the leadership
organisation (roles, their holders and a deputy for each), the division of
responsibility, activation criteria per level, the handling procedures per level (step,
role, action, minutes allowed), the safeguards (supplies and teams it requires) and how
often it must be drilled. A version is written once; activation copies its procedures into
an incident's tasks.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated

from pydantic import (
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from guanjia_shared.inputs import StrictInput


class Level(StrEnum):
    """The event grade (事件分级); I is the gravest."""

    I = "I"  # noqa: E741 - the grade's own name: 特别重大 (red)
    II = "II"  # 重大 (orange)
    III = "III"  # 较大 (yellow)
    IV = "IV"  # 一般 (blue)


# From the least grave to the gravest: raising a level walks this list.
LEVELS_BY_GRAVITY = (Level.IV, Level.III, Level.II, Level.I)


class WarningColour(StrEnum):
    """The warning before an event (预警), a scale apart from the grade."""

    blue = "blue"
    yellow = "yellow"
    orange = "orange"
    red = "red"


class Mode(StrEnum):
    """assist: supporting the city's headquarters; lead: the bureau's own compounds."""

    assist = "assist"
    lead = "lead"


class PlanKind(StrEnum):
    master = "master"
    special = "special"


IncidentTypeCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
]


def _problem(
    loc: tuple[str | int, ...], kind: str, message: str, **context: object
) -> InitErrorDetails:
    """One entry of a validation error; the message's `{names}` are filled from `context`
    (never from the input itself, which may hold braces)."""
    return InitErrorDetails(type=PydanticCustomError(kind, message, context), loc=loc, input=None)


class RoleIn(StrictInput):
    role: str = Field(min_length=1, max_length=64, description="a code, e.g. commander")
    title: str = Field(min_length=1, max_length=100)
    holders: list[str] = Field(default_factory=list, description="gateway user ids")
    deputy: str | None = Field(default=None, max_length=36, description="a gateway user id")


class ResponsibilityIn(StrictInput):
    role: str = Field(min_length=1, max_length=64)
    duties: str = Field(min_length=1, max_length=5000)


class ActivationCriterionIn(StrictInput):
    level: Level
    criteria: str = Field(min_length=1, max_length=5000)


class ProcedureStepIn(StrictInput):
    level: Level
    step: StrictInt = Field(ge=1, le=1000)
    role: str = Field(min_length=1, max_length=64)
    action: str = Field(min_length=1, max_length=2000)
    within_minutes: StrictInt = Field(ge=1, le=60 * 24 * 30)


class SupplyRequirementIn(StrictInput):
    item_code: str = Field(min_length=1, max_length=64)
    quantity: StrictInt = Field(ge=1)


class SafeguardsIn(StrictInput):
    supplies: list[SupplyRequirementIn] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list, description="teams the plan relies on")
    notes: str = Field(default="", max_length=5000)


class PlanDocument(StrictInput):
    """The body of one plan version."""

    title: str = Field(min_length=1, max_length=200)
    kind: PlanKind
    incident_types: list[IncidentTypeCode] = Field(default_factory=list)
    scope: str = Field(default="", max_length=5000)
    principles: list[str] = Field(default_factory=list)
    organization: list[RoleIn] = Field(default_factory=list)
    responsibilities: list[ResponsibilityIn] = Field(default_factory=list)
    activation_criteria: list[ActivationCriterionIn] = Field(default_factory=list)
    procedures: list[ProcedureStepIn] = Field(default_factory=list)
    safeguards: SafeguardsIn = Field(default_factory=SafeguardsIn)
    drill_interval_months: StrictInt = Field(default=12, ge=1, le=120)

    @model_validator(mode="after")
    def _consistent(self) -> PlanDocument:
        # One error per entry at fault, each at its own place (`procedures/3/role`), so a
        # client editing a long plan is shown where, not only what.
        problems = list(self._inconsistencies())
        if problems:
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self

    def _inconsistencies(self) -> Iterator[InitErrorDetails]:
        known: set[str] = set()
        for index, entry in enumerate(self.organization):
            if entry.role in known:
                yield _problem(
                    ("organization", index, "role"),
                    "duplicate_role",
                    "role {role} appears twice in the organisation",
                    role=entry.role,
                )
            known.add(entry.role)
        for part, entries in (
            ("procedures", self.procedures),
            ("responsibilities", self.responsibilities),
        ):
            for index, entry in enumerate(entries):
                if entry.role not in known:
                    yield _problem(
                        (part, index, "role"),
                        "unknown_role",
                        "names role {role}, which the organisation lacks",
                        role=entry.role,
                    )
        steps: set[tuple[Level, int]] = set()
        for index, step in enumerate(self.procedures):
            if (step.level, step.step) in steps:
                yield _problem(
                    ("procedures", index, "step"),
                    "duplicate_step",
                    "step {step} of level {level} appears twice",
                    step=step.step,
                    level=step.level.value,
                )
            steps.add((step.level, step.step))
        levels: set[Level] = set()
        for index, criterion in enumerate(self.activation_criteria):
            if criterion.level in levels:
                yield _problem(
                    ("activation_criteria", index, "level"),
                    "duplicate_level",
                    "level {level} has its activation criteria twice",
                    level=criterion.level.value,
                )
            levels.add(criterion.level)
        types: set[str] = set()
        for index, code in enumerate(self.incident_types):
            if code in types:
                yield _problem(
                    ("incident_types", index),
                    "duplicate_incident_type",
                    "incident type {code} appears twice",
                    code=code,
                )
            types.add(code)
        if self.kind == PlanKind.special and not self.incident_types:
            yield _problem(
                ("incident_types",),
                "special_plan_without_types",
                "a special plan names the incident types it covers",
            )

    def procedures_for(self, level: Level) -> list[ProcedureStepIn]:
        return sorted((s for s in self.procedures if s.level == level), key=lambda s: s.step)

    def role(self, code: str) -> RoleIn | None:
        return next((entry for entry in self.organization if entry.role == code), None)
