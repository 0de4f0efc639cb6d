"""The units contract at the service: who may write, what is refused, what is published."""

from datetime import datetime

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

UNITS = "/api/v1/asset/units"


async def create(client, headers, **fields):
    body = {"code": "U001", "name": "市财政局", "level": "municipal", **fields}
    return await client.post(UNITS, json=body, headers=headers)


async def test_an_admin_creates_a_unit_and_reads_it_back(client, admin):
    created = await create(client, admin)
    assert created.status_code == 201, created.text
    unit = created.json()
    assert unit["code"] == "U001" and unit["level"] == "municipal" and unit["parent_id"] is None
    assert created.headers["etag"] == '"1"'
    fetched = await client.get(f"{UNITS}/{unit['id']}", headers=admin)
    assert fetched.status_code == 200
    assert fetched.json()["name"] == "市财政局"


async def test_timestamps_come_back_with_their_offset(client, admin):
    unit = (await create(client, admin)).json()
    fetched = (await client.get(f"{UNITS}/{unit['id']}", headers=admin)).json()
    for field in ("created_at", "updated_at"):
        assert datetime.fromisoformat(fetched[field]).utcoffset() is not None, fetched[field]


async def test_creating_a_unit_publishes_asset_unit_created(
    client, admin, nats_server_url, event_namespace
):
    unit = (await create(client, admin)).json()

    async def created_event():
        events = await published_events(nats_server_url, event_namespace, "asset")
        assert [event.type for event in events] == ["gov.guanjia.asset.unit.created.v1"]
        return events[0]

    event = await eventually(created_event)
    assert event.source == "/guanjia/asset"
    assert event.subject == unit["id"]
    assert event.data["code"] == "U001" and event.data["version"] == 1
    assert event.time.tzinfo is not None


async def test_updating_a_unit_publishes_asset_unit_updated_with_the_new_version(
    client, admin, nats_server_url, event_namespace
):
    unit = (await create(client, admin)).json()
    updated = await client.patch(
        f"{UNITS}/{unit['id']}", json={"name": "市财政局（新）"}, headers=admin
    )
    assert updated.status_code == 200
    assert updated.json()["version"] == 2

    async def both_events():
        events = await published_events(nats_server_url, event_namespace, "asset")
        assert [event.short_type for event in events] == [
            "asset.unit.created",
            "asset.unit.updated",
        ]
        return events

    events = await eventually(both_events)
    assert events[1].data["name"] == "市财政局（新）" and events[1].data["version"] == 2


async def test_a_unit_needs_a_token(client):
    response = await client.get(UNITS)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:guanjia:problem:unauthorized"


async def test_an_expired_token_is_refused(client, token_mint):
    from datetime import timedelta

    headers = token_mint.headers("admin", expires_in=timedelta(seconds=-30))
    response = await client.get(UNITS, headers=headers)
    assert response.status_code == 401


async def test_a_token_signed_by_another_key_is_refused(client, tmp_path):
    from guanjia_shared.testing.tokens import TokenMint

    (tmp_path / "forger").mkdir()
    forger = TokenMint(tmp_path / "forger")
    response = await client.get(UNITS, headers=forger.headers("admin"))
    assert response.status_code == 401


async def test_only_an_admin_may_create_units(client, token_mint):
    response = await create(client, token_mint.headers("unit_staff", unit_id="x"))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:guanjia:problem:forbidden"
    listing = await client.get(UNITS, headers=token_mint.headers("admin"))
    assert listing.json()["total"] == 0


async def test_a_duplicate_code_is_a_conflict_naming_the_rule(client, admin):
    await create(client, admin)
    response = await create(client, admin, name="另一个")
    assert response.status_code == 409
    assert response.json()["rule"] == "unique-unit-code"


async def test_an_unknown_level_is_refused_with_the_field_at_fault(client, admin):
    response = await create(client, admin, level="galactic")
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:guanjia:problem:validation-error"
    assert {"#/level"} == {error["pointer"] for error in problem["errors"]}


async def test_malformed_json_is_a_400_and_changes_nothing(client, admin):
    response = await client.post(
        UNITS,
        content=b'{"code": "U1", "name": ',
        headers={**admin, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get(UNITS, headers=admin)).json()["total"] == 0


async def test_an_oversize_body_is_a_413(client, admin):
    response = await client.post(
        UNITS,
        content=b'{"code": "' + b"x" * (1024 * 1024 + 10) + b'"}',
        headers={**admin, "content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"] == "urn:guanjia:problem:payload-too-large"


async def test_a_stale_if_match_is_a_412_and_changes_nothing(client, admin):
    unit = (await create(client, admin)).json()
    await client.patch(f"{UNITS}/{unit['id']}", json={"name": "第二版"}, headers=admin)
    stale = await client.patch(
        f"{UNITS}/{unit['id']}", json={"name": "第三版"}, headers={**admin, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert (await client.get(f"{UNITS}/{unit['id']}", headers=admin)).json()["name"] == "第二版"


async def test_a_unit_cannot_be_moved_under_its_own_child(client, admin):
    parent = (await create(client, admin, code="P")).json()
    child = (await create(client, admin, code="C", parent_id=parent["id"])).json()
    response = await client.patch(
        f"{UNITS}/{parent['id']}", json={"parent_id": child["id"]}, headers=admin
    )
    assert response.status_code == 409
    assert response.json()["rule"] == "unit-tree-acyclic"


async def test_the_tree_of_units_is_read_from_its_top_down(client, admin):
    bureau = (await create(client, admin, code="T1")).json()
    other = (await create(client, admin, code="T2")).json()
    office = (await create(client, admin, code="T1-1", parent_id=bureau["id"])).json()
    await create(client, admin, code="T1-1-1", parent_id=office["id"])

    def codes(answer):
        assert answer.status_code == 200, answer.text
        return [unit["code"] for unit in answer.json()["items"]]

    assert codes(await client.get(UNITS, params={"top": True}, headers=admin)) == ["T1", "T2"]
    assert codes(await client.get(UNITS, params={"parent_id": bureau["id"]}, headers=admin)) == [
        "T1-1"
    ]
    assert codes(await client.get(UNITS, params={"parent_id": other["id"]}, headers=admin)) == []


async def test_an_unknown_parent_is_refused(client, admin):
    response = await create(client, admin, parent_id="no-such-unit")
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/parent_id"


async def test_an_unknown_unit_is_a_404_problem(client, admin):
    response = await client.get(f"{UNITS}/nope", headers=admin)
    assert response.status_code == 404
    assert response.json()["status"] == 404


async def test_units_list_in_pages_with_a_total(client, admin):
    for number in range(7):
        await create(client, admin, code=f"U{number:03}", name=f"单位{number}")
    page = await client.get(UNITS, params={"limit": 3, "offset": 3}, headers=admin)
    body = page.json()
    assert body["total"] == 7
    assert [unit["code"] for unit in body["items"]] == ["U003", "U004", "U005"]
    too_many = await client.get(UNITS, params={"limit": 501}, headers=admin)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["parameter"] == "limit"


async def test_every_answer_carries_a_request_id(client, admin):
    mine = await client.get(UNITS, headers={**admin, "X-Request-ID": "req-42"})
    assert mine.headers["x-request-id"] == "req-42"
    fresh = await client.get("/healthz")
    assert len(fresh.headers["x-request-id"]) == 32
