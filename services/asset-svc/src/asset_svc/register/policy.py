"""Who may do what with the property register: an admin records land parcels, buildings
and rooms; everyone signed in reads them, a unit-bound caller only what is its unit's
(units.policy). Leaders' own offices are shown to few."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from asset_svc.register.models import Building, LandParcel, Room
from asset_svc.units.policy import visible_unit_id
from guanjia_shared.auth import Principal, Role

# Record a land parcel, a building or a room; correct a building.
WRITERS = frozenset({Role.admin})
# Who sees a leader's own office (its room, who sits there) listed.
LEADER_OFFICE_VIEWERS = frozenset({Role.admin, Role.leader, Role.auditor})


def sees_leader_offices(viewer: Principal) -> bool:
    return viewer.has_any(*LEADER_OFFICE_VIEWERS)


def land_parcels_visible_to(viewer: Principal) -> Select:
    """A unit's staff see the parcels their unit owns."""
    query = select(LandParcel)
    own = visible_unit_id(viewer)
    if own is not None:
        query = query.where(LandParcel.owner_unit_id == own)
    return query


def buildings_visible_to(viewer: Principal) -> Select:
    """A unit's staff see the buildings their unit owns or holds a room in."""
    query = select(Building)
    own = visible_unit_id(viewer)
    if own is not None:
        holds_a_room = select(Room.id).where(
            Room.building_id == Building.id, Room.occupant_unit_id == own
        )
        query = query.where(or_(Building.owner_unit_id == own, holds_a_room.exists()))
    return query


def rooms_visible_to(viewer: Principal) -> Select:
    """Rooms a caller may see: a unit's staff their unit's; leader offices only to a few."""
    query = select(Room)
    own = visible_unit_id(viewer)
    if own is not None:
        query = query.where(Room.occupant_unit_id == own)
    if not sees_leader_offices(viewer):
        query = query.where(Room.leader_office.is_(False))
    return query
