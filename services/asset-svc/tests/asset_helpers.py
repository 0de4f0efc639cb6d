"""Helpers the asset-svc tests share: units, buildings, rooms and changes made through the
API, as an admin would make them (imported relatively, as every service's test helpers are)."""

from __future__ import annotations

import uuid

API = "/api/v1/asset"


async def make_unit(client, admin, name="市财政局", level="municipal") -> str:
    body = {"code": f"U-{uuid.uuid4().hex[:8]}", "name": name, "level": level}
    answer = await client.post(f"{API}/units", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def make_building(client, admin, owner_unit_id, **fields) -> dict:
    body = {
        "name": "市政府一号楼",
        "address": "郑州市中原路233号",
        "owner_unit_id": owner_unit_id,
        "gross_area": 12000.0,
        "usable_area": 9000.0,
        "built_year": 1998,
        "use": "office",
        **fields,
    }
    answer = await client.post(f"{API}/buildings", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def make_rooms(client, admin, building_id, areas, kind="office") -> list[str]:
    ids = []
    for number, area in enumerate(areas, start=101):
        body = {
            "building_id": building_id,
            "floor": 1,
            "number": str(number),
            "usable_area": area,
            "kind": kind,
        }
        answer = await client.post(f"{API}/rooms", json=body, headers=admin)
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


async def change(client, admin, type, effective_date="2025-03-01", **fields):
    body = {"type": type, "effective_date": effective_date, "reason": "测试", **fields}
    return await client.post(f"{API}/changes", json=body, headers=admin)
