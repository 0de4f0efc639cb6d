"""Who may do what with service commitments: everyone signed in reads them (the public reads
the published ones, without a token); an admin alone creates, edits, publishes and
withdraws them."""

from __future__ import annotations

from guanjia_shared.auth import Principal, Role
from guanjia_shared.errors import Forbidden

KEEPERS = (Role.admin,)


def ensure_keeps_commitments(actor: Principal) -> None:
    if not actor.has_any(*KEEPERS):
        raise Forbidden("commitments are kept by an admin")
