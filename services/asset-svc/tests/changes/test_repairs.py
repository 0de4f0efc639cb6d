"""A ticket closed in ticket-svc that names a room becomes a repair in that room's history,
through the real broker."""

import uuid

from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.testing.apps import eventually
from guanjia_shared.testing.streams import publish_event

from ..asset_helpers import API, make_building, make_rooms, make_unit


def ticket_closed(ticket_id, **place):
    return build_event(
        service="ticket",
        short_type="ticket.ticket.closed",
        subject=ticket_id,
        data={"id": ticket_id, "title": "空调不制冷", "department": "物业处", **place},
        time=now(),
    )


async def test_a_closed_repair_ticket_enters_the_rooms_history_once(
    client, admin, nats_server_url, event_namespace
):
    unit = await make_unit(client, admin)
    building = await make_building(client, admin, unit)
    [room] = await make_rooms(client, admin, building["id"], [20])
    ticket_id = str(uuid.uuid4())
    event = ticket_closed(ticket_id, room_id=room, building_id=building["id"])
    await publish_event(nats_server_url, event_namespace, event)
    # A ticket about no place changes nothing.
    await publish_event(nats_server_url, event_namespace, ticket_closed(str(uuid.uuid4())))

    async def repaired():
        history = (await client.get(f"{API}/rooms/{room}/history", headers=admin)).json()
        assert [(entry["kind"], entry.get("ticket_id")) for entry in history] == [
            ("repair", ticket_id)
        ]
        return history

    history = await eventually(repaired)
    assert history[0]["title"] == "空调不制冷" and history[0]["department"] == "物业处"
