"""The rules of users: unique usernames, hashed passwords, and always one admin left."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import String, cast, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from gateway.database import storable
from gateway.events import AuthEvent
from gateway.hashing import SecretHasher
from gateway.revocations.service import RevokedSubjects
from gateway.users.events import record_user_change
from gateway.users.models import User, UserCreate, UserUpdate, normalize_username, unique_roles
from guanjia_shared.auth import BUREAU_ROLES, Principal, Role
from guanjia_shared.errors import Conflict, Forbidden, NotFound, invalid_field
from guanjia_shared.pagination import PageParams, containing, fetch_page

FIRST_ADMIN_USERNAME = "admin"


def _holds_role(role: Role) -> Any:
    # Roles are a JSON list; its text holds each role in quotes on SQLite and PostgreSQL.
    return cast(User.roles, String).like(f'%"{role}"%')


async def get_user(*, session: AsyncSession, user_id: str, for_update: bool = False) -> User:
    """`for_update`: held as lock_user holds it, active or not."""
    user = (
        await session.get(User, user_id, with_for_update=for_update) if storable(user_id) else None
    )
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


async def lock_user(session: AsyncSession, user_id: str) -> User:
    """The active user, their row held until the transaction ends (on PostgreSQL; SQLite
    holds the whole file), so that their changes and the versions of the events telling of
    them follow one another."""
    user = await session.scalar(
        select(User).where(User.id == user_id, User.active).with_for_update()
    )
    if user is None:
        raise NotFound(f"no active user {user_id}")
    return user


async def list_users(
    *,
    session: AsyncSession,
    page: PageParams,
    q: str | None = None,
    department: str | None = None,
) -> tuple[list[User], int]:
    query = select(User).order_by(User.username)
    if q:
        query = query.where(containing(q, User.username, User.display_name))
    if department is not None:
        query = query.where(User.department == department)
    return await fetch_page(session, query, page)


async def create_user(*, session: AsyncSession, hasher: SecretHasher, data: UserCreate) -> User:
    # Hashed before the first query: an open SQLite transaction holds up every writer.
    password_hash = await hasher.hash(data.password)
    if await session.scalar(select(User.id).where(User.username == data.username)) is not None:
        raise Conflict(f"username {data.username} is taken", rule="unique-username")
    user = User(
        username=data.username,
        display_name=data.display_name,
        password_hash=password_hash,
        roles=unique_roles(data.roles),
        unit_id=data.unit_id,
        department=data.department,
    )
    session.add(user)
    await session.flush()
    await record_user_change(session, user, AuthEvent.user_created)
    await session.commit()
    return user


async def update_user(
    *,
    session: AsyncSession,
    hasher: SecretHasher,
    revoked: RevokedSubjects,
    user_id: str,
    data: UserUpdate,
) -> User:
    """A deactivated user's tokens are refused from the commit on (see RevokedSubjects)."""
    password_hash = await hasher.hash(data.password) if data.password is not None else None
    user = await get_user(session=session, user_id=user_id, for_update=True)
    changes = data.model_dump(exclude_unset=True, exclude={"password"})
    if data.roles is not None:
        changes["roles"] = unique_roles(data.roles)
    await _ensure_an_admin_remains(session, user, changes)
    if password_hash is not None:
        user.password_hash = password_hash
    for field in ("display_name", "roles", "active"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    for field in ("unit_id", "department"):  # these may be cleared with null
        if field in changes:
            setattr(user, field, changes[field])
    await record_user_change(session, user, AuthEvent.user_updated)
    await session.commit()
    revoked.tell(user.id, revoked=not user.active)
    return user


async def _ensure_an_admin_remains(
    session: AsyncSession, user: User, changes: dict[str, Any]
) -> None:
    """Nobody could manage users or clients any more once the last active admin is gone."""
    roles = changes["roles"] if changes.get("roles") is not None else user.roles
    loses_admin = Role.admin not in roles or changes.get("active") is False
    if not (user.active and Role.admin in user.roles and loses_admin):
        return
    other_admins = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.id != user.id, User.active, _holds_role(Role.admin))
    )
    if not other_admins:
        raise Conflict(
            "the last active admin cannot be deactivated or lose the admin role",
            rule="keep-an-admin",
        )


async def authenticate_user(
    *, session: AsyncSession, hasher: SecretHasher, username: str, password: str
) -> User | None:
    """The active user with these credentials, else None; as slow for an unknown username as
    for a known one, so that timing does not tell which usernames exist."""
    user = (
        await session.scalar(
            select(User).where(User.username == normalize_username(username), User.active)
        )
        if storable(username)
        else None
    )
    # End the read before the slow hash: an open SQLite transaction holds up every writer.
    await session.commit()
    matched = await hasher.verify(user.password_hash if user else None, password)
    if user is None or not matched:
        return None
    if hasher.needs_rehash(user.password_hash):
        user.password_hash = await hasher.hash(password)
        session.add(user)
        await session.commit()
    return user


async def ensure_first_admin(
    *, session: AsyncSession, hasher: SecretHasher, password: str | None
) -> str | None:
    """On the first start (no user at all) create `admin`. Answers the password when none was
    configured and one had to be generated, for the caller to show once."""
    if await session.scalar(select(User.id).limit(1)) is not None:
        return None
    chosen = password or secrets.token_urlsafe(18)
    password_hash = await hasher.hash(chosen)
    admin = User(
        username=FIRST_ADMIN_USERNAME,
        display_name="管理员",
        password_hash=password_hash,
        roles=[str(Role.admin)],
    )
    session.add(admin)
    try:
        await session.flush()
        await record_user_change(session, admin, AuthEvent.user_created)
        await session.commit()
    except IntegrityError:  # another replica started at the same moment and made it
        await session.rollback()
        return None
    return None if password else chosen


async def get_active_user(*, session: AsyncSession, user_id: str) -> User | None:
    return await session.scalar(select(User).where(User.id == user_id, User.active))


# Who may look up colleagues, and whose: the bureau's own people (never the served units'
# staff nor machine clients); the leadership, the admin and the auditors any department's,
# everyone else their own department's only.
ANY_DEPARTMENT_ROLES = (Role.admin, Role.leader, Role.auditor)


async def list_colleagues(
    *, session: AsyncSession, viewer: Principal, page: PageParams, department: str | None = None
) -> tuple[list[User], int]:
    """The active bureau staff of a department (the caller's own when none is named)."""
    if viewer.kind != "user" or not viewer.has_any(*BUREAU_ROLES):
        raise Forbidden("only the bureau's staff look up colleagues")
    department = department or viewer.department
    if not viewer.has_any(*ANY_DEPARTMENT_ROLES) and department != viewer.department:
        raise Forbidden("a department's staff look up their own department's colleagues only")
    if department is None:
        raise invalid_field("name the department", "#/query/department")
    query = (
        select(User)
        .where(User.department == department, User.active.is_(True))
        .order_by(User.display_name, User.username)
    )
    return await fetch_page(session, query, page)
