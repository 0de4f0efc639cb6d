"""The service app factory: settings, database, migrations, broker, outbox relay,
consumers, auth, errors, health and metrics — wired once, for every service."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.types import ASGIApp, Scope

from guanjia_shared.auth import JwksVerifier
from guanjia_shared.consumer import EventConsumer, Subscription
from guanjia_shared.db import create_engine
from guanjia_shared.errors import install_error_handlers, problem_response
from guanjia_shared.logging import configure_logging, get_logger
from guanjia_shared.metrics import ServiceMetrics
from guanjia_shared.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from guanjia_shared.migrations import upgrade_database_async
from guanjia_shared.outbox import Publishing
from guanjia_shared.periodic import JobMetrics, PeriodicJobFactory, PeriodicRunner
from guanjia_shared.problem_docs import document_problem_responses, problem_response_doc
from guanjia_shared.settings import BaseServiceSettings

log = get_logger("guanjia.app")

# A route that takes larger bodies than the default says so in its openapi_extra.
BODY_LIMIT_KEY = "x-max-body-bytes"


class GuanjiaApp(FastAPI):
    """FastAPI whose outermost layer gives every answer, 500s included, its request id."""

    metrics: ServiceMetrics

    def build_middleware_stack(self) -> ASGIApp:
        return RequestContextMiddleware(super().build_middleware_stack(), metrics=self.metrics)


def _route_body_limits(routers: Sequence[APIRouter]) -> Callable[[Scope], int | None]:
    """The larger body limits the routes of `routers` declare (each router's routes carry
    its prefix). Read off the routers, which are made once per process, rather than off
    the app: listing an app's routes makes FastAPI build every route's request state, a
    tenth of a second that each test's app paid on its first request (and its OpenAPI
    document, read before, half a second)."""
    limits = [
        (route.methods, route.path_regex, int(route.openapi_extra[BODY_LIMIT_KEY]))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and BODY_LIMIT_KEY in (route.openapi_extra or {})
    ]

    def limit_for(scope: Scope) -> int | None:
        for methods, pattern, limit in limits:
            if scope["method"] in methods and pattern.match(scope["path"]):
                return limit
        return None

    return limit_for


def create_service_app(
    *,
    settings: BaseServiceSettings,
    title: str,
    routers: Sequence[APIRouter],
    migrations: str,
    subscriptions: Sequence[Subscription] = (),
    description: str = "",
    periodic_jobs: Sequence[PeriodicJobFactory] = (),
) -> GuanjiaApp:
    """Build a service. `migrations` is the Alembic script location of its schema;
    `periodic_jobs` build the service's background jobs from its settings."""
    service = settings.service_name
    configure_logging(settings.log_level, json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: GuanjiaApp) -> AsyncIterator[None]:
        url = settings.resolved_database_url
        if settings.should_migrate_on_start:
            await upgrade_database_async(migrations, url)
        engine = create_engine(
            url, connect_timeout_seconds=settings.database_connect_timeout_seconds
        )
        publishing = Publishing(settings, engine, source=service, metrics=app.metrics)
        broker, session_factory = publishing.broker, publishing.session_factory
        periodic = [
            PeriodicRunner(make_job(settings), session_factory, metrics=job_metrics)
            for make_job in periodic_jobs
        ]
        runners = {runner.job.name: runner for runner in periodic}
        consumers = [
            EventConsumer(
                subscription=subscription,
                service=service,
                broker=broker,
                session_factory=session_factory,
                namespace=settings.event_namespace,
                metrics=app.metrics,
                stream_replicas=settings.stream_replicas,
                on_applied=waking(runners, subscription),
            )
            for subscription in subscriptions
        ]
        app.state.engine = engine
        app.state.session_factory = session_factory
        app.state.broker = broker
        app.state.relay = publishing.relay
        app.state.consumers = consumers
        app.state.periodic_jobs = runners
        publishing.start()
        for consumer in consumers:
            consumer.start()
        # Tests move time by hand (frozen clocks): a loop on the real clock would act on
        # their data at random moments, so there they tick with `run_once()` instead.
        if settings.environment != "test":
            for runner in periodic:
                runner.start()
        log.info("service_started", service=service)
        try:
            yield
        finally:
            # Drain: stop taking new work, finish the batch in flight, then disconnect.
            for runner in periodic:
                await runner.stop()
            for consumer in consumers:
                await consumer.stop()
            await publishing.stop()
            await engine.dispose()
            log.info("service_stopped", service=service)

    app = GuanjiaApp(
        title=title,
        description=description,
        version="0.1.0",
        lifespan=lifespan,
    )
    app.metrics = ServiceMetrics(service)
    job_metrics = JobMetrics(app.metrics.registry) if periodic_jobs else None
    app.state.settings = settings
    app.state.verifier = JwksVerifier(
        settings.jwks_url,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        key_max_age=settings.jwks_max_age_seconds,
    )
    install_error_handlers(app)
    add_routes(app, [health_router(broker_readiness), *routers])
    document_problem_responses(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        default_limit=settings.max_body_bytes,
        limit_for=_route_body_limits(routers),
    )
    return app


def add_routes(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Add each router's routes to `app` as the router built them on import (with its prefix,
    tags and dependencies). `app.include_router` would wrap each router in a copy that FastAPI
    builds again, route by route, on the app's first request: some 30 ms paid at every start of
    a process, and by every test that starts a service, for routes that come out the same.
    (Routes added this way do not consult `app.dependency_overrides`; nothing here uses it.)"""
    for router in routers:
        app.router.routes.extend(router.routes)


def waking(runners: dict[str, PeriodicRunner], subscription: Subscription) -> Callable[[], None]:
    """What a consumer calls when it has applied events: wakes the jobs it names."""
    unknown = set(subscription.wakes) - set(runners)
    if unknown:
        raise ValueError(f"subscription {subscription.name} wakes no such job: {sorted(unknown)}")
    woken = [runners[name] for name in subscription.wakes]

    def wake() -> None:
        for runner in woken:
            runner.wake()

    return wake


ReadinessChecks = Callable[[Request], Awaitable[dict[str, str]]]


async def broker_readiness(request: Request) -> dict[str, str]:
    return {"nats": "ok" if request.app.state.broker.is_connected else "unavailable"}


async def readiness_answer(
    request: Request, readiness_checks: ReadinessChecks
) -> dict[str, Any] | Response:
    """200 when the database in `app.state.engine` and whatever `readiness_checks` names
    answer "ok"; else 503 `not-ready`, naming what is not."""
    checks = {"database": "ok"}
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    checks.update(await readiness_checks(request))
    if all(value == "ok" for value in checks.values()):
        return {"status": "ready", "checks": checks}
    not_ready = ", ".join(name for name, value in checks.items() if value != "ok")
    return problem_response(503, "not-ready", "Not ready", f"not ready: {not_ready}", checks=checks)


def health_router(readiness_checks: ReadinessChecks) -> APIRouter:
    """`/healthz` (alive), `/readyz` (the database in `app.state.engine` and whatever
    `readiness_checks` names answer "ok") and `/metrics` (on the metrics port, if any)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Alive: the process answers."""
        return {"status": "ok"}

    @router.get("/readyz", response_model=None, responses={503: problem_response_doc(503)})
    async def readyz(request: Request) -> dict[str, Any] | Response:
        """Ready: the database and every dependency this process needs answer."""
        return await readiness_answer(request, readiness_checks)

    @router.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        """Prometheus' view. With a metrics port, only there (it is never published): on the
        API's port it is a path like any unknown one."""
        metrics_port = request.app.state.settings.metrics_port
        if metrics_port is not None and (request.scope.get("server") or (None, None))[1] != (
            metrics_port
        ):
            raise HTTPException(status_code=404)
        return Response(
            generate_latest(request.app.metrics.registry), media_type=CONTENT_TYPE_LATEST
        )

    return router
