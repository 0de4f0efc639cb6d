"""The replica of asset-svc's buildings, fed by real `asset.building.*` events over NATS, and
building ids named before their event arrived: accepted, then confirmed."""

import uuid

from sqlalchemy import select

from emergency_svc.buildings.models import PendingBuildingCheck
from emergency_svc.buildings.service import ensure_known_building
from guanjia_shared.clock import now
from guanjia_shared.platform_tables import dead_letter
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.replica_checks import building_event

API = "/api/v1/emergency/buildings"


async def named(client, headers, building_id, expected):
    answer = await client.get(f"{API}/{building_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == expected
    return answer.json()


async def test_the_replica_follows_asset_building_events_and_never_goes_back_a_version(
    client, commander, publish
):
    building_id = str(uuid.uuid4())
    await publish(building_event("created", building_id, version=1, name="市政府一号楼"))
    await eventually(lambda: named(client, commander, building_id, "市政府一号楼"))
    await publish(
        building_event("updated", building_id, version=3, name="市政府综合楼", disposed=True)
    )
    building = await eventually(lambda: named(client, commander, building_id, "市政府综合楼"))
    assert (building["version"], building["disposed"], building["address"]) == (
        3,
        True,
        "市府路1号",
    )

    marker = str(uuid.uuid4())
    await publish(
        building_event("updated", building_id, version=2, name="过时的名字"),
        building_event("created", marker, version=1, name="标记楼"),
    )
    # Events of one stream arrive in order: once the marker is in, so is the stale event.
    await eventually(lambda: named(client, commander, marker, "标记楼"))
    await named(client, commander, building_id, "市政府综合楼")
    listing = (await client.get(API, headers=commander)).json()
    assert {b["name"] for b in listing["items"]} == {"市政府综合楼", "标记楼"}
    assert listing["total"] == 2
    owned = await client.get(API, params={"owner_unit_id": "unit-1"}, headers=commander)
    assert owned.json()["total"] == 2


async def test_a_building_not_yet_replicated_is_accepted_then_confirmed_when_its_event_comes(
    client, commander, publish
):
    building_id = str(uuid.uuid4())
    stock = await client.post(
        "/api/v1/emergency/supplies",
        json={"location": "新楼值班室", "item_code": "flashlight", "building_id": building_id},
        headers=commander,
    )
    assert stock.status_code == 201, stock.text

    unconfirmed = (await client.get(f"{API}/unconfirmed", headers=commander)).json()
    assert [(b["building_id"], b["reference_count"]) for b in unconfirmed["items"]] == [
        (building_id, 1)
    ]
    assert unconfirmed["items"][0]["last_referenced_by"] == f"supplies:{stock.json()['id']}"
    assert (await client.get(f"{API}/{building_id}", headers=commander)).status_code == 404

    await publish(building_event("created", building_id, version=1, name="新建办公楼"))
    await eventually(lambda: named(client, commander, building_id, "新建办公楼"))
    after = (await client.get(f"{API}/unconfirmed", headers=commander)).json()
    assert after == {"items": [], "total": 0}


async def test_ensure_known_building_remembers_unknown_ids_and_passes_known_ones(
    client, commander, publish, session_factory
):
    known = str(uuid.uuid4())
    await publish(building_event("created", known, version=1, name="已知楼"))
    await eventually(lambda: named(client, commander, known, "已知楼"))
    async with session_factory() as session:
        await ensure_known_building(session, known, referenced_by="incident:1")
        await ensure_known_building(session, "typo-id", referenced_by="incident:1")
        await ensure_known_building(session, "typo-id", referenced_by="incident:2")
        await session.commit()
    async with session_factory() as session:
        rows = (await session.execute(select(PendingBuildingCheck))).scalars().all()
        assert [(r.building_id, r.reference_count, r.last_referenced_by) for r in rows] == [
            ("typo-id", 2, "incident:2")
        ]


async def test_a_pending_id_whose_building_arrived_meanwhile_is_not_listed_as_unconfirmed(
    client, commander, publish, session_factory
):
    # The check and the event can pass each other: the listing looks at the replica itself.
    building_id = str(uuid.uuid4())
    await publish(building_event("created", building_id, version=1, name="并发楼"))
    await eventually(lambda: named(client, commander, building_id, "并发楼"))
    async with session_factory() as session:
        session.add(
            PendingBuildingCheck(
                building_id=building_id, first_referenced_at=now(), last_referenced_at=now()
            )
        )
        await session.commit()
    assert (await client.get(f"{API}/unconfirmed", headers=commander)).json()["total"] == 0


async def test_a_building_event_without_a_version_is_a_dead_letter(
    client, commander, publish, session_factory
):
    broken = building_event("created", str(uuid.uuid4()), version=1, name="坏事件")
    del broken.data["version"]
    marker = str(uuid.uuid4())
    await publish(broken, building_event("created", marker, version=1, name="标记楼"))
    await eventually(lambda: named(client, commander, marker, "标记楼"))

    async def dead_lettered():
        async with session_factory() as session:
            rows = (await session.execute(select(dead_letter.c.event_id))).scalars().all()
        assert rows == [broken.id]

    await eventually(dead_lettered)


async def test_the_replica_is_read_by_bureau_roles_only(client, token_mint):
    assert (await client.get(API, headers=token_mint.headers("auditor"))).status_code == 200
    outsider = token_mint.headers("unit_staff", unit_id="u-1")
    assert (await client.get(API, headers=outsider)).status_code == 403
    assert (await client.get(f"{API}/unconfirmed")).status_code == 401
