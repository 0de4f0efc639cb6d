from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from gateway.deps import HasherDep, RevokedSubjectsDep
from gateway.users import service
from gateway.users.models import Colleague, UserCreate, UserRead, UserUpdate
from guanjia_shared.auth import CurrentUser, Role, require_roles
from guanjia_shared.deps import SessionDep
from guanjia_shared.pagination import Page, PageQuery, SearchQuery

router = APIRouter(
    prefix="/api/v1/auth/users",
    tags=["users"],
    dependencies=[Depends(require_roles(Role.admin))],
)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserRead)
async def create_user(data: UserCreate, session: SessionDep, hasher: HasherDep, response: Response):
    user = await service.create_user(session=session, hasher=hasher, data=data)
    response.headers["Location"] = f"{router.prefix}/{user.id}"
    return user


@router.get("", response_model=Page[UserRead])
async def list_users(
    session: SessionDep,
    page: PageQuery,
    q: SearchQuery = None,
    department: Annotated[str | None, Query(max_length=100)] = None,
):
    """Users by username; `q` finds a username or a name containing the text."""
    items, total = await service.list_users(session=session, page=page, q=q, department=department)
    return {"items": items, "total": total}


@router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: str, session: SessionDep):
    return await service.get_user(session=session, user_id=user_id)


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(
    user_id: str,
    data: UserUpdate,
    session: SessionDep,
    hasher: HasherDep,
    revoked: RevokedSubjectsDep,
):
    return await service.update_user(
        session=session, hasher=hasher, revoked=revoked, user_id=user_id, data=data
    )


colleagues_router = APIRouter(prefix="/api/v1/auth/colleagues", tags=["users"])


@colleagues_router.get("", response_model=Page[Colleague])
async def list_colleagues(
    session: SessionDep,
    viewer: CurrentUser,
    page: PageQuery,
    department: Annotated[str | None, Query(max_length=200)] = None,
):
    """The active staff of a department, by name (the caller's own department when none is
    named): whom a ticket can be handed on to. A department's head and agents see their
    own department's; admin, leaders and auditors any."""
    items, total = await service.list_colleagues(
        session=session, viewer=viewer, page=page, department=department
    )
    return {"items": items, "total": total}
