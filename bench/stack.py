"""Real processes for the benchmarks: NATS, throw-away PostgreSQL databases, services and the
gateway through their own command lines (`<svc>-svc serve`, `guanjia-gateway serve`, one
uvicorn process each, as deployed), tokens from the gateway's own login, and wrk.

    with running_stack(["asset"], gateway_env={...}) as stack:
        headers = stack.bearer(stack.token("agent", department="后勤服务中心"))
        result = run_wrk(stack.gateway.url + "/api/v1/asset/units", headers=headers, ...)

NATS: the server at NATS_URL when one answers, else a private nats-server. PostgreSQL: a
database per service on the server named by GUANJIA_BENCH_POSTGRES_URL, dropped afterwards.
Each process writes its output to a log file in the stack's directory (removed afterwards);
an error while starting quotes its end.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from guanjia_shared.nats_server import NatsServerProcess, configured_nats_url, free_port
from guanjia_shared.processes import stop_process

BIN = Path(sys.executable).parent
DEFAULT_POSTGRES_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
SERVICES = ("asset", "ticket", "ledger", "emergency", "notify")
WRK = os.environ.get("WRK", "/usr/bin/wrk")
WRK_SCRIPT = Path(__file__).parent / "wrk" / "report.lua"
ADMIN_PASSWORD = "bench-admin-password"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def postgres_server() -> str:
    return os.environ.get("GUANJIA_BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_SERVER


def _run_async(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Runs `coroutine` to the end on a loop of its own, whether or not the caller is
    itself inside a running loop."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _admin_statement(server: str, statement: str) -> None:
    admin = create_async_engine(make_url(server), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await admin.dispose()


@contextlib.contextmanager
def postgres_database(server: str | None = None) -> Iterator[str]:
    """A new, empty database on `server` (default: postgres_server()), dropped afterwards."""
    server = server or postgres_server()
    name = f"guanjia_bench_{uuid.uuid4().hex[:10]}"
    _run_async(_admin_statement(server, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        _run_async(_admin_statement(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def query_scalar(url: str, statement: str) -> Any:
    """One value from the database at `url` (for checks after a run)."""
    engine = create_async_engine(make_url(url))
    try:
        async with engine.connect() as connection:
            return await connection.scalar(text(statement))
    finally:
        await engine.dispose()


def scalar(url: str, statement: str) -> Any:
    return _run_async(query_scalar(url, statement))


@contextlib.contextmanager
def nats(directory: Path) -> Iterator[str]:
    """The NATS at NATS_URL when it answers, else a private nats-server with JetStream."""
    configured = configured_nats_url()
    if configured:
        yield configured
        return
    server = NatsServerProcess(directory / "nats").start()
    try:
        yield server.url
    finally:
        server.stop()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def postgres_cpu_seconds() -> float:
    """CPU time used so far by the local PostgreSQL server's processes (its backends,
    WAL writer, checkpointer…); a backend that exits takes its share with it."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            name, fields = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
            if name == "postgres":
                parts = fields.split()
                total += (int(parts[11]) + int(parts[12])) / CLOCK_TICKS
    return total


def machine_cpu_seconds() -> tuple[float, float]:
    """CPU time the whole machine has been busy so far, and time stolen from it by the
    hypervisor (a virtual machine's neighbours), summed over its cores."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


@dataclass
class ServerProcess:
    """A server started through its command line, answering HTTP on `port`."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    port: int
    ready_path: str = "/readyz"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} is not running"
        return self.process.pid

    def launch(self) -> ServerProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*self.command, "--port", str(self.port)],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_until_ready(self, timeout: float = 60.0) -> ServerProcess:
        assert self.process is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited while starting:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + self.ready_path, timeout=2).status_code == 200:
                    return self
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} was not ready within {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        """The end of the process's output (its log file goes with the stack's directory)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        stop_process(self.process, grace_seconds=20)
        self.process = None


@dataclass
class Stack:
    gateway: ServerProcess
    services: dict[str, ServerProcess]
    database_urls: dict[str, str]
    client: httpx.Client
    nats_url: str
    namespace: str

    def token(self, *roles: str, **fields: Any) -> str:
        """A token of a new gateway user holding `roles` (and `department`, `unit_id`),
        from the gateway's own login."""
        admin = self.bearer(self._login("admin", ADMIN_PASSWORD))
        user = {
            "username": f"bench-{uuid.uuid4().hex[:10]}",
            "password": "bench-user-password",
            "display_name": "基准测试",
            "roles": list(roles),
            **fields,
        }
        created = self.client.post("/api/v1/auth/users", json=user, headers=admin)
        created.raise_for_status()
        return self._login(user["username"], user["password"])

    def _login(self, username: str, password: str) -> str:
        answer = self.client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
        answer.raise_for_status()
        return answer.json()["access_token"]

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def _settings_env(prefix: str, values: Mapping[str, object]) -> dict[str, str]:
    return {f"{prefix}{name.upper()}": str(value) for name, value in values.items()}


@contextlib.contextmanager
def running_stack(
    services: Sequence[str],
    *,
    gateway_env: Mapping[str, object] | None = None,
    service_env: Mapping[str, Mapping[str, object]] | None = None,
    databases: Mapping[str, str] | None = None,
) -> Iterator[Stack]:
    """`services` on PostgreSQL databases of their own, and the gateway in front of them
    (on a SQLite file; services not started are routed to an address where nothing
    listens). `gateway_env` and `service_env[name]` are settings by field name, given to
    the processes as GUANJIA_<NAME>_<FIELD> variables. `databases[name]` is a database
    the caller keeps (data made once and reused): used as it is, never dropped; the
    others are made empty and dropped afterwards."""
    with contextlib.ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        nats_url = stack.enter_context(nats(directory))
        namespace = f"bench{uuid.uuid4().hex[:8]}"
        gateway_port = free_port()
        gateway_url = f"http://127.0.0.1:{gateway_port}"
        database_urls: dict[str, str] = {}
        started: dict[str, ServerProcess] = {}
        for service in services:
            database_urls[service] = (databases or {}).get(service) or stack.enter_context(
                postgres_database()
            )
            settings = {
                "database_url": database_urls[service],
                "nats_url": nats_url,
                "event_namespace": namespace,
                "jwks_url": f"{gateway_url}/.well-known/jwks.json",
                **(service_env or {}).get(service, {}),
            }
            started[service] = ServerProcess(
                service,
                [str(BIN / f"{service}-svc"), "serve"],
                _settings_env(f"GUANJIA_{service.upper()}_", settings),
                directory / f"{service}.log",
                free_port(),
            )
        gateway_settings = {
            "database_url": f"sqlite+aiosqlite:///{directory / 'gateway.db'}",
            "data_dir": directory / "gateway",
            "token_lifetime_seconds": 4 * 3600,
            "nats_url": nats_url,
            "event_namespace": namespace,
            **{
                f"{name}_url": started[name].url
                if name in started
                else f"http://127.0.0.1:{free_port()}"
                for name in SERVICES
            },
            **(gateway_env or {}),
        }
        gateway = ServerProcess(
            "gateway",
            [str(BIN / "guanjia-gateway"), "serve"],
            {
                **_settings_env("GUANJIA_GATEWAY_", gateway_settings),
                "GUANJIA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            },
            directory / "gateway.log",
            gateway_port,
            ready_path="/healthz",
        )
        for process in (gateway, *started.values()):
            process.launch()
            stack.callback(process.stop)
        for process in (gateway, *started.values()):
            process.wait_until_ready()
        client = stack.enter_context(httpx.Client(base_url=gateway.url, timeout=30))
        yield Stack(
            gateway=gateway,
            services=started,
            database_urls=database_urls,
            client=client,
            nats_url=nats_url,
            namespace=namespace,
        )


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: dict[str, int]
    latency_ms: dict[str, float]
    statuses: dict[int, int]
    # CPU used during the run, in cores (1.0 = one core busy the whole time).
    wrk_cores: float
    server_cores: dict[str, float]
    # The whole machine: every process's CPU, and what the hypervisor took.
    machine_cores: float
    stolen_cores: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def cpu_ms_per_request(self, server: str) -> float:
        """CPU time `server` spent per answered request: steadier than throughput on a
        machine shared with other work."""
        return self.server_cores[server] * self.seconds * 1000 / max(self.requests, 1)

    @property
    def machine_cpu_ms_per_request(self) -> float:
        """CPU time of every process on the machine per answered request."""
        return self.machine_cores * self.seconds * 1000 / max(self.requests, 1)

    @property
    def failures(self) -> int:
        """Socket errors and answers of status 400 and above."""
        return sum(self.errors.values())


def run_wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    headers: Mapping[str, str] | None = None,
    method: str = "GET",
    body: bytes | None = None,
    count_statuses: bool = False,
    watch: Mapping[str, int] | None = None,
    watch_postgres: bool = False,
    timeout_seconds: int = 10,
) -> WrkResult:
    """wrk against `url`; `watch` names server pids whose CPU use is reported alongside
    wrk's own (and the local PostgreSQL server's as "postgres" with `watch_postgres`), to
    show which process the run was bound by."""
    readers = {name: functools.partial(cpu_seconds, pid) for name, pid in (watch or {}).items()}
    if watch_postgres:
        readers["postgres"] = postgres_cpu_seconds
    env = {**os.environ, "WRK_METHOD": method}
    if count_statuses:
        env["WRK_COUNT_STATUS"] = "1"
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s"]
    command += [f"--timeout={timeout_seconds}s", "-s", str(WRK_SCRIPT)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile(prefix="wrk-body-") as body_file:
        if body is not None:
            body_file.write(body)
            body_file.flush()
            env["WRK_BODY_FILE"] = body_file.name
        servers_before = {name: read() for name, read in readers.items()}
        machine_before = machine_cpu_seconds()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        finished = subprocess.run(
            [*command, url], env=env, capture_output=True, text=True, check=False
        )
        wall = time.monotonic() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine_after = machine_cpu_seconds()
        servers_after = {name: read() for name, read in readers.items()}
    report = next(
        (line for line in finished.stdout.splitlines() if line.startswith("WRK_JSON ")), None
    )
    if finished.returncode != 0 or report is None:
        output = finished.stderr or finished.stdout
        raise RuntimeError(f"wrk failed ({finished.returncode}): {output}")
    data = json.loads(report.removeprefix("WRK_JSON "))
    wrk_cpu = (children_after.ru_utime - children_before.ru_utime) + (
        children_after.ru_stime - children_before.ru_stime
    )
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        latency_ms={name: value / 1000 for name, value in data["latency_us"].items()},
        statuses={int(status): count for status, count in data["statuses"].items()},
        wrk_cores=wrk_cpu / wall,
        server_cores={
            name: (servers_after[name] - servers_before[name]) / wall for name in servers_before
        },
        machine_cores=(machine_after[0] - machine_before[0]) / wall,
        stolen_cores=(machine_after[1] - machine_before[1]) / wall,
    )
