"""Who may do what with the procedure register.

- The register's keepers are the admins and the staff of the quality office, the
  department named in `QUALITY_OFFICE` (none by default: the admins alone). They enter
  documents of any department, edit the register's fields (owner, review date, whether the
  units see it), and draft anywhere.
- A department's own staff (its head and agents) enter their department's documents and
  draft their revisions; another department's draft is not theirs to touch.
- A revision is approved by the approvers named when it was submitted, never by its
  author or its submitter, and a regulation (规章制度) by leaders alone: the bureau's rules are the
  leadership's to adopt.
- A keeper or a leader abolishes a document (废止).
- Reading: the bureau's people read every document in force and its history (superseded,
  abolished); the work on its way (drafts, revisions in review or approved but not yet in
  force, documents never in force) is read by the owning department, the keepers, leaders,
  auditors and the revision's named approvers. A served unit's staff read the revisions in
  force of the documents published to the units, nothing else; machine clients nothing.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, true

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Forbidden
from ledger_svc.quality.models import (
    DocumentKind,
    DocumentStatus,
    ProcedureDocument,
    ProcedureRevision,
    RevisionStatus,
)

READERS = BUREAU_ROLES | {Role.unit_staff}
# Who may call the writing routes at all; the rules below narrow it per document.
DRAFTERS = frozenset({Role.admin, Role.dept_head, Role.agent})
APPROVERS = frozenset({Role.admin, Role.leader, Role.dept_head, Role.agent})
ABOLISHERS = frozenset({Role.admin, Role.leader, Role.dept_head, Role.agent})
REGULATION_APPROVERS = frozenset({Role.leader})
# Besides the keepers and the owning department: who reads the work on its way.
OVERSEERS = frozenset({Role.leader, Role.auditor})
DEPARTMENT_STAFF = frozenset({Role.dept_head, Role.agent})
# The revisions in force and their history, which the whole bureau reads.
PUBLISHED = (RevisionStatus.effective, RevisionStatus.superseded, RevisionStatus.abolished)


def is_keeper(actor: Principal, quality_office: str | None) -> bool:
    if actor.has_any(Role.admin):
        return True
    return bool(quality_office) and (
        actor.has_any(*BUREAU_ROLES) and actor.department == quality_office
    )


def _is_department_staff(actor: Principal, department: str) -> bool:
    return actor.has_any(*DEPARTMENT_STAFF) and actor.department == department


def ensure_may_draft(actor: Principal, department: str, quality_office: str | None) -> None:
    """Entering a document of `department`, starting and editing its drafts, submitting."""
    if is_keeper(actor, quality_office) or _is_department_staff(actor, department):
        return
    raise Forbidden(
        f"the drafts of {department} are that department's and the quality office's to write"
    )


def ensure_may_keep_register(actor: Principal, quality_office: str | None) -> None:
    if not is_keeper(actor, quality_office):
        raise Forbidden("only an admin or the quality office edits the register")


def ensure_may_abolish(actor: Principal, quality_office: str | None) -> None:
    if not (is_keeper(actor, quality_office) or actor.has_any(Role.leader)):
        raise Forbidden("only a leader, an admin or the quality office abolishes a document")


def ensure_may_decide(
    actor: Principal,
    document: ProcedureDocument,
    revision: ProcedureRevision,
    approver_ids: list[str],
) -> None:
    """Approving or rejecting a revision in review: a named approver, not its author nor
    whoever submitted it, and for a regulation a leader."""
    if actor.id in (revision.author_id, revision.submitted_by):
        raise Forbidden(
            "the author or submitter of a revision does not approve it",
            rule="author-does-not-approve",
        )
    if actor.id not in approver_ids:
        raise Forbidden(
            f"revision {revision.number} of {document.code} is decided by its named approvers",
            rule="named-approvers-only",
        )
    if document.kind == DocumentKind.regulation and not actor.has_any(*REGULATION_APPROVERS):
        raise Forbidden(
            "a regulation (规章制度) is approved by leaders", rule="leaders-approve-regulations"
        )


def may_read_work_on_its_way(
    actor: Principal, document: ProcedureDocument, quality_office: str | None
) -> bool:
    return (
        is_keeper(actor, quality_office)
        or actor.has_any(*OVERSEERS)
        or (actor.has_any(*BUREAU_ROLES) and actor.department == document.department)
    )


def may_read_revision(
    actor: Principal,
    document: ProcedureDocument,
    revision: ProcedureRevision,
    quality_office: str | None,
    approver_ids: list[str],
) -> bool:
    if not actor.has_any(*BUREAU_ROLES):
        return (
            revision.status == RevisionStatus.effective
            and document.published_to_units
            and actor.has_any(Role.unit_staff)
        )
    if revision.status in PUBLISHED:
        return True
    return may_read_work_on_its_way(actor, document, quality_office) or actor.id in approver_ids


def visible_documents(actor: Principal, quality_office: str | None) -> ColumnElement[bool]:
    """The documents `actor` finds in the register (the filter of every list and read)."""
    if is_keeper(actor, quality_office) or actor.has_any(*OVERSEERS):
        return true()
    if actor.has_any(*BUREAU_ROLES):
        never_in_force = ProcedureDocument.status == DocumentStatus.draft.value
        mine = ProcedureDocument.department == (actor.department or "")
        return or_(~never_in_force, mine)
    if actor.has_any(Role.unit_staff):
        return and_(
            ProcedureDocument.status == DocumentStatus.effective.value,
            ProcedureDocument.published_to_units.is_(True),
        )
    raise Forbidden("the procedure register is the bureau's and the served units'")
