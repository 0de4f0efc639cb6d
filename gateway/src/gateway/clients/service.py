"""The rules of API clients: generated ids and secrets, only the secret's hash kept."""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from gateway.clients.models import ApiClient, ClientCreate, ClientCreated, ClientRead
from gateway.database import storable
from gateway.hashing import SecretHasher
from gateway.revocations.service import RevokedSubjects
from gateway.users.models import unique_roles
from guanjia_shared.errors import NotFound
from guanjia_shared.pagination import PageParams, fetch_page


async def create_client(
    *, session: AsyncSession, hasher: SecretHasher, data: ClientCreate
) -> ClientCreated:
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id=f"gj-{secrets.token_hex(10)}",
        secret_hash=await hasher.hash(secret),
        name=data.name,
        roles=unique_roles(data.roles),
        unit_id=data.unit_id,
    )
    session.add(client)
    await session.commit()
    return ClientCreated(**ClientRead.model_validate(client).model_dump(), client_secret=secret)


async def list_clients(*, session: AsyncSession, page: PageParams) -> tuple[list[ApiClient], int]:
    return await fetch_page(
        session, select(ApiClient).order_by(ApiClient.created_at, ApiClient.id), page
    )


async def revoke_client(*, session: AsyncSession, revoked: RevokedSubjects, client_pk: str) -> None:
    """The client's tokens are refused from the commit on (see RevokedSubjects)."""
    client = await session.get(ApiClient, client_pk) if storable(client_pk) else None
    if client is None:
        raise NotFound(f"no API client {client_pk}")
    client.active = False
    session.add(client)
    await session.commit()
    revoked.tell(client.id, revoked=True)


async def authenticate_client(
    *, session: AsyncSession, hasher: SecretHasher, client_id: str, client_secret: str
) -> ApiClient | None:
    """The active client with these credentials, else None; as slow for an unknown client id
    as for a known one."""
    client = (
        await session.scalar(
            select(ApiClient).where(ApiClient.client_id == client_id, ApiClient.active)
        )
        if storable(client_id)
        else None
    )
    # End the read before the slow hash: an open SQLite transaction holds up every writer.
    await session.commit()
    matched = await hasher.verify(client.secret_hash if client else None, client_secret)
    return client if client is not None and matched else None


async def get_active_client(*, session: AsyncSession, client_pk: str) -> ApiClient | None:
    return await session.scalar(
        select(ApiClient).where(ApiClient.id == client_pk, ApiClient.active)
    )
