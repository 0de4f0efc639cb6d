"""Who may read the recipients replica: the admin, who sets up who is told what. It holds
every person's verified mobile numbers and addresses, so nobody else (a leader asks the
admin); the service checks it, the route names the same roles."""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

RECIPIENT_READERS = (Role.admin,)


def ensure_may_read_recipients(actor: Principal) -> None:
    if not actor.has_any(*RECIPIENT_READERS):
        raise Forbidden("only an admin reads whom notifications reach")
