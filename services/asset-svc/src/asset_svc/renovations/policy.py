"""Who may do what with renovations.

The bureau's asset office (admin) enters a request, as a unit asks for it on paper under
its document number, and follows the works (started, accepted). An admin or a leader
approves or rejects; a request beyond the rules of the 修缮管理办法 (too dear per m², or
the same room again too soon) only a leader approves, with a reason. Served units' staff
read their own unit's renovations; the leadership and auditors read all."""

from __future__ import annotations

from sqlalchemy import Select, select

from asset_svc.renovations.models import Renovation
from asset_svc.units.policy import visible_unit_id
from guanjia_shared.auth import Principal, Role

# Enter a request.
REQUESTERS = frozenset({Role.admin})
# Approve (within the rules) or reject a request.
APPROVERS = frozenset({Role.admin, Role.leader})
# Approve a request beyond the rules, setting them aside.
APPROVERS_BEYOND_RULES = frozenset({Role.leader})
# Record that the works started, and their acceptance.
WORKS_RECORDERS = frozenset({Role.admin})
# List renovations and read one.
READERS = frozenset({Role.admin, Role.leader, Role.auditor, Role.unit_staff})


def renovations_visible_to(viewer: Principal) -> Select:
    """A unit's staff see the renovations of their unit's space."""
    query = select(Renovation)
    own = visible_unit_id(viewer)
    if own is not None:
        query = query.where(Renovation.unit_id == own)
    return query
