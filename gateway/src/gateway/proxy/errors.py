"""The gateway's own refusals when a service cannot answer, as problem+json."""

from __future__ import annotations

from guanjia_shared.errors import DomainError, ServiceUnavailable


class UpstreamUnavailable(ServiceUnavailable):
    slug, title = "upstream-unavailable", "Service unavailable"


class CircuitOpen(ServiceUnavailable):
    """The service failed repeatedly; the gateway does not try it until the cool-down ends."""

    slug, title = "circuit-open", "Service unavailable"

    def __init__(self, detail: str, *, retry_after: int, **extra: object) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)}, **extra)


class BadGateway(DomainError):
    status, slug, title = 502, "bad-gateway", "Bad gateway"


class GatewayTimeout(DomainError):
    status, slug, title = 504, "gateway-timeout", "Gateway timeout"
