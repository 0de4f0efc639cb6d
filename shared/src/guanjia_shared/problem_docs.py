"""The problem+json answers of every route, declared in the app's OpenAPI document.

Errors are answered by the shared machinery (`guanjia_shared.errors`), not by each route,
so they are documented here once: each operation lists the refusals its shape allows
(authentication and roles, malformed or oversize bodies, invalid input, missing records,
conflicts, stale writes, an unavailable database) as `application/problem+json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from guanjia_shared.auth import current_user
from guanjia_shared.deps import get_session
from guanjia_shared.errors import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA_NAME = "Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": PROBLEM_SCHEMA_NAME,
    "description": "RFC 9457 problem details; `type` is stable, clients switch on it.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "description": "the fields at fault, for validation errors",
            "type": "array",
            "items": {
                "type": "object",
                "required": ["detail"],
                "properties": {
                    "detail": {"type": "string"},
                    "pointer": {"type": "string"},
                    "parameter": {"type": "string"},
                },
            },
        },
        "rule": {"description": "the rule a conflict breaks", "type": "string"},
    },
}

_DESCRIPTIONS = {
    400: "Malformed body: not valid JSON",
    401: "Authentication required: no token, or not a valid one",
    403: "Forbidden: the caller's roles or unit do not allow this",
    404: "Not found",
    409: "Conflict: an illegal transition, or a duplicate or missing reference",
    412: "Precondition failed: If-Match names another version",
    413: "Payload too large",
    422: "Invalid input: the fields at fault are listed in `errors`",
    429: "Too many requests: Retry-After says when to try again",
    503: "Service unavailable",
}

# FastAPI's own validation-error schemas, which our answers never take.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def problem_response_doc(status: int, description: str | None = None) -> dict[str, Any]:
    """An OpenAPI response object for a problem+json answer (for `responses=` too)."""
    return {
        "description": description or _DESCRIPTIONS.get(status, "Problem"),
        "content": {
            PROBLEM_MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA_NAME}"}}
        },
    }


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any] | None]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _statuses(dependant: Dependant, method: str, operation: dict[str, Any]) -> set[int]:
    """The refusals a route of this shape can answer."""
    calls = set(_calls(dependant))
    parameters = operation.get("parameters", [])
    statuses: set[int] = set()
    if current_user in calls:
        statuses |= {401, 403}
    if "requestBody" in operation:
        statuses |= {400, 413, 422}
    if parameters:
        statuses.add(422)
    if any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    if method != "get":
        statuses.add(409)
    if any(p["in"] == "header" and p["name"].lower() == "if-match" for p in parameters):
        statuses.add(412)
    if get_session in calls:
        statuses.add(503)
    return statuses


def _declare_problems(app: FastAPI, document: dict[str, Any]) -> None:
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or not context.include_in_schema:
            continue
        for method in context.methods or ():
            operation = document["paths"].get(context.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(context.dependant, method.lower(), operation)):
                # FastAPI's default 422 is replaced; a route's own declarations are kept.
                if status == 422 or str(status) not in responses:
                    responses[str(status)] = problem_response_doc(status)
            operation["responses"] = dict(sorted(responses.items()))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    schemas[PROBLEM_SCHEMA_NAME] = PROBLEM_SCHEMA


def document_problem_responses(app: FastAPI) -> None:
    """Make `app.openapi()` declare each operation's problem+json answers (replacing
    FastAPI's default 422, whose shape ours is not)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()  # cached by FastAPI until the routes change
        if PROBLEM_SCHEMA_NAME not in document.get("components", {}).get("schemas", {}):
            _declare_problems(app, document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
