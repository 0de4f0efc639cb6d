"""Who may do what with internal audits.

- The programme and its audits are planned by the register's keepers (the admins and the
  quality office, quality/policy.py) and the leaders, who manage the quality system (ISO
  9001:2015 9.2.2 a).
- An audit is started by its lead auditor or a keeper; findings are recorded by its team
  (the lead auditor and the auditors); the report is the lead auditor's; closing is the
  keepers' and the leaders'. A nonconformity opened from a finding is opened as
  nonconformities/policy.py says (a keeper, a leader, the head of the finding's department).
- Reading: the keepers, leaders and the `auditor` role read every audit, its checklist and
  findings; so does each member of an audit's team, that audit. The other bureau staff read
  the audits of their own department (one that audits it) and no other: another
  department's findings are its own business (404, and absent from the lists). Everyone of
  the bureau reads the programmes themselves (a year and a title). A served unit's staff and
  machine clients read none of it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true
from sqlmodel import select

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.audits.models import Audit, AuditAuditor, AuditDepartment
from ledger_svc.quality.policy import is_keeper

READERS = BUREAU_ROLES
# Who may call the writing routes at all; the rules below narrow it per audit (the quality
# office is a department, so any of the bureau's roles may belong to it, or audit).
WRITERS = BUREAU_ROLES
OVERSEERS = frozenset({Role.leader, Role.auditor})


def may_plan(actor: Principal, quality_office: str | None) -> bool:
    return is_keeper(actor, quality_office) or actor.has_any(Role.leader)


def ensure_may_plan(actor: Principal, quality_office: str | None) -> None:
    if not may_plan(actor, quality_office):
        raise Forbidden(
            "the audit programme is planned by a leader, an admin or the quality office"
        )


def ensure_may_start(actor: Principal, audit: Audit, quality_office: str | None) -> None:
    if not (is_keeper(actor, quality_office) or actor.id == audit.lead_auditor_id):
        raise Forbidden("an audit is started by its lead auditor or the quality office")


def ensure_on_the_team(actor: Principal, team: list[AuditAuditor]) -> None:
    if actor.id not in {member.person_id for member in team}:
        raise Forbidden("findings are recorded by the audit's own auditors")


def ensure_may_report(actor: Principal, audit: Audit) -> None:
    if actor.id != audit.lead_auditor_id:
        raise Forbidden("the report is the lead auditor's")


def ensure_may_close(actor: Principal, quality_office: str | None) -> None:
    if not may_plan(actor, quality_office):
        raise Forbidden("an audit is closed by a leader, an admin or the quality office")


def ensure_may_read(actor: Principal) -> None:
    if not actor.has_any(*READERS):
        raise Forbidden("internal audits are the bureau's own")


def visible_audits(actor: Principal, quality_office: str | None) -> ColumnElement[bool]:
    """The audits `actor` finds (the filter of every list and read)."""
    ensure_may_read(actor)
    if is_keeper(actor, quality_office) or actor.has_any(*OVERSEERS):
        return true()
    audited = (
        select(AuditDepartment.id)
        .where(
            AuditDepartment.audit_id == Audit.id,
            AuditDepartment.department == (actor.department or ""),
        )
        .exists()
    )
    on_the_team = (
        select(AuditAuditor.id)
        .where(AuditAuditor.audit_id == Audit.id, AuditAuditor.person_id == actor.id)
        .exists()
    )
    return or_(audited, on_the_team)
