"""Issuing tokens: the OAuth2 password and client-credentials grants, each behind the
brute-force guard, and who a token's holder is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clients.service import authenticate_client, get_active_client
from gateway.logins.models import LoginDesk
from gateway.logins.service import guarded_login
from gateway.tokens.keys import SigningKeys
from gateway.tokens.models import CallerRead, TokenAnswer
from gateway.users.models import normalize_username
from gateway.users.service import authenticate_user, get_active_user
from guanjia_shared.auth import Principal
from guanjia_shared.clock import now
from guanjia_shared.errors import DomainError, Unauthorized


class WrongCredentials(Unauthorized):
    """The one answer to every failed login, whether or not the account exists. `error` is
    the OAuth2 error code (RFC 6749 §5.2) that OAuth2 client libraries look for."""

    slug, title = "invalid-credentials", "Invalid credentials"


class UnsupportedGrantType(DomainError):
    status, slug, title = 400, "unsupported-grant-type", "Unsupported grant type"


@dataclass(frozen=True)
class TokenIssuer:
    keys: SigningKeys
    issuer: str
    audience: str
    lifetime: timedelta

    def issue(
        self,
        *,
        subject: str,
        username: str,
        name: str,
        roles: list[str],
        unit_id: str | None,
        department: str | None,
        kind: str,
    ) -> TokenAnswer:
        issued = now()
        claims = {
            "sub": subject,
            "username": username,
            "name": name,
            "roles": roles,
            "unit_id": unit_id,
            "department": department,
            "kind": kind,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(issued.timestamp()),
            "exp": int((issued + self.lifetime).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(
            claims, self.keys.signing_key, algorithm="EdDSA", headers={"kid": self.keys.kid}
        )
        return TokenAnswer(access_token=token, expires_in=int(self.lifetime.total_seconds()))


async def exchange_password(
    *,
    session: AsyncSession,
    issuer: TokenIssuer,
    desk: LoginDesk,
    username: str,
    password: str,
    address: str,
) -> TokenAnswer:
    user = await guarded_login(
        session=session,
        desk=desk,
        account=f"user:{normalize_username(username)}",
        address=address,
        authenticate=lambda: authenticate_user(
            session=session, hasher=desk.hasher, username=username, password=password
        ),
    )
    if user is None:
        raise WrongCredentials("the username or password is wrong", error="invalid_grant")
    return issuer.issue(
        subject=user.id,
        username=user.username,
        name=user.display_name,
        roles=user.roles,
        unit_id=user.unit_id,
        department=user.department,
        kind="user",
    )


async def exchange_client_credentials(
    *,
    session: AsyncSession,
    issuer: TokenIssuer,
    desk: LoginDesk,
    client_id: str,
    client_secret: str,
    address: str,
) -> TokenAnswer:
    client = await guarded_login(
        session=session,
        desk=desk,
        account=f"client:{client_id}",
        address=address,
        authenticate=lambda: authenticate_client(
            session=session, hasher=desk.hasher, client_id=client_id, client_secret=client_secret
        ),
    )
    if client is None:
        raise WrongCredentials("the client id or secret is wrong", error="invalid_client")
    return issuer.issue(
        subject=client.id,
        username=client.name,
        name=client.name,
        roles=client.roles,
        unit_id=client.unit_id,
        department=None,
        kind="client",
    )


async def describe_caller(*, session: AsyncSession, caller: Principal) -> CallerRead:
    """The token's holder as recorded now; a holder deactivated since the token was issued
    is refused."""
    if caller.kind == "client":
        client = await get_active_client(session=session, client_pk=caller.id)
        if client is not None:
            return CallerRead(
                id=client.id,
                username=client.name,
                display_name=client.name,
                roles=client.roles,
                unit_id=client.unit_id,
                department=None,
                kind="client",
            )
    else:
        user = await get_active_user(session=session, user_id=caller.id)
        if user is not None:
            return CallerRead(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                roles=user.roles,
                unit_id=user.unit_id,
                department=user.department,
                kind="user",
            )
    raise Unauthorized("the account this token was issued to is no longer active")
