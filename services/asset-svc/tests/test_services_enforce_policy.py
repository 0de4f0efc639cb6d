"""Each domain's policy is enforced by its service, not only by the route: a caller that is
not a route (a job, another rule, a script) holding none of the roles an action allows is
refused before anything is read or written (no session is even given here)."""

from datetime import date
from decimal import Decimal

import pytest

from asset_svc.changes import service as changes
from asset_svc.changes.models import ChangeCreate
from asset_svc.compliance import service as compliance
from asset_svc.housing import service as housing
from asset_svc.housing.models import HousingUnitCreate, MoveInBody, MoveOutBody, OccupantCreate
from asset_svc.imports import service as imports
from asset_svc.register import service as register
from asset_svc.register.models import BuildingCreate, BuildingUpdate, LandParcelCreate, RoomCreate
from asset_svc.renovations import service as renovations
from asset_svc.renovations.models import RenovationCreate
from asset_svc.seating import service as seating
from asset_svc.seating.models import SeatCreate, SeatVacate
from asset_svc.staffing import service as staffing
from asset_svc.standards import service as standards
from asset_svc.standards.models import SpaceStandardCreate
from asset_svc.stocktakes import service as stocktakes
from asset_svc.stocktakes.models import FindingCreate, StocktakeCreate
from asset_svc.units import service as units
from asset_svc.units.models import UnitCreate, UnitUpdate
from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden
from guanjia_shared.pagination import PageParams

DAY = date(2024, 3, 1)
PAGE = PageParams()
BUILDING = {"name": "b", "address": "a", "owner_unit_id": "u", "gross_area": 10, "use": "office"}
ROOM = {"building_id": "b", "floor": 1, "number": "1", "usable_area": 10, "kind": "office"}
RENOVATION = {"room_ids": ["r"], "title": "t", "area": 1, "estimated_cost": "1", "reason": "r"}
FINDING = {"building_id": "b", "room_number": "1", "found_area": 1, "found_kind": "office"}
STANDARD = {"level": "county", "rank": "staff", "area_per_person": 9, "effective_from": DAY}

# Every action a policy names roles for, called as `call(actor)`.
ACTIONS = {
    "create a unit": lambda a: units.create_unit(
        session=None, data=UnitCreate(code="c", name="n", level="county"), actor=a
    ),
    "update a unit": lambda a: units.update_unit(
        session=None, unit_id="u", data=UnitUpdate(name="n"), actor=a
    ),
    "replace staffing": lambda a: staffing.replace_staffing(
        session=None, unit_id="u", lines=[], actor=a
    ),
    "add a standard": lambda a: standards.add_standard_version(
        session=None, data=SpaceStandardCreate(**STANDARD), actor=a
    ),
    "create a land parcel": lambda a: register.create_land_parcel(
        session=None,
        data=LandParcelCreate(location="l", area=1, use="o", owner_unit_id="u"),
        actor=a,
    ),
    "create a building": lambda a: register.create_building(
        session=None, data=BuildingCreate(**BUILDING), actor=a
    ),
    "update a building": lambda a: register.update_building(
        session=None, building_id="b", data=BuildingUpdate(), expected_version=None, actor=a
    ),
    "create a room": lambda a: register.create_room(session=None, data=RoomCreate(**ROOM), actor=a),
    "record a change": lambda a: changes.record_change(
        session=None,
        data=ChangeCreate(type="reclaim", room_ids=["r"], effective_date=DAY, reason="r"),
        actor=a,
    ),
    "list changes": lambda a: changes.list_changes(session=None, viewer=a, page=PAGE),
    "read a change": lambda a: changes.get_change(session=None, change_id="c", viewer=a),
    "read the compliance report": lambda a: compliance.space_compliance_report(
        session=None, viewer=a, as_of=None, status=None, page=PAGE
    ),
    "download the compliance report": lambda a: compliance.space_compliance_spreadsheet(
        session=None, viewer=a, as_of=None, status=None
    ),
    "import a workbook": lambda a: imports.import_workbook(
        session=None, content=b"", max_rows=1, actor=a
    ),
    "request a renovation": lambda a: renovations.request_renovation(
        session=None,
        data=RenovationCreate(**RENOVATION),
        actor=a,
        cost_cap_per_m2=Decimal("1500"),
        min_years_between=8,
    ),
    "approve a renovation": lambda a: renovations.approve_renovation(
        session=None,
        renovation_id="r",
        actor=a,
        reason=None,
        cost_cap_per_m2=Decimal(1500),
        min_years_between=8,
    ),
    "reject a renovation": lambda a: renovations.reject_renovation(
        session=None, renovation_id="r", actor=a, reason="r"
    ),
    "start a renovation": lambda a: renovations.start_renovation(
        session=None, renovation_id="r", actor=a
    ),
    "accept a renovation": lambda a: renovations.accept_renovation(
        session=None, renovation_id="r", actor=a, final_cost=Decimal(1)
    ),
    "list renovations": lambda a: renovations.list_renovations(
        session=None, viewer=a, page=PAGE, cost_cap_per_m2=Decimal(1500), min_years_between=8
    ),
    "read a renovation": lambda a: renovations.get_renovation(
        session=None,
        renovation_id="r",
        viewer=a,
        cost_cap_per_m2=Decimal(1500),
        min_years_between=8,
    ),
    "record a household": lambda a: housing.create_occupant(
        session=None, data=OccupantCreate(name="n", unit_id="u"), actor=a
    ),
    "list households": lambda a: housing.list_occupants(session=None, viewer=a, page=PAGE),
    "record a housing unit": lambda a: housing.create_housing_unit(
        session=None,
        data=HousingUnitCreate(building_id="b", number="1", usable_area=1),
        actor=a,
    ),
    "list housing": lambda a: housing.list_housing(session=None, viewer=a, page=PAGE),
    "read a housing unit": lambda a: housing.get_housing_unit(
        session=None, housing_unit_id="h", viewer=a
    ),
    "read a housing unit's history": lambda a: housing.housing_history(
        session=None, housing_unit_id="h", viewer=a
    ),
    "move a household in": lambda a: housing.move_in(
        session=None,
        housing_unit_id="h",
        data=MoveInBody(occupant_id="o", effective_date=DAY),
        actor=a,
    ),
    "move a household out": lambda a: housing.move_out(
        session=None, housing_unit_id="h", data=MoveOutBody(effective_date=DAY), actor=a
    ),
    "open a stocktake": lambda a: stocktakes.open_stocktake(
        session=None, data=StocktakeCreate(unit_id="u", title="t"), actor=a
    ),
    "record findings": lambda a: stocktakes.record_findings(
        session=None, stocktake_id="s", findings=[FindingCreate(**FINDING)], actor=a
    ),
    "list a stocktake's findings": lambda a: stocktakes.list_findings(
        session=None, stocktake_id="s", viewer=a
    ),
    "close a stocktake": lambda a: stocktakes.close_stocktake(
        session=None, stocktake_id="s", actor=a
    ),
    "list stocktakes": lambda a: stocktakes.list_stocktakes(session=None, viewer=a, page=PAGE),
    "read a stocktake": lambda a: stocktakes.get_stocktake(
        session=None, stocktake_id="s", viewer=a
    ),
    "read a stocktake's report": lambda a: stocktakes.stocktake_report(
        session=None, stocktake_id="s", viewer=a
    ),
    "seat someone": lambda a: seating.take_seat(
        session=None,
        room_id="r",
        data=SeatCreate(name="n", rank="staff", effective_date=DAY),
        actor=a,
    ),
    "move someone out": lambda a: seating.vacate_seat(
        session=None, seat_id="s", data=SeatVacate(effective_date=DAY), actor=a
    ),
}

# A machine client bound to a unit: signed in, and named by none of these actions' roles.
CLIENT = Principal(
    id="client-1",
    username="client",
    roles=frozenset({Role.integration}),
    unit_id="u",
    kind="client",
)


@pytest.mark.parametrize("action", list(ACTIONS))
async def test_the_service_refuses_a_caller_its_policy_does_not_name(action):
    with pytest.raises(Forbidden, match="this needs one of the roles"):
        await ACTIONS[action](CLIENT)
