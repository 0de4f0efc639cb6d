"""Who may do what with management reviews.

- Holding one is top management's (ISO 9001:2015 9.3.1): a review is made by a leader or
  the quality system's keepers (an admin, the quality office), and run — the pack
  collected again, held, its outputs added and closed — by them or its chair.
- Its pack names every department's audits, nonconformities and figures, and its outputs
  the decisions of the bureau's management: it is read by the keepers, leaders and
  auditors, its chair and its participants. Another of the bureau's staff does not find
  it (404, and absent from the lists); a served unit's staff and machine clients read none.
- An output is verified by the keepers, a leader or the chair, never by the owner of the
  action (`verify-not-your-own`): who did the work does not judge it done.
"""

from __future__ import annotations

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.quality.policy import is_keeper
from ledger_svc.reviews.models import ManagementReview

READERS = BUREAU_ROLES
# Who may call the writing routes at all (a chair may be any of the bureau's staff).
RUNNERS = BUREAU_ROLES
OVERSEERS = frozenset({Role.leader, Role.auditor})


def may_read_all(actor: Principal, quality_office: str | None) -> bool:
    return is_keeper(actor, quality_office) or actor.has_any(*OVERSEERS)


def _takes_part(actor: Principal, review: ManagementReview) -> bool:
    return actor.id == review.chair_id or actor.id in review.participants


def may_read(actor: Principal, review: ManagementReview, quality_office: str | None) -> bool:
    if may_read_all(actor, quality_office):
        return True
    return actor.has_any(*BUREAU_ROLES) and _takes_part(actor, review)


def ensure_may_list(actor: Principal) -> None:
    if not actor.has_any(*BUREAU_ROLES):
        raise Forbidden("management reviews are the bureau's own")


def ensure_may_make(actor: Principal, quality_office: str | None) -> None:
    if is_keeper(actor, quality_office) or actor.has_any(Role.leader):
        return
    raise Forbidden("a management review is made by a leader or the quality office")


def ensure_may_run(actor: Principal, review: ManagementReview, quality_office: str | None) -> None:
    if is_keeper(actor, quality_office) or actor.has_any(Role.leader):
        return
    if actor.id == review.chair_id:
        return
    raise Forbidden("the review is run by its chair, a leader or the quality office")


def ensure_may_verify(
    actor: Principal, review: ManagementReview, owner_id: str | None, quality_office: str | None
) -> None:
    if owner_id is not None and actor.id == owner_id and not actor.has_any(Role.admin):
        raise Forbidden("the action's owner does not verify it", rule="verify-not-your-own")
    ensure_may_run(actor, review, quality_office)
