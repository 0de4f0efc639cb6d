"""Who may do what with interventions (who follows them: exceptions/policy.py).

- A leader issues one, on any item of the ledger, and closes it.
- The item's owner — whoever owns it when they act — acknowledges and answers it.
- The list: the leadership every department's, a department head their department's (as
  the exceptions), anyone else the interventions on the items they own (their to-do list).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, true

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.exceptions.policy import VIEWERS, department_in_view
from ledger_svc.items.models import Item

ISSUERS = frozenset({Role.leader})
CLOSERS = frozenset({Role.leader})


def ensure_may_issue(actor: Principal) -> None:
    if not actor.has_any(*ISSUERS):
        raise Forbidden("only a leader intervenes in an item")


def ensure_may_close(actor: Principal) -> None:
    if not actor.has_any(*CLOSERS):
        raise Forbidden("only a leader closes an intervention")


def ensure_owner(actor: Principal, item: Item) -> None:
    if actor.id != item.owner_id:
        raise Forbidden("only the item's owner acknowledges and answers an intervention")


def interventions_in_view(actor: Principal, department: str | None) -> ColumnElement[bool]:
    """The condition on the `Item` rows whose interventions the actor's list holds, narrowed
    to `department` when asked (a department head may ask for their own only)."""
    if actor.has_any(*VIEWERS):
        department = department_in_view(actor, department)
        seen: ColumnElement[bool] = true()
    else:
        seen = Item.owner_id == actor.id
    return and_(seen, Item.department == department) if department is not None else seen
