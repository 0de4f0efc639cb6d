"""Who sees which tickets, and who may act on them.

- admin, leader and auditor see every ticket;
- agents and department heads see their department's tickets, the ones they own or
  first received, and the ones their department coordinates on;
- unit_staff (and an integration client bound to a unit) see their own unit's tickets;
- anyone else sees none.
A ticket out of sight answers 404, as if it did not exist.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from guanjia_shared.auth import Principal, Role
from ticket_svc.tickets.models import Coordination, Ticket

SEE_ALL = (Role.admin, Role.leader, Role.auditor)
DEPARTMENT_STAFF = (Role.agent, Role.dept_head)
UNIT_BOUND = (Role.unit_staff, Role.integration)
READ_ONLY = frozenset({Role.auditor})
# Who takes a request and so becomes its first receiver.
RECEIVERS = (Role.agent, Role.dept_head, Role.admin, Role.leader)


def visible_tickets(viewer: Principal) -> ColumnElement[bool]:
    """The condition on `Ticket` rows the viewer may see."""
    lines = sight_lines(viewer)
    if lines is None:
        return true()
    return or_(*lines) if lines else false()


def sight_lines(viewer: Principal) -> list[ColumnElement[bool]] | None:
    """What the viewer sees, as conditions each answered by an index of its own, the
    biggest (a department's tickets) first; `visible_tickets` is their OR. None: every
    ticket. (As one OR with a subquery in it, no index answers the whole: a count of a
    department's view read the whole table.)"""
    if viewer.has_any(*SEE_ALL):
        return None
    lines: list[ColumnElement[bool]] = []
    if viewer.has_any(*DEPARTMENT_STAFF):
        if viewer.department:
            lines.append(Ticket.department == viewer.department)
        lines += [Ticket.owner == viewer.id, Ticket.first_receiver == viewer.id]
        if viewer.department:
            coordinated = select(Coordination.ticket_id).where(
                Coordination.department == viewer.department
            )
            lines.append(Ticket.id.in_(coordinated))
    if viewer.has_any(*UNIT_BOUND) and viewer.unit_id:
        lines.append(Ticket.requester_unit_id == viewer.unit_id)
    return lines


def speaks_for_requester(viewer: Principal, ticket: Ticket) -> bool:
    """The requester's own unit, or the owner taking the requester's word (by phone)."""
    if viewer.id == ticket.owner:
        return True
    return (
        viewer.has_any(Role.unit_staff)
        and viewer.unit_id is not None
        and viewer.unit_id == ticket.requester_unit_id
    )


def is_handed_rating_code(viewer: Principal, ticket: Ticket) -> bool:
    """A ticket's rating code is the requester's: shown to those who speak for the requester
    (their unit's staff, and the owner, who hands it to a requester without an account), to
    no one else who reads the ticket — another unit, the department, the leadership."""
    return speaks_for_requester(viewer, ticket)


def only_reads(viewer: Principal) -> bool:
    """An auditor reads everything and changes nothing (ARCHITECTURE.md), unless another
    of their roles lets them act."""
    return viewer.roles <= READ_ONLY


def heads_department(viewer: Principal, department: str) -> bool:
    return viewer.has_any(Role.dept_head) and viewer.department == department


def works_in(viewer: Principal, department: str) -> bool:
    return viewer.has_any(*DEPARTMENT_STAFF) and viewer.department == department
