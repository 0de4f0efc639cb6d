"""Who reads the department scorecards: the leadership (leader, admin, auditor) every
department's; a department head only their own department's (another's is 403, the list
holds their row alone), and one without a department nothing; anyone else nothing (403).
The same people as the leadership's view of the exceptions (exceptions/policy.py)."""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.exceptions.policy import LEADERSHIP, VIEWERS

READERS = VIEWERS


def department_in_view(viewer: Principal) -> str | None:
    """The one department the viewer may read, or None for every department."""
    if viewer.has_any(*LEADERSHIP):
        return None
    if viewer.has_any(Role.dept_head) and viewer.department:
        return viewer.department
    raise Forbidden("scorecards are for the leadership, auditors and department heads")


def ensure_may_read(viewer: Principal, department: str) -> None:
    allowed = department_in_view(viewer)
    if allowed is not None and allowed != department:
        raise Forbidden("a department head reads their own department's scorecard only")
