"""What stands around the gateway's own routes: the web console's files beside them, the
plain-ASGI proxy to the services in front of both, CORS in front of that, and the shared
request context outermost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from gateway.config import Settings
from gateway.console.files import ConsoleApp
from gateway.proxy.forwarding import ProxyApp
from gateway.proxy.rate_limit import TokenBuckets
from gateway.proxy.upstreams import Upstreams
from gateway.tokens.verification import TokenVerifier
from guanjia_shared.errors import problem_response
from guanjia_shared.metrics import ServiceMetrics
from guanjia_shared.middleware import RequestContextMiddleware


class GatewayApp(FastAPI):
    """FastAPI for the gateway's own routes, with the console's files beside them when there
    is a console to serve; `front` wraps them in the proxy and CORS, and the outermost layer
    gives every answer its request id, as in the services."""

    metrics: ServiceMetrics
    front: Callable[[ASGIApp], ASGIApp]
    console_dir: Path | None = None

    def build_middleware_stack(self) -> ASGIApp:
        own_routes = super().build_middleware_stack()
        if self.console_dir is not None:
            own_routes = ConsoleApp(self.console_dir, own_routes=own_routes)
        return RequestContextMiddleware(self.front(own_routes), metrics=self.metrics)


class ProblemCorsMiddleware(CORSMiddleware):
    """Starlette's CORS, answering a refused preflight in problem+json like every error."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        return problem_response(
            response.status_code,
            "cors-refused",
            "CORS request refused",
            bytes(response.body).decode(),
        )


def build_front(
    settings: Settings, *, upstreams: Upstreams, verifier: TokenVerifier
) -> Callable[[ASGIApp], ASGIApp]:
    """The proxy (with its rate limits) before the gateway's own routes, and CORS when
    origins are allowed."""

    def wrap(own_routes: ASGIApp) -> ASGIApp:
        proxy = ProxyApp(
            upstreams=upstreams,
            verifier=verifier,
            buckets=TokenBuckets(
                rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst
            ),
            public_buckets=TokenBuckets(
                rate=settings.public_rate_limit_per_second,
                burst=settings.public_rate_limit_burst,
            ),
            fallback=own_routes,
        )
        if not settings.cors_allow_origins:
            return proxy
        return ProblemCorsMiddleware(
            proxy,
            allow_origins=settings.cors_allow_origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "X-Request-ID",
                "traceparent",
            ],
            expose_headers=["X-Request-ID", "ETag", "Location", "Retry-After"],
            max_age=600,
        )

    return wrap
