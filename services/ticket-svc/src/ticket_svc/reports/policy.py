"""Who reads the ticket reports, and which rows.

The leadership, admins and auditors read every department's rows. A department head reads
only their own department: its row in the department report (with the charges for its
coordinations on other departments' tickets) and its commitments' rows; a department head
without a department reads nothing (403). Anyone else: 403.
"""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

SEE_ALL = (Role.leader, Role.admin, Role.auditor)
READERS = (*SEE_ALL, Role.dept_head)


def department_in_view(viewer: Principal) -> str | None:
    """The one department the viewer may report on, or None for every department."""
    if viewer.has_any(*SEE_ALL):
        return None
    if viewer.has_any(Role.dept_head) and viewer.department:
        return viewer.department
    raise Forbidden("the ticket reports are for the leadership, auditors and department heads")
