"""Who may do what with read-and-acknowledge.

- Distributing a document in force: the register's keepers (the admins and the quality
  office, quality/policy.py) and the document's owner, who knows whom it concerns.
- Acknowledging: each person for themself, a revision distributed to them (by their role or
  their department).
- Reading a document's audience and who has read it: the bureau's people (the document is
  in force, which the whole bureau reads). The figures per department are everyone's; the
  names of those who have not yet read it are a matter of each person's diligence, so they
  go to the keepers, leaders and auditors (every department), the document's owner (every
  department: they chase it), and a department's head (their own department's people).
  A served unit's staff and machine clients read none of it.
"""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.quality.models import ProcedureDocument
from ledger_svc.quality.policy import is_keeper

READERS = BUREAU_ROLES
DISTRIBUTORS = BUREAU_ROLES
OVERSEERS = frozenset({Role.leader, Role.auditor})


def ensure_may_distribute(
    actor: Principal, document: ProcedureDocument, quality_office: str | None
) -> None:
    if is_keeper(actor, quality_office) or actor.id == document.owner_id:
        return
    raise Forbidden(f"{document.code} is distributed by its owner, an admin or the quality office")


def names_seen(
    actor: Principal, document: ProcedureDocument, quality_office: str | None
) -> str | bool:
    """True: every department's names; a department's name: that one's; False: none."""
    if (
        is_keeper(actor, quality_office)
        or actor.has_any(*OVERSEERS)
        or actor.id == document.owner_id
    ):
        return True
    if actor.has_any(Role.dept_head) and actor.department:
        return actor.department
    return False
