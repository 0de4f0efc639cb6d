"""Who may read what the escalation job raised.

- A ticket's escalations: whoever may see the ticket (tickets/policy.py), else 404.
- The escalation queue: the leadership, admins and auditors every department's; a
  department head their own department's (the department answerable for the alert, so a
  coordinating department's head sees their late parts of other departments' tickets);
  nobody else.
"""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

EVERY_DEPARTMENT_READERS = (Role.leader, Role.admin, Role.auditor)
QUEUE_READERS = (*EVERY_DEPARTMENT_READERS, Role.dept_head)


def department_in_sight(viewer: Principal, asked: str | None) -> str | None:
    """The department filter the viewer may use on the queue (None: every department)."""
    if viewer.has_any(*EVERY_DEPARTMENT_READERS):
        return asked
    if not viewer.has_any(Role.dept_head) or not viewer.department:
        raise Forbidden("the escalation queue is for leaders, auditors and department heads")
    if asked is not None and asked != viewer.department:
        raise Forbidden("a department head sees their own department's escalations")
    return viewer.department
