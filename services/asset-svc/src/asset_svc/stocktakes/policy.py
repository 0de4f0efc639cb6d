"""Who may do what with stocktakes: an admin opens one, records its findings and closes it;
the leadership, auditors and served units' staff read them, a unit's staff only their own
unit's, and of a report only the rooms the register shows them."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from asset_svc.register.models import Building, Room
from asset_svc.register.policy import rooms_visible_to
from asset_svc.stocktakes.models import ReportLine, Stocktake
from asset_svc.units.policy import visible_unit_id
from guanjia_shared.auth import Principal, Role

# Open a stocktake, record its findings, close it.
WRITERS = frozenset({Role.admin})
# The findings as recorded so far: the counters' own working list.
FINDING_READERS = WRITERS
# List stocktakes, read one and its report.
READERS = frozenset({Role.admin, Role.leader, Role.auditor, Role.unit_staff})


def stocktakes_visible_to(viewer: Principal) -> Select:
    """A unit's staff see the stocktakes of their unit and of the buildings it owns."""
    query = select(Stocktake)
    own = visible_unit_id(viewer)
    if own is not None:
        owned = select(Building.id).where(Building.owner_unit_id == own)
        query = query.where(or_(Stocktake.unit_id == own, Stocktake.building_id.in_(owned)))
    return query


def report_lines_visible_to(viewer: Principal) -> Select:
    """The lines of rooms the register shows the viewer (a unit's staff: their unit's
    rooms, leaders' offices not among them), whatever the stocktake covered: a building's
    stocktake holds every room of the building, other units' too. A room found that the
    books lack is shown to the unit found using it."""
    own = visible_unit_id(viewer)
    found_unregistered = ReportLine.room_id.is_(None)
    if own is not None:
        found_unregistered &= ReportLine.found_occupant_unit_id == own
    registered = ReportLine.room_id.in_(rooms_visible_to(viewer).with_only_columns(Room.id))
    return select(ReportLine).where(or_(registered, found_unregistered))
