"""Who may do what with incident types: anyone signed in reads them (a reporter picks one);
an admin adds one."""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

KEEPERS = frozenset({Role.admin})


def ensure_may_add(actor: Principal) -> None:
    if not actor.has_any(*KEEPERS):
        raise Forbidden("only an admin adds an incident type")
