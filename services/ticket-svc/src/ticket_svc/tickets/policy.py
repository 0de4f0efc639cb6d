"""Who sees which tickets, and who may do what to them: the one place these rules are
written. The service enforces them, so every caller meets them; a route names the same
roles for its OpenAPI where a role alone decides.

Seeing:
- admin, leader and auditor see every ticket;
- agents and department heads see their department's tickets, the ones they own or
  first received, and the ones their department coordinates on;
- unit_staff (and an integration client bound to a unit) see their own unit's tickets;
- anyone else sees none.
A ticket out of sight answers 404, as if it did not exist; so do the actions on it.

Acting, on a ticket the actor sees:
- open (`OPENERS`): the receivers take a request as they write it down, becoming its first
  receiver and owner; a unit's own staff file one for their own unit, untaken, online; an
  integration client bound to a unit (the 12345 hotline platform) likewise, on the hotline
  or online (`filing_channels`);
- take: an agent or head of the ticket's department (`works_in`), while nobody has;
- start, coordinate, wait on the requester, resolve: its owner alone;
- comment: whoever sees it, but an auditor only reads (`only_reads`);
- hand on to another owner: the head of its department (`heads_department`);
- complete a coordination: the coordinating department's staff (`works_in`) or the owner;
- resume, confirm: those who speak for the requester (`speaks_for_requester`), who alone
  are shown its rating code (`is_handed_rating_code`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from guanjia_shared.auth import Principal, Role
from ticket_svc.tickets.models import Channel, Coordination, Ticket, TicketRow

SEE_ALL = (Role.admin, Role.leader, Role.auditor)
DEPARTMENT_STAFF = (Role.agent, Role.dept_head)
UNIT_BOUND = (Role.unit_staff, Role.integration)
READ_ONLY = frozenset({Role.auditor})
# Who takes a request and so becomes its first receiver.
RECEIVERS = (Role.agent, Role.dept_head, Role.admin, Role.leader)
# Who opens a ticket: a receiver, or a unit's own staff or system for their unit.
OPENERS = (*RECEIVERS, *UNIT_BOUND)
# The channels those who file for their own unit file on (the others are the desk's).
FILING_CHANNELS = {
    Role.unit_staff: frozenset({Channel.online}),
    Role.integration: frozenset({Channel.hotline, Channel.online}),
}


def filing_channels(actor: Principal) -> frozenset[Channel]:
    return frozenset().union(*(FILING_CHANNELS.get(role, frozenset()) for role in actor.roles))


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


def takes_as_it_opens(actor: Principal) -> bool:
    """A receiver opening a ticket takes it; anyone else who may open one files it."""
    return actor.has_any(*RECEIVERS)


def speaks_for_requester(viewer: Principal, ticket: TicketRow) -> bool:
    """The requester's own unit, or the owner taking the requester's word (by phone)."""
    if viewer.id == ticket.owner:
        return True
    return (
        viewer.has_any(Role.unit_staff)
        and viewer.unit_id is not None
        and viewer.unit_id == ticket.requester_unit_id
    )


def is_handed_rating_code(viewer: Principal, ticket: TicketRow) -> bool:
    """A ticket's rating code is the requester's: shown to those who speak for the requester
    (their unit's staff, and the owner, who hands it to a requester without an account), to
    no one else who reads the ticket — another unit, the department, the leadership."""
    return speaks_for_requester(viewer, ticket)


def only_reads(viewer: Principal) -> bool:
    """An auditor reads everything and changes nothing, unless another of their roles lets
    them act."""
    return viewer.roles <= READ_ONLY


def heads_department(viewer: Principal, department: str) -> bool:
    return viewer.has_any(Role.dept_head) and viewer.department == department


def works_in(viewer: Principal, department: str) -> bool:
    return viewer.has_any(*DEPARTMENT_STAFF) and viewer.department == department
