"""Which headers cross the gateway, each way (RFC 9110 §7.6.1 on hop-by-hop fields)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import Scope

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Set afresh by the gateway (Host by the upstream client; Expect was already answered to
# the caller by the gateway's own server).
_REPLACED_ON_REQUESTS = HOP_BY_HOP | {
    b"host",
    b"expect",
    b"x-request-id",
    b"x-forwarded-for",
    b"x-forwarded-proto",
}
# The gateway's server writes its own.
_REPLACED_ON_RESPONSES = HOP_BY_HOP | {b"date", b"server"}


def _named_by_connection(headers: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    """The further hop-by-hop fields a Connection header lists (usually none)."""
    named: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            named.update(token.strip().lower() for token in value.split(b","))
    return frozenset(named)


def upstream_request_headers(scope: Scope, request_id: str) -> list[tuple[str, str]]:
    raw: list[tuple[bytes, bytes]] = scope["headers"]
    also_dropped = _named_by_connection(raw)
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in raw
        if name not in _REPLACED_ON_REQUESTS and name not in also_dropped
    ]
    # Exactly one address: the caller as the gateway's own server determined it (it reads
    # X-Forwarded-For only from the proxies in FORWARDED_ALLOW_IPS). Whatever list the
    # caller wrote stays here, so no service can mistake the caller's words for the
    # gateway's.
    client = scope.get("client")
    headers.append(("X-Forwarded-For", client[0] if client else "unknown"))
    headers.append(("X-Forwarded-Proto", scope.get("scheme", "http")))
    headers.append(("X-Request-ID", request_id))
    return headers


def caller_response_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    raw = list(raw)
    also_dropped = _named_by_connection(raw)
    kept = []
    for name, value in raw:
        lowered = name.lower()  # ASGI wants lowercase names, as the middleware compares them
        if lowered not in _REPLACED_ON_RESPONSES and lowered not in also_dropped:
            kept.append((lowered, value))
    return kept


def announces_body(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return value.strip() != b"0"
        if name == b"transfer-encoding":
            return True
    return False


def asks_for_event_stream(scope: Scope) -> bool:
    """A request for server-sent events, which holds its connection for minutes."""
    return any(
        name == b"accept" and b"text/event-stream" in value for name, value in scope["headers"]
    )
