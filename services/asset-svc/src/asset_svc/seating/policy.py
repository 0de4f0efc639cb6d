"""Who may do what with seating: an admin seats people and moves them out; everyone signed
in reads who sits where in the rooms the register shows them (register.policy), a unit's
staff their own unit's. Names are personal data: the bureau's own few see them, and so do
the unit's own staff for their unit's people."""

from __future__ import annotations

from asset_svc.seating.models import Seat
from asset_svc.units.policy import PERSONAL_DATA_VIEWERS
from guanjia_shared.auth import Principal, Role

# Seat someone in a room, move them out.
WRITERS = frozenset({Role.admin})


def sees_name(viewer: Principal, seat: Seat) -> bool:
    if viewer.has_any(*PERSONAL_DATA_VIEWERS):
        return True
    return viewer.has_any(Role.unit_staff) and viewer.unit_id == seat.unit_id
