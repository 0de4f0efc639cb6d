"""Who may do what with staff housing: an admin records housing units, households and
their moves; the leadership, auditors and served units' staff read the housing, a unit's
staff only the homes of their own unit's households. Households' names are personal data
(个人信息保护法): only the bureau's own few see them, and only they read the list of
households."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select

from asset_svc.housing.models import HousingUnit, Occupant
from asset_svc.housing.queries import residents_as_of
from asset_svc.units.policy import PERSONAL_DATA_VIEWERS, visible_unit_id
from guanjia_shared.auth import Principal, Role

# Record a housing unit, a household, a move in or out.
WRITERS = frozenset({Role.admin})
# List housing units, read one and its history.
READERS = frozenset({Role.admin, Role.leader, Role.auditor, Role.unit_staff})
# List the households: a list of people, so only those who may see names.
HOUSEHOLD_READERS = PERSONAL_DATA_VIEWERS


def sees_names(viewer: Principal) -> bool:
    return viewer.has_any(*PERSONAL_DATA_VIEWERS)


def housing_visible_to(viewer: Principal, as_of: date, *, of_unit: str | None = None) -> Select:
    """Housing a caller may see: a unit's staff only the homes of their unit's households
    (on `as_of`). `of_unit` narrows it to the homes of that unit's households that day."""
    query = select(HousingUnit)
    units = {unit for unit in (visible_unit_id(viewer), of_unit) if unit is not None}
    if units:
        residents = residents_as_of(as_of)
        query = query.join(residents, residents.c.housing_unit_id == HousingUnit.id).join(
            Occupant, Occupant.id == residents.c.occupant_id
        )
        # Another unit's households asked for by a unit's staff: no row matches both.
        for unit in units:
            query = query.where(Occupant.unit_id == unit)
    return query
