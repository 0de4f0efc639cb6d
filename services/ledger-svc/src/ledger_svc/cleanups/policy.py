"""Who may do what with a clean-up campaign (制度清理).

- The register's keepers (the admins and the quality office, `QUALITY_OFFICE`: see
  quality/policy.py) and the leaders run a clean-up: they open it, decide each document
  and close it. A decision to abolish is an abolition in the register, which is the same
  people's (quality/policy.py `ensure_may_abolish`); a decision to revise or supplement
  opens the draft on the campaign's word, for the decision's owner to write, whoever the
  owning department is.
- Reading: the bureau's people read the campaigns, their progress and their lines, each
  line as the register shows its document (quality/policy.py `visible_documents`):
  another department's document never in force is out of sight, on the list, in the
  progress and in the spreadsheet alike, and a line out of sight answers 404. A served
  unit's staff and machine clients read none of it: a clean-up is the bureau's own
  deliberation, not a document in force.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.quality import policy as register_policy

READERS = BUREAU_ROLES
# Who may call the writing routes at all; `ensure_may_run` narrows it (the quality office
# is a department, so any of the bureau's roles may belong to it).
RUNNERS = BUREAU_ROLES


def may_run(actor: Principal, quality_office: str | None) -> bool:
    return register_policy.is_keeper(actor, quality_office) or actor.has_any(Role.leader)


def ensure_may_run(actor: Principal, quality_office: str | None) -> None:
    """Opening, deciding, closing a clean-up."""
    if not may_run(actor, quality_office):
        raise Forbidden("a clean-up is run by a leader, an admin or the quality office")


def ensure_may_read(actor: Principal) -> None:
    if not actor.has_any(*READERS):
        raise Forbidden("a clean-up is the bureau's own")


def visible_lines(actor: Principal, quality_office: str | None) -> ColumnElement[bool]:
    """The lines `actor` sees: those whose document the register shows them (the filter
    is on the register's documents, joined to the lines)."""
    ensure_may_read(actor)
    return register_policy.visible_documents(actor, quality_office)
