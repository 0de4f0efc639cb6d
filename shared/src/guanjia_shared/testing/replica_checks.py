"""The one check every keeper of the unit replica passes, through real NATS."""

from __future__ import annotations

import uuid

import httpx

from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import publish_event


def unit_event(verb: str, unit_id: str, *, version: int, name: str):
    return build_event(
        service="asset",
        short_type=f"asset.unit.{verb}",
        subject=unit_id,
        data={
            "id": unit_id,
            "code": f"C-{unit_id[:6]}",
            "name": name,
            "parent_id": None,
            "level": "municipal",
            "version": version,
        },
        time=now(),
    )


def building_event(verb: str, building_id: str, *, version: int, name: str, **extra):
    """What asset-svc publishes: its BuildingRead of the building."""
    data = {
        "id": building_id,
        "name": name,
        "address": "市府路1号",
        "land_parcel_id": None,
        "owner_unit_id": "unit-1",
        "title_certificate_no": None,
        "gross_area": 12000.0,
        "usable_area": 9000.0,
        "built_year": 1998,
        "use": "office",
        "disposed": False,
        "version": version,
        "created_at": now().isoformat(),
        "updated_at": now().isoformat(),
        **extra,
    }
    return build_event(
        service="asset",
        short_type=f"asset.building.{verb}",
        subject=building_id,
        data=data,
        time=now(),
    )


async def check_unit_replica_follows_asset_events(
    client: httpx.AsyncClient, headers: dict[str, str], nats_url: str, namespace: str, prefix: str
) -> None:
    """Created and updated units arrive; a stale (older) version never overwrites."""
    unit_id = str(uuid.uuid4())
    url = f"{prefix}/units/{unit_id}"

    async def named(expected: str) -> None:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["name"] == expected

    await publish_event(
        nats_url, namespace, unit_event("created", unit_id, version=1, name="市财政局")
    )
    await eventually(lambda: named("市财政局"))
    await publish_event(
        nats_url, namespace, unit_event("updated", unit_id, version=3, name="市财政局（三）")
    )
    await eventually(lambda: named("市财政局（三）"))

    stale = unit_event("updated", unit_id, version=2, name="过时的名字")
    marker_id = str(uuid.uuid4())
    await publish_event(nats_url, namespace, stale)
    await publish_event(
        nats_url, namespace, unit_event("created", marker_id, version=1, name="标记")
    )

    async def marker_arrived() -> None:
        assert (await client.get(f"{prefix}/units/{marker_id}", headers=headers)).status_code == 200

    await eventually(marker_arrived)  # events of one stream arrive in order: the stale one is in
    await named("市财政局（三）")
    listing = (await client.get(f"{prefix}/units", headers=headers)).json()
    assert listing["total"] == 2
