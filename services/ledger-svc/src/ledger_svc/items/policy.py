"""Who may do what with ledger items (reading them: plans/policy.py, `READERS`).

- Shaping an item (making it, editing it): admins and leaders anywhere in the ledger, a
  department head for their own department (both the department it is in and any it is
  moved to).
- Reporting progress: the item's owner, or an admin.
- Moving a deadline: a leader, with a reason.
"""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.items.models import Item

# Who shapes every department's items; a department head shapes their own department's.
SHAPERS = frozenset({Role.admin, Role.leader})
DEADLINE_MOVERS = frozenset({Role.leader})


def ensure_may_shape(actor: Principal, department: str) -> None:
    if actor.has_any(*SHAPERS):
        return
    if actor.has_any(Role.dept_head) and actor.department == department:
        return
    raise Forbidden("only an admin, a leader or the department's head shapes its ledger items")


def ensure_may_report(actor: Principal, item: Item) -> None:
    if actor.id != item.owner_id and not actor.has_any(Role.admin):
        raise Forbidden("only the item's owner reports its progress")


def ensure_may_move_deadline(actor: Principal) -> None:
    if not actor.has_any(*DEADLINE_MOVERS):
        raise Forbidden("only a leader moves a deadline")
