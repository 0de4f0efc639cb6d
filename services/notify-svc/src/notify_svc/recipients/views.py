from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from guanjia_shared.auth import Principal, Role, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery, SearchQuery
from notify_svc.recipients import policy, service
from notify_svc.recipients.models import RecipientRead

Reader = Annotated[Principal, Depends(require_roles(*policy.RECIPIENT_READERS))]

router = APIRouter(prefix="/api/v1/notify/recipients", tags=["recipients"])


@router.get("", response_model=Page[RecipientRead])
async def list_recipients(
    session: SessionDep,
    actor: Reader,
    page: PageQuery,
    role: Role | None = None,
    department: Annotated[str | None, Query(max_length=200)] = None,
    unit_id: Annotated[str | None, Query(max_length=36)] = None,
    q: SearchQuery = None,
    unreachable: bool = False,
):
    """The active people notifications can reach, as the gateway last told of them: a role's
    or a department's holders now, with their verified contact points. `unreachable=true`:
    those with none, whom only the console inbox reaches."""
    items, total = await service.list_recipients(
        session=session,
        actor=actor,
        page=page,
        role=role,
        department=department,
        unit_id=unit_id,
        q=q,
        unreachable=unreachable,
    )
    return {"items": items, "total": total}
