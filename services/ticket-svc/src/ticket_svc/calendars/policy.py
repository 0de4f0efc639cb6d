"""Who may do what with working calendars: everyone signed in reads them and works out due
times on them; an admin alone creates and changes them and their dated exceptions."""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

KEEPERS = (Role.admin,)


def ensure_keeps_calendars(actor: Principal) -> None:
    if not actor.has_any(*KEEPERS):
        raise Forbidden("calendars are kept by an admin")
