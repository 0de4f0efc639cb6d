from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Form, Request, Response

from gateway.tokens import service
from gateway.tokens.models import CallerRead, TokenAnswer
from guanjia_shared.addresses import address_block
from guanjia_shared.auth import CurrentUser
from guanjia_shared.deps import SessionDep
from guanjia_shared.errors import InvalidInput
from guanjia_shared.problem_docs import problem_response_doc

router = APIRouter(tags=["auth"])

Credential = Annotated[str | None, Form(max_length=256)]


@router.post(
    "/api/v1/auth/token",
    response_model=TokenAnswer,
    # Refusals of the login itself, which the shared problem docs cannot see in its shape.
    responses={
        401: problem_response_doc(401, "Wrong credentials, or an inactive account or client"),
        429: problem_response_doc(
            429,
            "Too many failed logins (locked out), or too many logins from this address: "
            "try again once Retry-After has passed",
        ),
        503: problem_response_doc(
            503, "Too many logins being checked at once: try again after Retry-After"
        ),
    },
)
async def issue_token(
    request: Request,
    response: Response,
    session: SessionDep,
    grant_type: Annotated[str, Form(max_length=64)],
    username: Credential = None,
    password: Credential = None,
    client_id: Credential = None,
    client_secret: Credential = None,
):
    """OAuth2 token endpoint (RFC 6749): the `password` grant for people, the
    `client_credentials` grant for other systems (credentials in the form or in HTTP Basic)."""
    state = request.app.state
    # The lockout counts an IPv6 caller by its /64, as every per-address limit does.
    address = address_block(request.client.host) if request.client else "unknown"
    response.headers["Cache-Control"] = "no-store"
    if grant_type == "password":
        _require(username=username, password=password)
        return await service.exchange_password(
            session=session,
            issuer=state.token_issuer,
            desk=state.login_desk,
            username=username or "",
            password=password or "",
            address=address,
        )
    if grant_type == "client_credentials":
        client_id, client_secret = _basic_credentials(request.headers.get("authorization")) or (
            client_id,
            client_secret,
        )
        _require(client_id=client_id, client_secret=client_secret)
        return await service.exchange_client_credentials(
            session=session,
            issuer=state.token_issuer,
            desk=state.login_desk,
            client_id=client_id or "",
            client_secret=client_secret or "",
            address=address,
        )
    raise service.UnsupportedGrantType(
        f"grant_type {grant_type!r} is not supported: use password or client_credentials",
        error="unsupported_grant_type",
    )


@router.get("/.well-known/jwks.json")
async def jwks(request: Request, response: Response) -> dict[str, Any]:
    """The public keys that verify the gateway's tokens (two while a key is rotated)."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return request.app.state.signing_keys.jwks()


@router.get("/api/v1/auth/me", response_model=CallerRead)
async def me(caller: CurrentUser, session: SessionDep):
    return await service.describe_caller(session=session, caller=caller)


def _require(**fields: str | None) -> None:
    missing = [name for name, value in fields.items() if not value]
    if missing:
        raise InvalidInput(
            f"this grant needs {' and '.join(fields)}",
            errors=[{"detail": "required", "parameter": name} for name in missing],
        )


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """Client credentials sent as HTTP Basic, form-encoded first (RFC 6749 §2.3.1)."""
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, separator, client_secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(client_secret)) if separator else None
