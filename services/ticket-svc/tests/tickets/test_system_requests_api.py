"""Requests another system files for its unit (the city's 12345 hotline platform, an API
client bound to a unit): on the hotline, with its own reference, once per reference."""

import pytest

from guanjia_shared.testing.tokens import Person

from ..ticket_helpers import DEPARTMENT, TICKETS, act, at, publish_commitment


def hotline_request(**fields):
    return {
        "channel": "hotline",
        "requester": {"name": "王先生", "phone": "13900000000"},
        "commitment_code": "C-REPAIR",
        "title": "市民反映：市府大院东门路灯不亮",
        "external_ref": "12345-20260921-0042",
        **fields,
    }


@pytest.fixture
def hotline(token_mint):
    return Person(token_mint, "integration", unit_id="unit-12345")


async def test_the_hotline_files_for_its_unit_with_its_reference_once(
    client, admin, hotline, agent
):
    await publish_commitment(client, admin)
    filed = await act(client, hotline, at(21, 9), "POST", TICKETS, hotline_request())
    assert filed.status_code == 201, filed.text
    ticket = filed.json()
    assert (ticket["channel"], ticket["external_ref"], ticket["requester_unit_id"]) == (
        "hotline",
        "12345-20260921-0042",
        "unit-12345",
    )
    assert ticket["owner"] is None and ticket["department"] == DEPARTMENT
    assert ticket["requester"]["name"] == "王先生"

    # Filed again (a retry after a lost answer): refused, naming the ticket it already is.
    again = await act(client, hotline, at(21, 9, 1), "POST", TICKETS, hotline_request())
    assert again.status_code == 409, again.text
    assert again.json()["rule"] == "unique-external-ref"
    assert again.json()["ticket_id"] == ticket["id"]

    # The platform finds it by its own reference; the department's agent sees it too.
    found = await act(
        client, hotline, at(21, 9, 2), "GET", f"{TICKETS}?external_ref=12345-20260921-0042"
    )
    assert [row["id"] for row in found.json()["items"]] == [ticket["id"]]
    assert found.json()["total"] == 1
    taken = await act(client, agent, at(21, 9, 5), "POST", f"{TICKETS}/{ticket['id']}/take")
    assert taken.status_code == 200, taken.text


async def test_another_unit_may_use_the_same_reference(client, admin, hotline, token_mint):
    await publish_commitment(client, admin)
    other_system = Person(token_mint, "integration", unit_id="unit-other")
    for person in (hotline, other_system):
        answer = await act(client, person, at(21, 9), "POST", TICKETS, hotline_request())
        assert answer.status_code == 201, answer.text
    mine = await act(client, hotline, at(21, 9, 1), "GET", TICKETS)
    assert [row["requester_unit_id"] for row in mine.json()["items"]] == ["unit-12345"]


@pytest.mark.parametrize(
    "fields, status",
    [
        ({"channel": "phone"}, 422),  # the desk's channel
        ({"channel": "walk_in"}, 422),
        ({"requester": {"name": "王先生", "unit_id": "unit-other"}}, 403),
        ({"external_ref": ""}, 422),
        ({"external_ref": "x" * 65}, 422),
        ({"external_ref": "12345\n0042"}, 422),
    ],
)
async def test_what_a_system_may_not_file(client, admin, hotline, fields, status):
    await publish_commitment(client, admin)
    answer = await act(client, hotline, at(21, 9), "POST", TICKETS, hotline_request(**fields))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    listed = await act(client, hotline, at(21, 9, 1), "GET", TICKETS)
    assert listed.json()["total"] == 0


async def test_a_system_bound_to_no_unit_files_nothing(client, admin, token_mint):
    await publish_commitment(client, admin)
    unbound = Person(token_mint, "integration")
    answer = await act(client, unbound, at(21, 9), "POST", TICKETS, hotline_request())
    assert answer.status_code == 403, answer.text
    assert (await client.get(TICKETS, headers=admin)).json()["total"] == 0


async def test_unit_staff_still_file_online_only(client, admin, requester):
    await publish_commitment(client, admin)
    answer = await act(client, requester, at(21, 9), "POST", TICKETS, hotline_request())
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["pointer"] == "#/channel"
