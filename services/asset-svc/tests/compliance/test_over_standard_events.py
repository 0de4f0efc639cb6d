"""`asset.unit.over_standard` is published when a unit goes from within to over its
standard, once, and not again while it stays over."""

import uuid

import pytest

from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import published_events

from ..asset_helpers import API, change, make_building, make_rooms, make_unit


async def staff(client, admin, unit, **headcounts):
    lines = [{"rank": rank, "headcount": count} for rank, count in headcounts.items()]
    answer = await client.put(f"{API}/units/{unit}/staffing", json=lines, headers=admin)
    assert answer.status_code == 200, answer.text


async def unit_with_office_rooms(client, admin, area):
    """A municipal unit staffed well within its standard, then given `area` m² of office."""
    unit = await make_unit(client, admin, name=f"局{uuid.uuid4().hex[:6]}")
    await staff(client, admin, unit, head=1, deputy=2, staff=20)  # 42 + 2×30 + 20×9 = 282
    building = await make_building(client, admin, unit)
    rooms = await make_rooms(client, admin, building["id"], [area])
    allocated = await change(client, admin, "allocate", room_ids=rooms, unit_id=unit)
    assert allocated.status_code == 201, allocated.text
    return unit


async def over_standard_events(client, admin, nats_server_url, event_namespace):
    """The over_standard events published so far: a unit made last and seen in the stream
    shows that everything recorded before it has been published."""
    marker = await make_unit(client, admin, name="标记")

    async def through_marker():
        events = await published_events(nats_server_url, event_namespace, "asset")
        assert marker in {event.subject for event in events}
        return [event for event in events if event.short_type == "asset.unit.over_standard"]

    return await eventually(through_marker)


@pytest.mark.on_day("2026-06-01T10:00:00+08:00")  # the event names the day it was judged
async def test_going_over_publishes_once_and_not_again_while_over(
    client, admin, nats_server_url, event_namespace
):
    unit = await unit_with_office_rooms(client, admin, 100.0)
    await staff(client, admin, unit, head=1)  # 1×42 = 42 < 100: over by 58
    await staff(client, admin, unit, head=1, deputy=1)  # 42 + 30 = 72 < 100: still over

    [event] = await over_standard_events(client, admin, nats_server_url, event_namespace)
    assert event.subject == unit
    assert event.data == {
        "unit_id": unit,
        "standard_area": 42.0,
        "actual_area": 100.0,
        "excess": 58.0,
        "as_of": "2026-06-01",
    }


async def test_a_unit_that_comes_back_within_is_published_again_when_it_goes_over_again(
    client, admin, nats_server_url, event_namespace
):
    unit = await unit_with_office_rooms(client, admin, 100.0)
    await staff(client, admin, unit, head=1)  # 42: over
    await staff(client, admin, unit, head=1, deputy=2)  # 42 + 60 = 102: within again
    await staff(client, admin, unit, deputy=1)  # 30: over again, by 70

    events = await over_standard_events(client, admin, nats_server_url, event_namespace)
    assert [event.data["excess"] for event in events] == [58.0, 70.0]


async def test_a_unit_that_stays_within_publishes_nothing(
    client, admin, nats_server_url, event_namespace
):
    unit = await unit_with_office_rooms(client, admin, 100.0)
    await staff(client, admin, unit, head=1, deputy=2)  # 102 ≥ 100
    assert await over_standard_events(client, admin, nats_server_url, event_namespace) == []
