"""RFC 9457 problem+json: the one shape of every error any Guanjia process answers.

Rules raise the domain errors below (never HTTPException), so they read and test without
HTTP; `install_error_handlers` turns them, and every framework error, into problem+json.
"""

from __future__ import annotations

import errno
import socket
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from guanjia_shared.logging import get_logger

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = get_logger("guanjia.errors")


def problem_type(slug: str) -> str:
    """The stable `type` URI of a problem: clients switch on it, never on `title`."""
    return f"urn:guanjia:problem:{slug}"


def problem_body(status: int, slug: str, title: str, detail: str = "", **extra: Any) -> bytes:
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    body.update({key: value for key, value in extra.items() if value is not None})
    return orjson.dumps(body)


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str = "",
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    return Response(
        content=problem_body(status, slug, title, detail, **extra),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


class DomainError(Exception):
    """A refusal a rule makes; carries what the problem+json answer needs."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers
        self.extra = extra

    def to_response(self) -> Response:
        return problem_response(
            self.status, self.slug, self.title, self.detail, headers=self.headers, **self.extra
        )


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Unauthorized(DomainError):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "", **extra: Any):
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, **extra)


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Forbidden"


class Conflict(DomainError):
    """An illegal move: the rule it breaks is named, so a client can tell which."""

    status, slug, title = 409, "conflict", "Conflict"

    def __init__(self, detail: str = "", *, rule: str | None = None, **extra: Any):
        super().__init__(detail, rule=rule, **extra)


class PreconditionFailed(DomainError):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(DomainError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a rule of its own fields."""

    status, slug, title = 422, "validation-error", "Invalid input"

    def __init__(self, detail: str = "", *, errors: list[dict[str, str]] | None = None):
        super().__init__(detail, errors=errors or [])


def invalid_field(detail: str, pointer: str) -> InvalidInput:
    """A 422 for one field at fault, `pointer` being its JSON pointer (`#/unit_id`)."""
    return InvalidInput(detail, errors=[{"detail": detail, "pointer": pointer}])


class RateLimited(DomainError):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, detail: str = "", *, retry_after: int = 1):
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class ServiceUnavailable(DomainError):
    status, slug, title = 503, "service-unavailable", "Service unavailable"


# Try again after this long when the database is away (a restart or failover takes seconds).
DATABASE_RETRY_AFTER_SECONDS = 2
# SQLSTATE classes of a lost or refused connection: 08 connection exception, 57 operator
# intervention (shutting down, starting up, terminated by the administrator).
_UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "57"})
_UNREACHABLE_ERRNOS = frozenset({errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT})


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached right now (down, restarting,
    failing over, no pooled connection free) rather than that the request or the code is
    at fault. A connection refused while connecting reaches us unwrapped by SQLAlchemy,
    as the driver's own OSError; in a service the database is the only thing a request
    connects to (events go through the outbox), so such an error is the database's."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or str(_sqlstate(exc) or "")[:2] in (
            _UNAVAILABLE_SQLSTATE_CLASSES
        )
    return isinstance(exc, ConnectionError | TimeoutError | socket.gaierror) or (
        isinstance(exc, OSError) and exc.errno in _UNREACHABLE_ERRNOS
    )


# Text the database cannot store: a NUL character (PostgreSQL's text refuses it, SQLite's
# keeps it) or a character outside the database's encoding. Only a caller's input brings it.
_UNSTORABLE_TEXT_SQLSTATES = frozenset({"22021", "22P05"})


def unstorable_text(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and _sqlstate(exc) in _UNSTORABLE_TEXT_SQLSTATES


def _sqlstate(exc: DBAPIError) -> str | None:
    """The SQLSTATE the driver reported (asyncpg and psycopg name it differently)."""
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def database_unavailable_response() -> Response:
    return problem_response(
        503,
        "database-unavailable",
        "Service unavailable",
        "the database cannot be reached right now; try again shortly",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def _json_pointer(location: tuple[Any, ...]) -> str:
    return "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in location)


def _place_in_body(body: Any, location: tuple[Any, ...], error_type: str) -> tuple[Any, ...]:
    """The part of `location` that walks `body`. Pydantic's locations also name the branch
    of a union (`str`, `FollowUpIn`) or a validator that refused a value; those are no
    place in the body and are left out, so the pointer points at what the caller sent (or,
    for a missing field, at where it belongs)."""
    if not isinstance(body, dict | list):
        return location
    node, place = body, []
    for position, part in enumerate(location):
        in_body = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if in_body:
            node = node[part]
        elif not (position == len(location) - 1 and error_type == "missing"):
            continue
        place.append(part)
    return tuple(place)


def validation_errors(exc: RequestValidationError) -> tuple[list[dict[str, str]], bool]:
    """The fields at fault, each with a JSON pointer into the body or the parameter named.

    Also says whether the body was not JSON at all (a 400, not a 422).
    """
    errors: list[dict[str, str]] = []
    malformed = False
    for error in exc.errors():
        location = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            malformed = True
        entry = {"detail": str(error.get("msg", "invalid"))}
        if location and location[0] == "body":
            place = _place_in_body(exc.body, location[1:], str(error.get("type", "")))
            entry["pointer"] = _json_pointer(place)
        elif location:
            entry["pointer"] = _json_pointer(location)
            entry["parameter"] = str(location[-1])
        errors.append(entry)
    return errors, malformed


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on the request's path. (Starlette's 405 names only
    those of the first route on the path; RFC 9110 §15.5.6 asks for all of them.)"""
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


def request_id_of(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> Response:
        return exc.to_response()

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> Response:
        errors, malformed = validation_errors(exc)
        if malformed:
            return problem_response(
                400, "malformed-body", "Malformed body", "the body is not valid JSON"
            )
        return problem_response(
            422,
            "validation-error",
            "Invalid input",
            "; ".join(f"{e.get('pointer', '')}: {e['detail']}" for e in errors),
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        slug = {
            404: "not-found",
            405: "method-not-allowed",
            401: "unauthorized",
            403: "forbidden",
        }.get(exc.status_code, "http-error")
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return problem_response(exc.status_code, slug, title, str(exc.detail), headers=headers)

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> Response:
        log.info("integrity_conflict", error=str(exc.orig))
        return problem_response(
            409,
            "integrity-conflict",
            "Conflict",
            "the change conflicts with data already recorded (a duplicate or a missing reference)",
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        request_id = request_id_of(request)
        log.exception("unhandled_error", request_id=request_id, path=request.url.path)
        return problem_response(
            500,
            "internal-error",
            "Internal error",
            "an unexpected error occurred; quote the request id when reporting it",
            request_id=request_id,
        )

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeoutError)
    @app.exception_handler(OSError)
    async def _database_error(request: Request, exc: Exception) -> Response:
        if unstorable_text(exc):
            return problem_response(
                422,
                "unstorable-text",
                "Unprocessable content",
                "a text holds a character that cannot be stored (such as NUL, \\u0000)",
            )
        if not database_unavailable(exc):
            return await _unexpected(request, exc)
        log.warning("database_unavailable", path=request.url.path, error=repr(exc))
        return database_unavailable_response()
