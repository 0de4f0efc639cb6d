"""Which tasks a plan asks of an incident at a grade, and who gets each: pure rules, no
database (the service reads who is unavailable and writes what this answers).

Activation makes the tasks of the plan's procedures at the incident's grade, each for the
holders of the step's role; whoever is out of reach is stood in for by the role's deputy:

- one task per holder of the step's role: a role held by several people (成员单位负责人)
  asks the step of each of them;
- a holder marked unavailable is stood in for by the role's deputy;
- a role with no holder goes to its deputy;
- with neither (or the deputy unavailable too) the task is made all the same, with nobody
  on it, so it shows up and the commander can hand it out;
- one person gets a step once: a deputy standing in for two holders, or a deputy who is
  also a holder, gets one task for it, not two.

Raising the grade adds the tasks of every grade passed on the way up that are not there
yet, so an incident never holds a step twice, however it got to its grade.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from emergency_svc.plans.document import LEVELS_BY_GRAVITY, Level, PlanDocument, RoleIn
from emergency_svc.tasks.models import AssignedBecause


@dataclass(frozen=True)
class Placement:
    """Who a step goes to, for one holder the plan names ("" when it names none)."""

    holder: str
    assignee: str | None
    deputy: str | None  # who takes it over if it is not acknowledged in time
    because: AssignedBecause


@dataclass(frozen=True)
class PlannedTask:
    level: Level
    step: int
    role: str
    role_title: str
    action: str
    within_minutes: int
    placement: Placement


def levels_passed(old: Level, new: Level) -> list[Level]:
    """The grades a change from `old` to `new` reaches for the first time: those graver
    than `old` up to `new`, least grave first; none when the grade is lowered."""
    old_rank, new_rank = LEVELS_BY_GRAVITY.index(old), LEVELS_BY_GRAVITY.index(new)
    return list(LEVELS_BY_GRAVITY[old_rank + 1 : new_rank + 1])


def place_step(role: RoleIn | None, unavailable: Collection[str]) -> list[Placement]:
    """Who does a step of `role`, given who is out of reach (see the module's rules)."""
    holders = list(dict.fromkeys(role.holders)) if role is not None else []
    deputy = role.deputy if role is not None else None
    deputy_reachable = deputy is not None and deputy not in unavailable
    placements: list[Placement] = []
    for holder in holders:
        if holder not in unavailable:
            placements.append(
                Placement(
                    holder, holder, deputy if deputy != holder else None, AssignedBecause.holder
                )
            )
        elif deputy_reachable:
            placements.append(
                Placement(holder, deputy, None, AssignedBecause.deputy_for_unavailable_holder)
            )
        else:
            placements.append(Placement(holder, None, None, AssignedBecause.nobody_available))
    if not holders:
        if deputy_reachable:
            placements.append(
                Placement("", deputy, None, AssignedBecause.deputy_for_missing_holder)
            )
        else:
            placements.append(Placement("", None, None, AssignedBecause.nobody_available))
    return _each_person_once(placements)


def _each_person_once(placements: list[Placement]) -> list[Placement]:
    seen: set[str] = set()
    kept = []
    for placement in placements:
        if placement.assignee is not None:
            if placement.assignee in seen:
                continue
            seen.add(placement.assignee)
        kept.append(placement)
    return kept


def plan_tasks(
    document: PlanDocument,
    levels: Iterable[Level],
    *,
    already: Collection[tuple[str, int]],
    unavailable: Collection[str],
) -> list[PlannedTask]:
    """The tasks of the plan's procedures at `levels` whose (level, step) is not in
    `already`, placed by `place_step`."""
    planned = []
    for level in levels:
        for step in document.procedures_for(level):
            if (level.value, step.step) in already:
                continue
            role = document.role(step.role)
            for placement in place_step(role, unavailable):
                planned.append(
                    PlannedTask(
                        level=level,
                        step=step.step,
                        role=step.role,
                        role_title=role.title if role is not None else step.role,
                        action=step.action,
                        within_minutes=step.within_minutes,
                        placement=placement,
                    )
                )
    return planned


def people_of(document: PlanDocument) -> set[str]:
    """Everyone the plan's organisation names (whose availability matters)."""
    people: set[str] = set()
    for role in document.organization:
        people.update(role.holders)
        if role.deputy:
            people.add(role.deputy)
    return people
