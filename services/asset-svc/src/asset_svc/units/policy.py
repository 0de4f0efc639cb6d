"""Who may see and change units, and the rule every domain's reads share: the bureau's own
people see every unit's holdings; a served unit's staff, and a machine client bound to a
unit, see only their own unit's.

Each domain's `policy.py` names the roles each of its actions allows and the rows each
caller sees. The service enforces them, so no caller (a route, a job, another rule) skips
them; the route names the same roles in its `require_roles`, which refuses the wrong role
before the request's body is read."""

from __future__ import annotations

from sqlalchemy import Select, select

from asset_svc.units.models import Unit
from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden

# Record a unit, correct one. Everyone signed in reads units (the rows below).
WRITERS = frozenset({Role.admin})
# Who sees the names of a unit's people: the households in staff housing, who sits in
# which room (个人信息保护法: personal data is shown to those who need it).
PERSONAL_DATA_VIEWERS = frozenset({Role.admin, Role.leader, Role.auditor})


def sees_every_unit(viewer: Principal) -> bool:
    return viewer.has_any(*BUREAU_ROLES)


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


def units_visible_to(viewer: Principal) -> Select:
    """The units a caller sees listed: every unit, or their own."""
    query = select(Unit)
    own = visible_unit_id(viewer)
    if own is not None:
        query = query.where(Unit.id == own)
    return query
