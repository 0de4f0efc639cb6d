"""Who reads and keeps the emergency plans.

A plan is the bureau's standing procedure, not an account of any event: it names roles,
their holders (by id) and the steps each takes, and a served unit's staff may hold its
roles — so the bureau's own people and the served units' staff read plans. Integration
clients do not (403), unless their client was also given a role that reads. The
leadership writes plans and puts them in force; admins keep them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from guanjia_shared.auth import BUREAU_ROLES, Principal, Role, require_roles
from guanjia_shared.errors import Forbidden

PLAN_READERS = frozenset({*BUREAU_ROLES, Role.unit_staff})
PLAN_KEEPERS = frozenset({Role.admin, Role.leader})

# The routes' dependency for writing (the service checks it too); the plans' router
# requires PLAN_READERS of every route.
PlanKeeper = Annotated[Principal, Depends(require_roles(*PLAN_KEEPERS))]


def ensure_may_keep(actor: Principal) -> None:
    if not actor.has_any(*PLAN_KEEPERS):
        raise Forbidden("only an admin or a leader writes plans and puts them in force")
