"""The procedure a commitment carries out (`procedure_code`, a code of ledger-svc's
procedure register): set and changed as a term, in a new version; its shape checked, not
looked up; carried in the commitment's events."""

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from .commitment_helpers import COMMITMENTS, PUBLIC, create


async def test_a_commitment_names_the_procedure_it_carries_out(client, admin):
    created = await create(client, admin, procedure_code="GJ-WX-001")
    assert created.status_code == 201, created.text
    commitment = created.json()
    assert commitment["procedure_code"] == "GJ-WX-001"
    fetched = await client.get(f"{COMMITMENTS}/{commitment['id']}", headers=admin)
    assert fetched.json()["procedure_code"] == "GJ-WX-001"
    first = await client.get(f"{COMMITMENTS}/{commitment['id']}/versions/1", headers=admin)
    assert first.json()["procedure_code"] == "GJ-WX-001"


async def test_a_commitment_without_a_procedure_names_none(client, admin):
    commitment = (await create(client, admin)).json()
    assert commitment["procedure_code"] is None


async def test_changing_the_procedure_is_a_new_version_and_null_clears_it(client, admin):
    commitment = (await create(client, admin, procedure_code="GJ-WX-001")).json()
    url = f"{COMMITMENTS}/{commitment['id']}"

    renamed = await client.patch(url, json={"procedure_code": "GJ-WX-002"}, headers=admin)
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["version"], renamed.json()["procedure_code"]) == (2, "GJ-WX-002")
    cleared = await client.patch(url, json={"procedure_code": None}, headers=admin)
    assert (cleared.json()["version"], cleared.json()["procedure_code"]) == (3, None)
    unchanged = await client.patch(url, json={"response_minutes": 45}, headers=admin)
    assert (unchanged.json()["version"], unchanged.json()["procedure_code"]) == (4, None)

    versions = (await client.get(f"{url}/versions", headers=admin)).json()["items"]
    assert [v["procedure_code"] for v in versions] == ["GJ-WX-001", "GJ-WX-002", None, None]


@pytest.mark.parametrize(
    "code",
    ["", "GJ WX\n001", "-GJ-001", "GJ-001-", "GJ—WX—001", "GJ;DROP", "G" * 51, "规-001", 17],
)
async def test_a_procedure_code_of_the_wrong_shape_is_refused(client, admin, code):
    refused = await create(client, admin, procedure_code=code)
    assert refused.status_code == 422, refused.text
    assert any(error["pointer"] == "#/procedure_code" for error in refused.json()["errors"]), (
        refused.text
    )
    assert (await client.get(COMMITMENTS, headers=admin)).json()["total"] == 0


@pytest.mark.parametrize("code", ["GJ-WX-001", "QP 7.5", "GB/T 19001-2016", "gj_wx.3", "7"])
async def test_codes_of_the_registers_shapes_are_taken(client, admin, code):
    created = await create(client, admin, procedure_code=code)
    assert created.status_code == 201, created.text
    assert created.json()["procedure_code"] == code


async def test_a_padded_code_is_kept_trimmed(client, admin):
    created = await create(client, admin, procedure_code="  GJ-WX-001 ")
    assert created.json()["procedure_code"] == "GJ-WX-001"


async def test_the_commitments_of_a_procedure_are_listed(client, admin):
    await create(client, admin, code="C-A", procedure_code="GJ-WX-001")
    await create(client, admin, code="C-B", procedure_code="GJ-WX-002")
    await create(client, admin, code="C-C")

    listed = await client.get(COMMITMENTS, params={"procedure_code": "GJ-WX-001"}, headers=admin)
    assert [c["code"] for c in listed.json()["items"]] == ["C-A"]


async def test_the_public_sees_the_procedure_of_a_published_commitment(client, admin):
    commitment = (await create(client, admin, procedure_code="GJ-WX-001")).json()
    await client.post(f"{COMMITMENTS}/{commitment['id']}/publish", headers=admin)

    [public] = (await client.get(PUBLIC)).json()["items"]
    assert public["procedure_code"] == "GJ-WX-001"


async def test_the_commitments_events_carry_the_procedure(
    client, admin, nats_server_url, event_namespace
):
    commitment = (await create(client, admin, procedure_code="GJ-WX-001")).json()
    url = f"{COMMITMENTS}/{commitment['id']}"
    await client.patch(url, json={"procedure_code": "GJ-WX-002"}, headers=admin)

    async def commitment_events():
        events = await published_events(nats_server_url, event_namespace, "ticket")
        assert [e.short_type for e in events] == [
            "ticket.commitment.created",
            "ticket.commitment.updated",
        ]
        return events

    created, updated = await eventually(commitment_events)
    assert created.data["procedure_code"] == "GJ-WX-001"
    assert (updated.data["version"], updated.data["procedure_code"]) == (2, "GJ-WX-002")
