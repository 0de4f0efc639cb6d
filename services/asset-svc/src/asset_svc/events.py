"""Every event type asset-svc publishes, and the one it consumes.

Each is written to the outbox in the transaction of the change it reports (the relay
publishes it once that transaction commits); its subject is the id of the thing changed.
Events leave the bureau's hands, so none carries a person's name.

- `asset.unit.created` / `.updated`: the whole unit as `UnitRead` gives it, and `actor`.
  Other services keep their replica of units from these alone (guanjia_shared.replicas).
- `asset.building.created` / `.updated`: the whole building as `BuildingRead` gives it
  (emergency-svc keeps its replica of buildings from these); an import publishes one
  `.created` per building it writes; a change of the register that transfers the title or
  disposes of the building publishes `.updated` beside `asset.change.recorded`.
- `asset.change.recorded`: every change of the register (`change_id`, `type`, `room_ids`,
  `building_id`, `unit_id`, `from_unit_id`, `effective_date`, `document_no`); a reclaim or
  reallocation also publishes `asset.room.reclaimed`, an allocation or reallocation
  `asset.room.allocated`, with the same data.
- `asset.unit.over_standard`: a unit that a change (rooms moved, staffing replaced) has just
  taken from within to over its space standard (`unit_id`, `standard_area`, `actual_area`,
  `excess`, `as_of`); not published again while it stays over.
- `asset.renovation.requested` / `.approved` / `.rejected` / `.started` / `.accepted`: the
  renovation as `RenovationRead` gives it (without its moves), and `actor`.
- `asset.housing.moved_in` / `.moved_out`: `housing_unit_id`, `building_id`, `number`,
  `occupant_id`, `occupant_unit_id`, `effective_date`, `actor`.
- `asset.seat.taken` / `.vacated`: `seat_id`, `room_id`, `unit_id`, `rank`.
- `asset.stocktake.opened` / `.closed`: the stocktake as `StocktakeRead` gives it and
  `actor`; `.closed` adds the count of each outcome (`matches`, `discrepancies`,
  `surpluses`, `shortfalls`).

Consumed: ticket-svc's `ticket.ticket.closed`, which becomes a repair in the history of
the room or building it names (changes/consumers.py).
"""

from __future__ import annotations

UNIT_CREATED = "asset.unit.created"
UNIT_UPDATED = "asset.unit.updated"
UNIT_OVER_STANDARD = "asset.unit.over_standard"

BUILDING_CREATED = "asset.building.created"
BUILDING_UPDATED = "asset.building.updated"

CHANGE_RECORDED = "asset.change.recorded"
ROOM_ALLOCATED = "asset.room.allocated"
ROOM_RECLAIMED = "asset.room.reclaimed"

RENOVATION_REQUESTED = "asset.renovation.requested"
RENOVATION_APPROVED = "asset.renovation.approved"
RENOVATION_REJECTED = "asset.renovation.rejected"
RENOVATION_STARTED = "asset.renovation.started"
RENOVATION_ACCEPTED = "asset.renovation.accepted"

HOUSING_MOVED_IN = "asset.housing.moved_in"
HOUSING_MOVED_OUT = "asset.housing.moved_out"

SEAT_TAKEN = "asset.seat.taken"
SEAT_VACATED = "asset.seat.vacated"

STOCKTAKE_OPENED = "asset.stocktake.opened"
STOCKTAKE_CLOSED = "asset.stocktake.closed"

# Consumed, not published: ticket-svc's.
TICKET_CLOSED = "ticket.ticket.closed"
