"""asset-svc: who may call what, and the world the calls are made in.

From issue 3 (Scope): `unit_staff` read only their own unit; leaders, auditors and admins
read all; only `admin` writes (and `leader` approves renovations). Its closing note adds
that integration clients are bound to their unit like unit staff and that the other bureau
roles read the register too. Where the documents name no role, the choice is in the note.
"""

from __future__ import annotations

from typing import Any

import httpx

from guanjia_shared.auth import Role
from guanjia_shared.testing.tokens import TokenMint
from tests.authorization.matrix import (
    BUREAU,
    HEALTH,
    NOBODY,
    PUBLIC,
    SIGNED_IN,
    UNIT_BOUND,
    Caller,
    World,
    identity,
    roles,
    row,
)

API = "/api/v1/asset"
ADMIN = roles(Role.admin)
APPROVERS = roles(Role.admin, Role.leader)
# Names of people (households, who sits where) and leaders' offices: issue 3 names these.
FEW = roles(Role.admin, Role.leader, Role.auditor)
# Renovations, housing and stocktakes: issue 3 names admin, leader, auditor and the unit's
# own staff. The service desk, department heads and commanders have no part in them
# (documents silent; kept as built). Integration clients: silent; refused as built.
OWN_UNIT_READERS = FEW | roles(Role.unit_staff)
# The change register, the bureau's book: issue 3 names admin, leader, auditor; department
# heads read it too (silent; kept as built); a served unit reads its rooms' history instead.
REGISTER_READERS = FEW | roles(Role.dept_head)
EVERYONE_ON_OWN_UNIT = SIGNED_IN
EVERYONE_BUT_UNIT_BOUND = SIGNED_IN - UNIT_BOUND
DATE = "2024-03-01"


async def build_world(client: httpx.AsyncClient, mint: TokenMint, caller: Caller) -> World:
    """Two units (the caller's own and another), each with a land parcel, a building, two
    office rooms allocated to it (someone seated in one), a renovation request, a home its
    household lives in, an open stocktake and a closed one; besides, a vacant home and a
    household of the own unit waiting for it."""

    admin = mint.headers("admin")

    async def post(path: str, body: object) -> dict:
        answer = await client.post(f"{API}{path}", json=body, headers=admin)
        assert answer.status_code in (200, 201), f"{path}: {answer.status_code} {answer.text[:300]}"
        return answer.json()

    world: World = {}
    # The own unit's code is the one the import template's example rows name.
    for side, code in (("own", "410100-01"), ("other", "U-other")):
        unit = await post("/units", {"code": code, "name": side, "level": "municipal"})
        world[f"{side}_unit"] = unit["id"]
    for side in ("own", "other"):
        unit_id = world[f"{side}_unit"]
        parcel = await post(
            "/land-parcels",
            {"location": side, "area": 1000, "use": "office", "owner_unit_id": unit_id},
        )
        building = await post(
            "/buildings",
            {
                "name": side,
                "address": side,
                "owner_unit_id": unit_id,
                "gross_area": 900,
                "use": "mixed",
            },
        )
        rooms = [
            await post(
                "/rooms",
                {
                    "building_id": building["id"],
                    "floor": 1,
                    "number": number,
                    "usable_area": 20,
                    "kind": "office",
                },
            )
            for number in ("101", "102")
        ]
        room, spare_room = rooms[0]["id"], rooms[1]["id"]
        change = await post(
            "/changes",
            {
                "type": "allocate",
                "room_ids": [room, spare_room],
                "unit_id": unit_id,
                "effective_date": DATE,
                "reason": "allocation",
            },
        )
        seat = await post(
            f"/rooms/{room}/seats", {"name": "张三", "rank": "staff", "effective_date": DATE}
        )
        renovation = await post(
            "/renovations",
            {
                "room_ids": [room],
                "title": "repaint",
                "area": 20,
                "estimated_cost": "1000",
                "reason": "worn",
            },
        )
        housing = await post(
            "/housing", {"building_id": building["id"], "number": "H1", "usable_area": 80}
        )
        household = await post("/housing/occupants", {"name": "王二", "unit_id": unit_id})
        await post(
            f"/housing/{housing['id']}/move-in",
            {"occupant_id": household["id"], "effective_date": DATE},
        )
        stocktake = await post("/stocktakes", {"unit_id": unit_id, "title": "yearly"})
        closed = await post("/stocktakes", {"unit_id": unit_id, "title": "last year"})
        await post(f"/stocktakes/{closed['id']}/close", None)
        world.update(
            {
                f"{side}_parcel": parcel["id"],
                f"{side}_building": building["id"],
                f"{side}_room": room,
                f"{side}_spare_room": spare_room,
                f"{side}_change": change["id"],
                f"{side}_seat": seat["id"],
                f"{side}_renovation": renovation["id"],
                f"{side}_housing": housing["id"],
                f"{side}_household": household["id"],
                f"{side}_stocktake": stocktake["id"],
                f"{side}_closed_stocktake": closed["id"],
            }
        )
    vacant = await post(
        "/housing", {"building_id": world["own_building"], "number": "H2", "usable_area": 60}
    )
    occupant = await post("/housing/occupants", {"name": "李四", "unit_id": world["own_unit"]})
    world.update({"vacant_housing": vacant["id"], "occupant": occupant["id"]})
    # The migrations' reference data, the same for everyone who may read it.
    standards = await client.get(f"{API}/space-standards", params={"limit": 500}, headers=admin)
    world["standards"] = [identity(item, STANDARD) for item in standards.json()["items"]]
    template = await client.get(f"{API}/imports/template", headers=admin)
    assert template.status_code == 200, template.text
    world["template"] = template.content
    return world


# A space standard is known by what it sets: the level, the rank and since when.
STANDARD = ("level", "rank", "effective_from")


def _own_and_other(
    path: str,
    key: str,
    parameter: str,
    *,
    hidden: bool = False,
    lists: tuple[str, str] | None = None,
    **details: Any,
) -> list:
    """A unit-scoped read: everyone signed in on the caller's own unit's thing, the bureau
    on another unit's. A unit's things (`hidden`) are not admitted to exist to other units'
    callers (404); a unit itself is public knowledge, so asking about it is refused (403).
    `lists`: the keys of what the own thing's list holds and what the other's does."""
    own_sees, other_sees = (
        ({SIGNED_IN: [lists[0]]}, {SIGNED_IN: [lists[1]]}) if lists else (None, None)
    )
    return [
        row(
            "GET",
            path,
            EVERYONE_ON_OWN_UNIT,
            at={parameter: f"own_{key}"},
            sees=own_sees,
            **details,
        ),
        row(
            "GET",
            path,
            EVERYONE_BUT_UNIT_BOUND,
            at={parameter: f"other_{key}"},
            hidden_from=UNIT_BOUND if hidden else NOBODY,
            sees=other_sees,
            note="another unit's: unit-bound callers refused",
            **details,
        ),
    ]


# Who sees which of the register's things in a list: a unit-bound caller its own unit's,
# everyone else all of them.
def _by_unit(own: list[str], every: list[str]) -> dict:
    return {UNIT_BOUND: own, EVERYONE_BUT_UNIT_BOUND: every}


TABLE = [
    *HEALTH,
    # units and staffing
    row(
        "POST",
        f"{API}/units",
        ADMIN,
        body={"code": "U-new", "name": "n", "level": "county"},
        keep_as="new_unit",
    ),
    row(
        "GET",
        f"{API}/units",
        SIGNED_IN,
        sees=_by_unit(["own_unit"], ["own_unit", "other_unit", "new_unit"]),
        note="unit-bound callers get their own unit only",
    ),
    *_own_and_other(f"{API}/units/{{unit_id}}", "unit", "unit_id"),
    row("PATCH", f"{API}/units/{{unit_id}}", ADMIN, at={"unit_id": "own_unit"}, body={"name": "x"}),
    *_own_and_other(f"{API}/units/{{unit_id}}/staffing", "unit", "unit_id"),
    row(
        "PUT",
        f"{API}/units/{{unit_id}}/staffing",
        ADMIN,
        at={"unit_id": "own_unit"},
        body=[{"rank": "staff", "headcount": 3}],
    ),
    row(
        "GET",
        f"{API}/space-standards",
        SIGNED_IN,
        query={"limit": "500"},
        sees={SIGNED_IN: ["standards"]},
        id_field=STANDARD,
    ),
    row(
        "POST",
        f"{API}/space-standards",
        ADMIN,
        body={"level": "county", "rank": "staff", "area_per_person": 9, "effective_from": DATE},
    ),
    # the register
    row(
        "POST",
        f"{API}/land-parcels",
        ADMIN,
        body=lambda w: {"location": "l", "area": 5, "use": "o", "owner_unit_id": w["own_unit"]},
        keep_as="new_parcel",
    ),
    row(
        "GET",
        f"{API}/land-parcels",
        SIGNED_IN,
        sees=_by_unit(["own_parcel"], ["own_parcel", "other_parcel", "new_parcel"]),
        note="unit-bound: own unit's only",
    ),
    *_own_and_other(f"{API}/land-parcels/{{parcel_id}}", "parcel", "parcel_id", hidden=True),
    row(
        "POST",
        f"{API}/buildings",
        ADMIN,
        body=lambda w: {
            "name": "b",
            "address": "a",
            "owner_unit_id": w["own_unit"],
            "gross_area": 10,
            "use": "office",
        },
        keep_as="new_building",
    ),
    row(
        "GET",
        f"{API}/buildings",
        SIGNED_IN,
        sees=_by_unit(["own_building"], ["own_building", "other_building", "new_building"]),
        note="unit-bound: own unit's only",
    ),
    *_own_and_other(f"{API}/buildings/{{building_id}}", "building", "building_id", hidden=True),
    row(
        "PATCH",
        f"{API}/buildings/{{building_id}}",
        ADMIN,
        at={"building_id": "own_building"},
        body={"name": "renamed"},
    ),
    row(
        "POST",
        f"{API}/rooms",
        ADMIN,
        body=lambda w: {
            "building_id": w["own_building"],
            "floor": 2,
            "number": "201",
            "usable_area": 12,
            "kind": "office",
        },
        keep_as="new_room",
    ),
    row(
        "GET",
        f"{API}/rooms",
        SIGNED_IN,
        sees=_by_unit(
            ["own_room", "own_spare_room"],
            ["own_room", "own_spare_room", "other_room", "other_spare_room", "new_room"],
        ),
        note="unit-bound: the rooms their unit holds",
    ),
    *_own_and_other(f"{API}/rooms/{{room_id}}", "room", "room_id", hidden=True),
    *_own_and_other(
        f"{API}/rooms/{{room_id}}/history",
        "room",
        "room_id",
        hidden=True,
        lists=("own_change", "other_change"),
        id_field="change_id",
    ),
    *_own_and_other(f"{API}/units/{{unit_id}}/occupancy", "unit", "unit_id"),
    # the change register
    row(
        "POST",
        f"{API}/changes",
        ADMIN,
        body=lambda w: {
            "type": "reclaim",
            "room_ids": [w["own_spare_room"]],
            "effective_date": "2024-06-01",
            "reason": "r",
        },
        keep_as="new_change",
        note="the own unit's room where nobody sits",
    ),
    row(
        "GET",
        f"{API}/changes",
        REGISTER_READERS,
        sees={REGISTER_READERS: ["own_change", "other_change", "new_change"]},
    ),
    row("GET", f"{API}/changes/{{change_id}}", REGISTER_READERS, at={"change_id": "own_change"}),
    # compliance and disclosure
    *_own_and_other(f"{API}/units/{{unit_id}}/space-compliance", "unit", "unit_id"),
    row(
        "GET",
        f"{API}/reports/space-compliance",
        BUREAU,
        sees={BUREAU: ["own_unit", "other_unit", "new_unit"]},
        id_field="unit_id",
        note="the city-wide report",
    ),
    row("GET", "/public/v1/asset/units/{unit_id}/summary", PUBLIC, at={"unit_id": "own_unit"}),
    # imports
    row(
        "GET",
        f"{API}/imports/template",
        SIGNED_IN,
        note="the sheet agencies fill in (silent; everyone signed in, as built)",
    ),
    row(
        "POST",
        f"{API}/imports",
        ADMIN,
        content=lambda w: w["template"],
        headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
        note="the template as it comes: its example building and room, of the own unit",
    ),
    # renovations
    row(
        "POST",
        f"{API}/renovations",
        ADMIN,
        body=lambda w: {
            "building_id": w["own_building"],
            "title": "roof",
            "area": 100,
            "estimated_cost": "5000",
            "reason": "leaks",
        },
        keep_as="new_renovation",
    ),
    row(
        "GET",
        f"{API}/renovations",
        OWN_UNIT_READERS,
        sees={
            roles(Role.unit_staff): ["own_renovation"],
            FEW: ["own_renovation", "other_renovation", "new_renovation"],
        },
        note="unit staff: own unit's only",
    ),
    row(
        "GET",
        f"{API}/renovations/{{renovation_id}}",
        OWN_UNIT_READERS,
        at={"renovation_id": "own_renovation"},
    ),
    row(
        "GET",
        f"{API}/renovations/{{renovation_id}}",
        FEW,
        at={"renovation_id": "other_renovation"},
        hidden_from=roles(Role.unit_staff),
        note="another unit's: hidden from unit staff",
    ),
    row(
        "POST",
        f"{API}/renovations/{{renovation_id}}/reject",
        APPROVERS,
        at={"renovation_id": "other_renovation"},
        body={"reason": "no"},
    ),
    row(
        "POST",
        f"{API}/renovations/{{renovation_id}}/approve",
        APPROVERS,
        at={"renovation_id": "own_renovation"},
        body={"reason": "ok"},
    ),
    row(
        "POST",
        f"{API}/renovations/{{renovation_id}}/start",
        ADMIN,
        at={"renovation_id": "own_renovation"},
    ),
    row(
        "POST",
        f"{API}/renovations/{{renovation_id}}/accept",
        ADMIN,
        at={"renovation_id": "own_renovation"},
        body={"final_cost": "900"},
    ),
    # housing
    row(
        "POST",
        f"{API}/housing/occupants",
        ADMIN,
        body=lambda w: {"name": "王五", "unit_id": w["own_unit"]},
        keep_as="new_occupant",
    ),
    row(
        "GET",
        f"{API}/housing/occupants",
        FEW,
        sees={FEW: ["own_household", "other_household", "occupant", "new_occupant"]},
        note="a list of people: names",
    ),
    row(
        "POST",
        f"{API}/housing",
        ADMIN,
        body=lambda w: {"building_id": w["own_building"], "number": "H3", "usable_area": 60},
        keep_as="new_housing",
    ),
    row(
        "GET",
        f"{API}/housing",
        OWN_UNIT_READERS,
        sees={
            roles(Role.unit_staff): ["own_housing"],
            FEW: ["own_housing", "other_housing", "vacant_housing", "new_housing"],
        },
        note="unit staff: the homes their unit's households live in",
    ),
    row(
        "GET",
        f"{API}/housing/{{housing_unit_id}}",
        OWN_UNIT_READERS,
        at={"housing_unit_id": "own_housing"},
    ),
    row(
        "GET",
        f"{API}/housing/{{housing_unit_id}}/history",
        OWN_UNIT_READERS,
        at={"housing_unit_id": "own_housing"},
    ),
    row(
        "POST",
        f"{API}/housing/{{housing_unit_id}}/move-in",
        ADMIN,
        at={"housing_unit_id": "vacant_housing"},
        body=lambda w: {"occupant_id": w["occupant"], "effective_date": DATE},
    ),
    row(
        "POST",
        f"{API}/housing/{{housing_unit_id}}/move-out",
        ADMIN,
        at={"housing_unit_id": "own_housing"},
        body={"effective_date": "2024-05-01"},
    ),
    # stocktakes
    row(
        "POST",
        f"{API}/stocktakes",
        ADMIN,
        body=lambda w: {"unit_id": w["own_unit"], "title": "t"},
        keep_as="new_stocktake",
    ),
    row(
        "GET",
        f"{API}/stocktakes",
        OWN_UNIT_READERS,
        sees={
            roles(Role.unit_staff): ["own_stocktake", "own_closed_stocktake"],
            FEW: [
                "own_stocktake",
                "own_closed_stocktake",
                "other_stocktake",
                "other_closed_stocktake",
                "new_stocktake",
            ],
        },
    ),
    row(
        "GET",
        f"{API}/stocktakes/{{stocktake_id}}",
        OWN_UNIT_READERS,
        at={"stocktake_id": "own_stocktake"},
    ),
    row(
        "GET",
        f"{API}/stocktakes/{{stocktake_id}}",
        FEW,
        at={"stocktake_id": "other_stocktake"},
        hidden_from=roles(Role.unit_staff),
        note="another unit's: hidden from unit staff",
    ),
    row(
        "POST",
        f"{API}/stocktakes/{{stocktake_id}}/findings",
        ADMIN,
        at={"stocktake_id": "own_stocktake"},
        body=lambda w: [
            {
                "building_id": w["own_building"],
                "room_number": "101",
                "found_area": 20,
                "found_kind": "office",
            }
        ],
    ),
    row(
        "GET",
        f"{API}/stocktakes/{{stocktake_id}}/findings",
        ADMIN,
        at={"stocktake_id": "own_closed_stocktake"},
        sees={ADMIN: []},
        id_field=("building_id", "room_number"),
        note="the counters' working list, for the admin who records the findings",
    ),
    row(
        "POST",
        f"{API}/stocktakes/{{stocktake_id}}/close",
        ADMIN,
        at={"stocktake_id": "own_stocktake"},
    ),
    row(
        "GET",
        f"{API}/stocktakes/{{stocktake_id}}/report",
        OWN_UNIT_READERS,
        at={"stocktake_id": "own_closed_stocktake"},
    ),
    # seating
    *_own_and_other(
        f"{API}/rooms/{{room_id}}/seats",
        "room",
        "room_id",
        hidden=True,
        lists=("own_seat", "other_seat"),
        list_field="seats",
    ),
    *_own_and_other(
        f"{API}/units/{{unit_id}}/seats",
        "unit",
        "unit_id",
        lists=("own_seat", "other_seat"),
        list_field="seats",
    ),
    row(
        "POST",
        f"{API}/rooms/{{room_id}}/seats",
        ADMIN,
        at={"room_id": "own_room"},
        body={"name": "赵六", "rank": "staff", "effective_date": DATE},
    ),
    row(
        "POST",
        f"{API}/seats/{{seat_id}}/move-out",
        ADMIN,
        at={"seat_id": "own_seat"},
        body={"effective_date": "2024-04-01"},
    ),
]
