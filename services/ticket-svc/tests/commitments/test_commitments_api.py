"""The commitments contract: versions that never change, who may write, what is refused,
and what is published."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from .commitment_helpers import COMMITMENTS, create, terms


async def test_an_admin_creates_a_commitment_at_version_1(client, admin):
    created = await create(client, admin)
    assert created.status_code == 201, created.text
    commitment = created.json()
    assert commitment["code"] == "C-REPAIR" and commitment["version"] == 1
    assert commitment["published"] is False
    assert created.headers["etag"] == '"1"'
    fetched = await client.get(f"{COMMITMENTS}/{commitment['id']}", headers=admin)
    assert fetched.status_code == 200 and fetched.json() == commitment
    assert fetched.headers["etag"] == '"1"'


async def test_editing_the_terms_makes_version_2_and_leaves_version_1_as_it_was(client, admin):
    calendar = await client.post(
        "/api/v1/ticket/calendars", json={"code": "office", "name": "机关作息"}, headers=admin
    )
    assert calendar.status_code == 201, calendar.text
    calendar_id = calendar.json()["id"]
    commitment = (await create(client, admin, calendar_id=calendar_id)).json()
    url = f"{COMMITMENTS}/{commitment['id']}"

    edited = await client.patch(
        url,
        json={"response_minutes": 15, "calendar_id": None},
        headers={**admin, "If-Match": '"1"'},
    )
    assert edited.status_code == 200, edited.text
    assert edited.headers["etag"] == '"2"'
    assert edited.json()["version"] == 2 and edited.json()["response_minutes"] == 15
    assert edited.json()["calendar_id"] is None

    first = (await client.get(f"{url}/versions/1", headers=admin)).json()
    assert first["version"] == 1 and first["response_minutes"] == 30
    assert first["calendar_id"] == calendar_id and first["created_by"]
    second = (await client.get(f"{url}/versions/2", headers=admin)).json()
    assert second["response_minutes"] == 15 and second["calendar_id"] is None
    listed = (await client.get(f"{url}/versions", headers=admin)).json()
    assert [(v["version"], v["response_minutes"]) for v in listed["items"]] == [(1, 30), (2, 15)]
    assert (await client.get(f"{url}/versions/3", headers=admin)).status_code == 404


async def test_an_edit_that_changes_nothing_makes_no_version(client, admin):
    commitment = (await create(client, admin)).json()
    url = f"{COMMITMENTS}/{commitment['id']}"
    same = await client.patch(url, json={"response_minutes": 30}, headers=admin)
    assert same.status_code == 200 and same.json()["version"] == 1
    assert (await client.get(f"{url}/versions", headers=admin)).json()["total"] == 1


async def test_an_edit_from_a_stale_version_is_refused_with_412(client, admin):
    commitment = (await create(client, admin)).json()
    url = f"{COMMITMENTS}/{commitment['id']}"
    assert (await client.patch(url, json={"name": "维修二"}, headers=admin)).status_code == 200

    stale = await client.patch(url, json={"name": "维修三"}, headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    current = (await client.get(url, headers=admin)).json()
    assert current["name"] == "维修二" and current["version"] == 2


async def test_a_second_commitment_with_the_same_code_is_refused(client, admin):
    assert (await create(client, admin)).status_code == 201
    duplicate = await create(client, admin, name="另一个")
    assert duplicate.status_code == 409
    assert duplicate.json()["rule"] == "unique-commitment-code"
    assert (await client.get(COMMITMENTS, headers=admin)).json()["total"] == 1


@pytest.mark.parametrize(
    "body",
    [
        terms(response_minutes=0),
        terms(resolve_hours=-1),
        terms(response_minutes="30"),
        terms(name=""),
        terms(surprise="field"),
        {"code": "C-ONLY"},
    ],
    ids=["zero-minutes", "negative-hours", "string-minutes", "empty-name", "unknown", "partial"],
)
async def test_bad_terms_are_refused_and_nothing_is_created(client, admin, body):
    refused = await client.post(COMMITMENTS, json=body, headers=admin)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"]
    assert (await client.get(COMMITMENTS, headers=admin)).json()["total"] == 0


@pytest.mark.parametrize(
    "body",
    [{"response_minutes": 0}, {"name": None}, {"code": "C-OTHER"}, {"published": True}],
    ids=["zero-minutes", "null-name", "code", "published"],
)
async def test_bad_edits_are_refused_and_nothing_changes(client, admin, body):
    commitment = (await create(client, admin)).json()
    url = f"{COMMITMENTS}/{commitment['id']}"
    refused = await client.patch(url, json=body, headers=admin)
    assert refused.status_code == 422, refused.text
    assert (await client.get(url, headers=admin)).json() == commitment


async def test_only_an_admin_may_write(client, admin, token_mint):
    agent = token_mint.headers("agent")
    assert (await create(client, agent)).status_code == 403
    commitment = (await create(client, admin)).json()
    url = f"{COMMITMENTS}/{commitment['id']}"
    assert (await client.patch(url, json={"name": "x"}, headers=agent)).status_code == 403
    assert (await client.post(f"{url}/publish", headers=agent)).status_code == 403
    assert (await client.post(f"{url}/unpublish", headers=agent)).status_code == 403
    assert (await client.get(url, headers=admin)).json() == commitment
    assert (await client.get(url, headers=agent)).status_code == 200


async def test_the_list_filters_by_category_department_and_published(client, admin):
    repair = (await create(client, admin, code="C-1")).json()
    await create(client, admin, code="C-2", category="cleaning")
    await create(client, admin, code="C-3", department="物业科")
    await client.post(f"{COMMITMENTS}/{repair['id']}/publish", headers=admin)

    async def codes(**params):
        listed = (await client.get(COMMITMENTS, params=params, headers=admin)).json()
        return [item["code"] for item in listed["items"]]

    assert await codes() == ["C-1", "C-2", "C-3"]
    assert await codes(category="repair") == ["C-1", "C-3"]
    assert await codes(department="物业科") == ["C-3"]
    assert await codes(published="true") == ["C-1"]
    assert await codes(published="false", category="repair") == ["C-3"]


async def test_an_unknown_commitment_is_not_found(client, admin):
    assert (await client.get(f"{COMMITMENTS}/nope", headers=admin)).status_code == 404
    assert (await client.get(f"{COMMITMENTS}/nope/versions", headers=admin)).status_code == 404
    assert (await client.post(f"{COMMITMENTS}/nope/publish", headers=admin)).status_code == 404


async def test_every_change_publishes_its_event(client, admin, nats_server_url, event_namespace):
    commitment = (await create(client, admin)).json()
    url = f"{COMMITMENTS}/{commitment['id']}"
    await client.patch(url, json={"resolve_hours": 8}, headers=admin)
    await client.post(f"{url}/publish", headers=admin)
    await client.post(f"{url}/unpublish", headers=admin)

    async def commitment_events():
        events = await published_events(nats_server_url, event_namespace, "ticket")
        assert [(e.short_type, e.subject) for e in events] == [
            ("ticket.commitment.created", commitment["id"]),
            ("ticket.commitment.updated", commitment["id"]),
            ("ticket.commitment.published", commitment["id"]),
            ("ticket.commitment.unpublished", commitment["id"]),
        ]
        return events

    created, updated, published, unpublished = await eventually(commitment_events)
    assert created.data["version"] == 1 and created.data["code"] == "C-REPAIR"
    assert updated.data["version"] == 2 and updated.data["resolve_hours"] == 8
    assert published.data["published"] is True and unpublished.data["published"] is False


async def test_a_commitment_names_a_calendar_that_exists(client, admin):
    refused = await create(client, admin, calendar_id="no-such-calendar")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/calendar_id"
    commitment = (await create(client, admin)).json()
    edit = await client.patch(
        f"{COMMITMENTS}/{commitment['id']}", json={"calendar_id": "nope"}, headers=admin
    )
    assert edit.status_code == 422
    listed = await client.get(f"{COMMITMENTS}/{commitment['id']}/versions", headers=admin)
    assert listed.json()["total"] == 1
