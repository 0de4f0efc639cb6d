"""Who may do what with the emergency supplies: the bureau's own people read them (not the
served agencies' staff, nor machine clients); the emergency commanders and admins keep them
(items, stocks, movements, releasing a reservation by hand). Reserving for an incident and
releasing at its close are part of steering the response (incidents/policy.py)."""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden

READERS = BUREAU_ROLES
KEEPERS = frozenset({Role.admin, Role.commander})


def ensure_may_keep(actor: Principal) -> None:
    if not actor.has_any(*KEEPERS):
        raise Forbidden("only an admin or a commander keeps the supplies")
