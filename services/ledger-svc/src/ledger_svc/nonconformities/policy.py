"""Who may do what with nonconformities and their corrective actions.

- Reading: the register's keepers (the admins and the quality office, quality/policy.py),
  leaders and auditors read every nonconformity; the other bureau staff their own
  department's only (another department's failures are not theirs to read: 404, and
  absent from their lists). A served unit's staff and machine clients read none.
- Opening one by hand (from an audit's finding or a complaint): a keeper or a leader for
  any department, a department head for their own (a department reports its own failure).
- Working it (containment, root cause, corrective actions, starting the check): a keeper,
  or the department's head.
- Verifying the actions' effectiveness and closing: a keeper or a leader, never the
  department's own staff — who took the actions does not judge them (ISO 9001:2015 10.2:
  the review of the effectiveness is the organisation's, and an admin's word stands).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.nonconformities.models import Nonconformity
from ledger_svc.quality.policy import is_keeper

READERS = BUREAU_ROLES
# Who may call the writing routes at all; the rules below narrow it per nonconformity.
OPENERS = frozenset({Role.admin, Role.leader, Role.dept_head, Role.agent})
WORKERS = frozenset({Role.admin, Role.dept_head, Role.agent})
VERIFIERS = frozenset({Role.admin, Role.leader, Role.dept_head, Role.agent})
# Besides the keepers: who reads every department's nonconformities.
OVERSEERS = frozenset({Role.leader, Role.auditor})


def may_read_all(actor: Principal, quality_office: str | None) -> bool:
    return is_keeper(actor, quality_office) or actor.has_any(*OVERSEERS)


def may_read(actor: Principal, nonconformity: Nonconformity, quality_office: str | None) -> bool:
    if may_read_all(actor, quality_office):
        return True
    return actor.has_any(*BUREAU_ROLES) and actor.department == nonconformity.department


def visible_nonconformities(actor: Principal, quality_office: str | None) -> ColumnElement[bool]:
    """The nonconformities `actor` finds (the filter of every list)."""
    if may_read_all(actor, quality_office):
        return true()
    if actor.has_any(*BUREAU_ROLES):
        return Nonconformity.department == (actor.department or "")
    raise Forbidden("nonconformities are the bureau's own")


def _is_department_head(actor: Principal, department: str) -> bool:
    return actor.has_any(Role.dept_head) and actor.department == department


def ensure_may_open(actor: Principal, department: str, quality_office: str | None) -> None:
    if (
        is_keeper(actor, quality_office)
        or actor.has_any(Role.leader)
        or _is_department_head(actor, department)
    ):
        return
    raise Forbidden(
        f"a nonconformity of {department} is opened by the quality office, a leader or the "
        "department's head"
    )


def ensure_may_work(
    actor: Principal, nonconformity: Nonconformity, quality_office: str | None
) -> None:
    """Containment, root cause, corrective actions, starting the check."""
    if is_keeper(actor, quality_office) or _is_department_head(actor, nonconformity.department):
        return
    raise Forbidden(
        f"the nonconformity is worked by the head of {nonconformity.department} or the "
        "quality office"
    )


def ensure_may_verify(
    actor: Principal, nonconformity: Nonconformity, quality_office: str | None
) -> None:
    """The effectiveness verdict and the closing."""
    if not actor.has_any(Role.admin) and actor.department == nonconformity.department:
        raise Forbidden(
            f"{nonconformity.department} took the actions; it does not verify them itself",
            rule="verify-not-your-own",
        )
    if not (is_keeper(actor, quality_office) or actor.has_any(Role.leader)):
        raise Forbidden("effectiveness is verified by the quality office or a leader")
