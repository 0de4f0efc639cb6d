"""Who reads tasks and the availability list, and who acts on them.

- Tasks and marks are read by those who read incidents (incidents/policy.py): the
  bureau's own people every one; a served unit's staff only the tasks assigned to them and
  their own mark (why others are away — ill, on leave — is theirs); anyone else none (403).
- A task out of the caller's sight answers 404, whatever is asked of it; one in sight,
  403 to all but its assignee, who alone acknowledges and completes it.
- Commanders and the leadership hand tasks on, as they steer the response
  (`ensure_may_steer`, incidents/policy.py); commanders, the leadership and admins mark
  anyone out of reach, everyone themself.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, true

from emergency_svc.incidents.policy import INCIDENT_READERS, own_tasks, reads_in_full
from emergency_svc.tasks.models import Task
from guanjia_shared.auth import Principal, Role, require_roles
from guanjia_shared.errors import Forbidden

TASK_READERS = INCIDENT_READERS
# Who may mark someone else; anyone may mark themself.
MARKERS = frozenset({Role.commander, Role.leader, Role.admin})

# The routes' dependency for reading tasks and marks.
TaskReader = Annotated[Principal, Depends(require_roles(*TASK_READERS))]


def ensure_may_read(viewer: Principal) -> None:
    if not viewer.has_any(*TASK_READERS):
        raise Forbidden("only the bureau's people and the served units' staff read tasks")


def visible_tasks(viewer: Principal) -> ColumnElement[bool]:
    """The condition on `Task` rows the viewer may see (and so act on)."""
    return true() if reads_in_full(viewer) else own_tasks(viewer)


def ensure_assignee(actor: Principal, task: Task, what: str) -> None:
    if task.assignee is None or task.assignee != actor.id:
        raise Forbidden(f"only the task's assignee may {what} it")


def marks_in_sight(viewer: Principal) -> str | None:
    """The one person whose mark the viewer may see (None: everyone's)."""
    return None if reads_in_full(viewer) else viewer.id


def ensure_may_mark(actor: Principal, user_id: str) -> None:
    if actor.id != user_id and not actor.has_any(*MARKERS):
        raise Forbidden("only commanders, the leadership or an admin mark someone else")
