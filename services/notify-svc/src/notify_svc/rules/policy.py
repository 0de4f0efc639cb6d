"""Who keeps the message rules: the admin, who sets up who is told what (a rule reaches
anyone, so nobody else writes one, and its recipients name people, so nobody else reads
them). The service checks it; the routes name the same roles."""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

RULE_KEEPERS = (Role.admin,)


def ensure_may_keep_rules(actor: Principal) -> None:
    if not actor.has_any(*RULE_KEEPERS):
        raise Forbidden("only an admin reads and changes the message rules")
