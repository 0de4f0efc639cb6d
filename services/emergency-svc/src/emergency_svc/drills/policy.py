"""Who may do what with drills and trainings: the bureau's own people read them (not the
served agencies' staff, nor machine clients); admins, the leadership and the emergency
commanders schedule and record them."""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden

READERS = BUREAU_ROLES
WRITERS = frozenset({Role.admin, Role.leader, Role.commander})


def ensure_may_write(actor: Principal) -> None:
    if not actor.has_any(*WRITERS):
        raise Forbidden("only an admin, a leader or a commander schedules and records drills")
