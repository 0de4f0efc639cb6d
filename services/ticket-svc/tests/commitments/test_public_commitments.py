"""Disclosure (信息公开): the published commitments' current terms, for anyone, no token."""

from .commitment_helpers import COMMITMENTS, PUBLIC, create


async def test_published_commitments_are_public_without_a_token(client):
    response = await client.get(PUBLIC)
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0}


async def test_the_full_commitment_list_needs_a_token(client):
    assert (await client.get(COMMITMENTS)).status_code == 401


async def test_only_published_commitments_appear_on_the_public_list(client, token_mint):
    admin = token_mint.headers("admin")
    shown = (await create(client, admin, code="C-SHOWN")).json()
    await create(client, admin, code="C-HIDDEN")
    published = await client.post(f"{COMMITMENTS}/{shown['id']}/publish", headers=admin)
    assert published.status_code == 200 and published.json()["published"] is True

    listed = (await client.get(PUBLIC)).json()
    assert [item["code"] for item in listed["items"]] == ["C-SHOWN"]
    assert listed["total"] == 1
    assert "created_by" not in listed["items"][0]
    assert set(listed["items"][0]) >= {
        "id",
        "code",
        "name",
        "category",
        "department",
        "response_minutes",
        "resolve_hours",
        "calendar_id",
        "published",
    }


async def test_unpublishing_takes_a_commitment_off_the_public_list(client, token_mint):
    admin = token_mint.headers("admin")
    commitment = (await create(client, admin)).json()
    await client.post(f"{COMMITMENTS}/{commitment['id']}/publish", headers=admin)
    assert (await client.get(PUBLIC)).json()["total"] == 1

    unpublished = await client.post(f"{COMMITMENTS}/{commitment['id']}/unpublish", headers=admin)
    assert unpublished.status_code == 200 and unpublished.json()["published"] is False
    assert (await client.get(PUBLIC)).json() == {"items": [], "total": 0}


async def test_the_public_list_shows_the_current_version_only(client, token_mint):
    admin = token_mint.headers("admin")
    commitment = (await create(client, admin, response_minutes=30)).json()
    await client.post(f"{COMMITMENTS}/{commitment['id']}/publish", headers=admin)
    await client.patch(
        f"{COMMITMENTS}/{commitment['id']}", json={"response_minutes": 15}, headers=admin
    )

    [item] = (await client.get(PUBLIC)).json()["items"]
    assert item["response_minutes"] == 15 and item["version"] == 2
