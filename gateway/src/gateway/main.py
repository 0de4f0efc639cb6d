"""The gateway: settings, keys, its own routes (identity, tokens, schema, health) and the
front that proxies to the services."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

from gateway.app import GatewayApp, build_front
from gateway.clients.views import router as clients_router
from gateway.config import Settings, get_settings
from gateway.contacts.views import router as contacts_router
from gateway.database import MIGRATIONS
from gateway.events import EVENT_SOURCE
from gateway.hashing import SecretHasher
from gateway.health.views import router as health_router
from gateway.logins.models import LoginDesk, LoginPolicy
from gateway.openapi.service import MergedSchema
from gateway.openapi.views import router as openapi_router
from gateway.proxy.rate_limit import TokenBuckets
from gateway.proxy.upstreams import Upstreams
from gateway.revocations.service import RevokedSubjects, revocation_reload
from gateway.tokens.keys import load_signing_keys
from gateway.tokens.service import TokenIssuer
from gateway.tokens.verification import TokenVerifier
from gateway.tokens.views import router as tokens_router
from gateway.users.service import ensure_first_admin
from gateway.users.views import colleagues_router
from gateway.users.views import router as users_router
from guanjia_shared.app import add_routes
from guanjia_shared.db import create_engine
from guanjia_shared.errors import install_error_handlers
from guanjia_shared.logging import configure_logging, get_logger
from guanjia_shared.metrics import ServiceMetrics
from guanjia_shared.middleware import BodySizeLimitMiddleware
from guanjia_shared.migrations import upgrade_database_async
from guanjia_shared.outbox import Publishing
from guanjia_shared.periodic import JobMetrics, PeriodicRunner
from guanjia_shared.problem_docs import document_problem_responses

log = get_logger("guanjia.gateway")


def create_app(settings: Settings | None = None) -> GatewayApp:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    signing_keys = load_signing_keys(settings)
    revoked = RevokedSubjects()
    verifier = TokenVerifier(
        signing_keys.verification_keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        revoked=revoked,
    )
    hasher = SecretHasher(
        concurrency=settings.hashing_concurrency,
        queue=settings.hashing_queue,
        memory_kib=settings.password_hash_memory_kib,
        time_cost=settings.password_hash_time_cost,
    )
    upstreams = Upstreams(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: GatewayApp) -> AsyncIterator[None]:
        url = settings.resolved_database_url
        if settings.should_migrate_on_start:
            await upgrade_database_async(MIGRATIONS, url)
        engine = create_engine(
            url, connect_timeout_seconds=settings.database_connect_timeout_seconds
        )
        publishing = Publishing(settings, engine, source=EVENT_SOURCE, metrics=app.metrics)
        app.state.engine = engine
        app.state.session_factory = publishing.session_factory
        app.state.relay = publishing.relay
        app.state.broker = publishing.broker
        publishing.start()
        async with app.state.session_factory() as session:
            configured = settings.admin_password
            generated = await ensure_first_admin(
                session=session,
                hasher=hasher,
                password=configured.get_secret_value() if configured else None,
            )
        if generated is not None:
            # Straight to stderr, not into the shipped logs: it is shown this once.
            print(
                f"gateway: created user 'admin' with the password {generated} — change it",
                file=sys.stderr,
                flush=True,
            )
        reloading = PeriodicRunner(
            revocation_reload(revoked, interval_seconds=settings.revocation_refresh_seconds),
            app.state.session_factory,
            metrics=job_metrics,
        )
        await reloading.run_once()  # no revoked token gets through while the first one runs
        reloading.start()
        await upstreams.start()
        log.info("gateway_started", upstreams=settings.upstream_urls)
        try:
            yield
        finally:
            await reloading.stop()
            await upstreams.close()
            await publishing.stop()
            await engine.dispose()
            hasher.close()
            log.info("gateway_stopped")

    app = GatewayApp(
        title="Guanjia API",
        description="The gateway's identity and tokens, and every service behind it.",
        version="0.1.0",
        lifespan=lifespan,
        # The gateway serves the merged schema and its docs itself.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    # Before `app.openapi` is handed to the merged schema (it reads the routes when called).
    document_problem_responses(app)
    app.metrics = ServiceMetrics(settings.service_name)
    job_metrics = JobMetrics(app.metrics.registry)
    app.state.settings = settings
    app.state.signing_keys = signing_keys
    app.state.verifier = verifier  # what the shared `current_user` verifies tokens with
    app.state.token_issuer = TokenIssuer(
        keys=signing_keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(seconds=settings.token_lifetime_seconds),
    )
    app.state.hasher = hasher
    app.state.revoked_subjects = revoked
    app.state.login_desk = LoginDesk(
        policy=LoginPolicy.from_settings(settings),
        allowance=TokenBuckets(
            rate=settings.login_rate_limit_per_second, burst=settings.login_rate_limit_burst
        ),
        hasher=hasher,
    )
    app.state.upstreams = upstreams
    app.state.merged_schema = MergedSchema(
        own=app.openapi, upstreams=upstreams, refresh_seconds=settings.openapi_refresh_seconds
    )
    install_error_handlers(app)
    add_routes(
        app,
        [
            tokens_router,
            users_router,
            colleagues_router,
            contacts_router,
            clients_router,
            openapi_router,
            health_router,
        ],
    )
    app.add_middleware(
        BodySizeLimitMiddleware, default_limit=settings.max_body_bytes, limit_for=lambda _: None
    )
    app.console_dir = settings.console_dir
    app.front = build_front(settings, upstreams=upstreams, verifier=verifier)
    return app
