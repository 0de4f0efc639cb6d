"""Who may do what with quality objectives.

- Setting one: the top management and the quality system's keepers (ISO 9001:2015 6.2:
  quality objectives are established by the organisation): a leader, an admin or the
  quality office.
- Reading: the bureau's staff. The bureau's objectives (no department) are communicated to
  all (6.2.1 f); a department's objective, and its monthly figures, to the keepers,
  leaders and auditors, and that department's own staff — another department's is not
  found (404, and absent from the lists). A served unit's staff and machine clients read
  none.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.objectives.models import QualityObjective
from ledger_svc.quality.policy import is_keeper

READERS = BUREAU_ROLES
# Who may call the setting route at all (an agent of the quality office among them).
SETTERS = frozenset({Role.admin, Role.leader, Role.dept_head, Role.agent})
OVERSEERS = frozenset({Role.leader, Role.auditor})


def may_read_all(actor: Principal, quality_office: str | None) -> bool:
    return is_keeper(actor, quality_office) or actor.has_any(*OVERSEERS)


def may_read(actor: Principal, objective: QualityObjective, quality_office: str | None) -> bool:
    if may_read_all(actor, quality_office):
        return True
    return actor.has_any(*BUREAU_ROLES) and objective.department in (None, actor.department)


def visible_objectives(actor: Principal, quality_office: str | None) -> ColumnElement[bool]:
    if may_read_all(actor, quality_office):
        return true()
    if actor.has_any(*BUREAU_ROLES):
        return or_(
            QualityObjective.department.is_(None),
            QualityObjective.department == (actor.department or ""),
        )
    raise Forbidden("quality objectives are the bureau's own")


def ensure_may_set(actor: Principal, quality_office: str | None) -> None:
    if is_keeper(actor, quality_office) or actor.has_any(Role.leader):
        return
    raise Forbidden("quality objectives are set by a leader or the quality office")
