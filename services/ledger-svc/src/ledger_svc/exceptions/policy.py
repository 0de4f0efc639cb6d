"""Who follows the ledger's exceptions (and the interventions on them, interventions/).

- The leadership (leader, admin, auditor) sees every department's; a department head their
  own department's (asking for another is refused); nobody else sees the leadership's view.
- An item's own exceptions and interventions are followed by the leadership, the head of
  its department and its owner.
"""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.items.models import Item

# Who sees every department's exceptions and interventions.
LEADERSHIP = frozenset({Role.leader, Role.admin, Role.auditor})
# Who sees the leadership's view at all: the leadership, and department heads their own.
VIEWERS = LEADERSHIP | {Role.dept_head}


def department_in_view(actor: Principal, asked: str | None) -> str | None:
    """The department a leadership view is narrowed to: as asked for the leadership, the
    head's own for a department head (asking for another is refused)."""
    if actor.has_any(*LEADERSHIP):
        return asked
    if actor.has_any(Role.dept_head) and actor.department:
        if asked is not None and asked != actor.department:
            raise Forbidden("a department head sees their own department only")
        return actor.department
    raise Forbidden("only the leadership and department heads see this")


def ensure_may_follow(actor: Principal, item: Item) -> None:
    """The leadership, the item's department head and its owner follow an item's
    exceptions and interventions."""
    if actor.has_any(*LEADERSHIP) or actor.id == item.owner_id:
        return
    if actor.has_any(Role.dept_head) and actor.department == item.department:
        return
    raise Forbidden("only the leadership, the department's head and the owner see this")
