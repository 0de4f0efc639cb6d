"""The command line every service and the gateway share: `serve` and `migrate`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import typer
import uvicorn

from guanjia_shared.migrations import upgrade_database
from guanjia_shared.settings import BaseServiceSettings

# The exit code of a server whose start failed, as uvicorn.run answers it.
STARTUP_FAILURE = 3


def service_cli(
    *, app_factory: str, settings_factory: Callable[[], BaseServiceSettings], migrations: str
) -> typer.Typer:
    """`app_factory` is the import path of the app factory, `module:function`."""
    cli = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)

    @cli.command()
    def serve(
        host: str | None = typer.Option(None, help="Address to bind (default from settings)"),
        port: int | None = typer.Option(None, help="Port to bind (default from settings)"),
    ) -> None:
        """Serve the API (migrations run first in development)."""
        settings = settings_factory()
        config = uvicorn.Config(
            app_factory,
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            loop="uvloop",
            http="httptools",
            access_log=False,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            log_config=None,
            timeout_graceful_shutdown=20,
        )
        sockets = None
        if settings.metrics_port is not None:
            # One app on two listening sockets, the API's and the metrics port's: the app
            # answers /metrics only on the latter.
            metrics = uvicorn.Config(app_factory, host=config.host, port=settings.metrics_port)
            sockets = [config.bind_socket(), metrics.bind_socket()]
        server = uvicorn.Server(config)
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=sockets)
        if not server.started:
            raise typer.Exit(STARTUP_FAILURE)

    @cli.command()
    def migrate() -> None:
        """Bring the database to the newest schema (production runs this before rollout)."""
        settings = settings_factory()
        upgrade_database(migrations, settings.resolved_database_url)
        typer.echo(f"{settings.service_name}: database is at the newest migration")

    return cli
