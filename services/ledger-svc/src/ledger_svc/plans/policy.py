"""Who may do what with the ledger's plans. The ledger is the bureau's own work: its people
read it (plans, items, their history and exceptions, the spreadsheet), not the served
agencies' staff, nor machine clients. The leadership and admins make the year's plans; the
follow-up plans make themselves (followups/)."""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden

# Who reads the ledger.
READERS = BUREAU_ROLES
# Who makes a plan.
MAKERS = frozenset({Role.admin, Role.leader})


def ensure_may_make(actor: Principal) -> None:
    if not actor.has_any(*MAKERS):
        raise Forbidden("only an admin or a leader makes a plan")
