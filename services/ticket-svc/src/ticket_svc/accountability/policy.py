"""Who may do what with accountability records (奖惩), and which records each reader sees.

奖惩 is the leadership's decision: rewarding or penalising a department or a person, and
excusing a penalty, are judgements of merit and fault that belong to the bureau's leaders.
`admin` runs the system, not the people, so it may read records but not make or excuse them.

- Record by hand (`RECORDERS`): a leader. By rule, the escalation job records breaches in
  its own transaction, with no one's hand.
- Ask for an exemption: a department head or agent of the record's department
  (`EXEMPTION_REQUESTERS`), or the person the record names (`may_request_exemption`).
- Decide an exemption (`DECIDERS`): a leader who neither asked for it nor is the person the
  record names — nobody excuses themselves (`may_decide_exemption`).
- Read (`may_see`, `visible_records`): the leadership, admins and auditors every record;
  department heads and agents their own department's and those naming them; anyone else
  the records naming them. A list shows only what the reader may see (so it may be
  empty); asking for one record outside that is 403.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from guanjia_shared.auth import Principal, Role
from ticket_svc.accountability.models import AccountabilityRecord

RECORDERS = (Role.leader,)
DECIDERS = (Role.leader,)
EVERY_RECORD_READERS = frozenset({Role.leader, Role.admin, Role.auditor})
DEPARTMENT_READERS = frozenset({Role.dept_head, Role.agent})
EXEMPTION_REQUESTERS = frozenset({Role.dept_head, Role.agent})


def may_request_exemption(actor: Principal, record: AccountabilityRecord) -> bool:
    of_the_department = (
        actor.has_any(*EXEMPTION_REQUESTERS) and actor.department == record.department
    )
    return of_the_department or is_named_in(actor, record)


def may_decide_exemption(actor: Principal, record: AccountabilityRecord, requested_by: str) -> bool:
    return actor.has_any(*DECIDERS) and actor.id not in (record.person_id, requested_by)


def may_see(viewer: Principal, record: AccountabilityRecord) -> bool:
    if viewer.has_any(*EVERY_RECORD_READERS) or is_named_in(viewer, record):
        return True
    return viewer.has_any(*DEPARTMENT_READERS) and viewer.department == record.department


def visible_records(viewer: Principal) -> ColumnElement[bool] | None:
    """The records `viewer` may see, as a condition (None: all of them)."""
    if viewer.has_any(*EVERY_RECORD_READERS):
        return None
    visible: list[ColumnElement[bool]] = []
    if viewer.kind == "user":
        visible.append(AccountabilityRecord.person_id == viewer.id)
    if viewer.has_any(*DEPARTMENT_READERS) and viewer.department:
        visible.append(AccountabilityRecord.department == viewer.department)
    return or_(*visible) if visible else false()


def is_named_in(actor: Principal, record: AccountabilityRecord) -> bool:
    # Machine clients are never the person a record names.
    return actor.kind == "user" and record.person_id is not None and record.person_id == actor.id
