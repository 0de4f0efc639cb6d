"""Who may see which holdings: the bureau sees every unit's; a served unit's staff and
machine clients only their own unit's. Leaders' own offices are shown to few."""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden

LEADER_OFFICE_VIEWERS = frozenset({Role.admin, Role.leader, Role.auditor})
# Names of people (housing households, who sits in which room) are shown to these roles.
PERSONAL_DATA_VIEWERS = frozenset({Role.admin, Role.leader, Role.auditor})


def sees_every_unit(viewer: Principal) -> bool:
    return viewer.has_any(*BUREAU_ROLES)


def sees_leader_offices(viewer: Principal) -> bool:
    return viewer.has_any(*LEADER_OFFICE_VIEWERS)


def visible_unit_id(viewer: Principal) -> str | None:
    """The one unit a unit-scoped caller may see (None: every unit)."""
    if sees_every_unit(viewer):
        return None
    if viewer.unit_id is None:
        raise Forbidden("this account belongs to no unit, so it may see no unit's holdings")
    return viewer.unit_id


def ensure_may_see_unit(viewer: Principal, unit_id: str) -> None:
    own = visible_unit_id(viewer)
    if own is not None and own != unit_id:
        raise Forbidden("staff of a unit see only their own unit's holdings")
