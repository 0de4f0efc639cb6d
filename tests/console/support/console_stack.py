"""The whole platform as `make run` starts it, for the web console's tests: the four real
services and the gateway, each a process of its own on a SQLite file in a temporary folder,
events over real NATS, the built console (web/dist) served by the gateway at /, an SMS
provider notify-svc texts through (a real HTTP server, whose texts a test can read), and a
clock the tests move: every process of the stack follows it (tests/time_travel)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shlex
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx

from gateway.proxy.routing import SERVICES
from gateway.testing.harness import ServiceProcess
from guanjia_shared.nats_server import free_port
from guanjia_shared.testing.streams import delete_namespace_streams

ROOT = Path(__file__).resolve().parents[3]
WEB = ROOT / "web"
CONSOLE_DIR = WEB / "dist"
ADMIN_PASSWORD = "console-admin-password"
SCREENSHOTS = Path(
    os.environ.get("GUANJIA_SCREENSHOTS", ROOT / "test-results" / "console-screenshots")
)
# Imports, migrations and connections take seconds; many more on a machine busy with tests.
READY_TIMEOUT_SECONDS = 90

# The browser tests sign in dozens of times from one address within a minute: the token
# endpoint's and the API's rate limits are raised so they do not stand in the way (the
# gateway's own tests hold those limits).
RELAXED_LIMITS = {
    "login_rate_limit_per_second": 100,
    "login_rate_limit_burst": 500,
    "login_slowdown_after": 1000,
    "rate_limit_per_second": 500,
    "rate_limit_burst": 1000,
    "public_rate_limit_per_second": 500,
    "public_rate_limit_burst": 1000,
}
# Every browser test rates from the one address 127.0.0.1: ticket-svc's daily allowance of
# ratings per address is raised likewise (ticket-svc's own tests hold it).
RELAXED_SERVICE_SETTINGS = {"GUANJIA_TICKET_RATINGS_PER_ADDRESS_PER_DAY": "1000"}
# The emergency board's journey watches a task nobody acknowledges pass to the deputy: a
# 15-second window, and timers that look every second, let that happen within a test.
QUICK_EMERGENCY_TIMERS = {
    "GUANJIA_EMERGENCY_ACK_MINUTES": "0.25",
    "GUANJIA_EMERGENCY_TIMER_INTERVAL_SECONDS": "1",
}
# The cockpit's journey moves the clock past an item's deadline and watches it fall overdue:
# the ledger's sweep looks every second instead of every five minutes.
QUICK_LEDGER_SWEEP = {"GUANJIA_LEDGER_EXCEPTION_SCAN_INTERVAL_SECONDS": "1"}
# The procedure register's journey is the quality office's: its staff keep the register
# (web/tests/e2e/quality.spec.ts makes its people in this department).
QUALITY_OFFICE = {"GUANJIA_LEDGER_QUALITY_OFFICE": "质量管理办公室"}
TIME_TRAVEL = ROOT / "tests" / "time_travel"
# How long every process of the stack may take to follow a move of the clock (a tenth of a
# second when the machine is quiet).
CLOCK_MOVE_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class RunningConsole:
    url: str
    admin_password: str
    logs: Path
    # The SMS provider notify-svc texts through: POST a text as its API takes it; GET what
    # it was sent, for a browser test to read the code a person would read on their phone.
    sms_url: str
    # The stack's clock: POST {"offset_seconds"} from the real clock, answered once every
    # process follows it; GET the offset in force.
    clock_url: str


class _JsonHandler(BaseHTTPRequestHandler):
    def _body(self) -> object:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def _answer(self, body: object, status: int = 200) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_: object) -> None:
        pass  # quiet: the stack's own logs say what happened


class _SmsProvider(_JsonHandler):
    """An SMS provider as notify-svc calls it (docs/api.md), keeping what it is sent."""

    # One list per server: sms_provider() makes a subclass with its own.
    texts: ClassVar[list[object]] = []

    def do_POST(self) -> None:
        self.texts.append(self._body())
        self._answer({"code": 0})

    def do_GET(self) -> None:
        self._answer(self.texts)


class _StackClock(_JsonHandler):
    """Moves the clock of the stack's processes, which follow the offset in `file` and say
    what they applied in `<file>.<pid>` (tests/time_travel/sitecustomize.py)."""

    file: ClassVar[Path]
    pids: ClassVar[list[int]] = []

    def do_POST(self) -> None:
        body = self._body()
        offset = body.get("offset_seconds") if isinstance(body, dict) else None
        if not isinstance(offset, int | float):
            self._answer({"detail": 'expected {"offset_seconds": <number>}'}, 422)
            return
        # Written whole, then put in place, so no process reads half an offset.
        staged = self.file.with_name(f"{self.file.name}.staged")
        offset = float(offset)
        staged.write_text(repr(offset))
        staged.replace(self.file)
        deadline = time.monotonic() + CLOCK_MOVE_TIMEOUT_SECONDS
        while not all(self._applied(pid) == repr(offset) for pid in self.pids):
            if time.monotonic() > deadline:
                self._answer({"detail": "the stack's processes did not follow the clock"}, 504)
                return
            time.sleep(0.05)
        self._answer({"offset_seconds": offset})

    def do_GET(self) -> None:
        self._answer({"offset_seconds": float(self.file.read_text() or 0)})

    def _applied(self, pid: int) -> str | None:
        with contextlib.suppress(OSError):
            return self.file.with_name(f"{self.file.name}.{pid}").read_text()
        return None


@contextlib.contextmanager
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` served on a port of its own (its address) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def sms_provider() -> Iterator[str]:
    with _serving(type("SmsProvider", (_SmsProvider,), {"texts": []})) as url:
        yield f"{url}/sms"


@contextlib.contextmanager
def stack_clock(file: Path, pids: list[int]) -> Iterator[str]:
    """The clock's control for processes started with `clock_environment(file)`; `pids` is
    filled in as they start."""
    file.write_text("0.0")
    with _serving(type("StackClock", (_StackClock,), {"file": file, "pids": pids})) as url:
        yield f"{url}/clock"


def clock_environment(file: Path) -> dict[str, str]:
    """What makes a Python process follow the clock in `file`."""
    paths = [str(TIME_TRAVEL), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"PYTHONPATH": os.pathsep.join(paths), "GUANJIA_CLOCK_FILE": str(file)}


def console_environment(console: RunningConsole) -> dict[str, str]:
    """What the console's own test runners (Vitest, Playwright) are told of the stack."""
    return {
        **os.environ,
        "GUANJIA_CONSOLE_URL": console.url,
        "GUANJIA_ADMIN_PASSWORD": console.admin_password,
        "GUANJIA_SMS_URL": console.sms_url,
        "GUANJIA_CLOCK_URL": console.clock_url,
        "GUANJIA_SCREENSHOTS": str(SCREENSHOTS),
    }


def npx() -> list[str]:
    """The npx to run the console's tools with: GUANJIA_NPX (the Makefile's choice of Node)."""
    return shlex.split(os.environ.get("GUANJIA_NPX", "npx"))


def _wait_until_ready(url: str, timeout: float) -> None:
    """Every upstream of the gateway answers (its /readyz), so the merged schema is whole."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"the gateway at {url} was not ready within {timeout}s")


@contextlib.contextmanager
def running_console(*, nats_url: str, directory: Path) -> Iterator[RunningConsole]:
    if not (CONSOLE_DIR / "index.html").is_file():
        raise RuntimeError(f"{CONSOLE_DIR} is not built: `make console` (make test does it)")
    namespace = f"console{uuid.uuid4().hex[:10]}"
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    services = {
        name: ServiceProcess.real_service(
            name,
            directory=directory,
            nats_url=nats_url,
            namespace=namespace,
            jwks_url=f"{gateway_url}/.well-known/jwks.json",
        )
        for name in SERVICES
    }
    settings = {
        "database_url": f"sqlite+aiosqlite:///{directory / 'gateway.db'}",
        "data_dir": directory / "gateway",
        "console_dir": CONSOLE_DIR,
        # The gateway's own events (auth.*) in the stack's namespace, deleted with it.
        "nats_url": nats_url,
        "event_namespace": namespace,
        "log_json": False,
        **{f"{name}_url": process.url for name, process in services.items()},
        **RELAXED_LIMITS,
    }
    environment = {
        f"GUANJIA_GATEWAY_{name.upper()}": str(value) for name, value in settings.items()
    }
    services["ticket"].env.update(RELAXED_SERVICE_SETTINGS)
    services["emergency"].env.update(QUICK_EMERGENCY_TIMERS)
    services["ledger"].env.update(QUICK_LEDGER_SWEEP)
    services["ledger"].env.update(QUALITY_OFFICE)
    gateway = ServiceProcess(
        [sys.executable, "-m", "gateway", "serve", "--port", str(gateway_port)],
        env={**environment, "GUANJIA_ADMIN_PASSWORD": ADMIN_PASSWORD},
        log=directory / "gateway.log",
        port=gateway_port,
    )
    processes = [*services.values(), gateway]
    clock_file = directory / "clock"
    for process in processes:
        process.env.update(clock_environment(clock_file))
    pids: list[int] = []
    with sms_provider() as texts, stack_clock(clock_file, pids) as clock:
        services["notify"].env["GUANJIA_NOTIFY_SMS_URL"] = texts
        try:
            for process in processes:
                process.launch()
                pids.append(process.process.pid)
            for process in processes:
                process.wait_until_ready(READY_TIMEOUT_SECONDS)
            _wait_until_ready(gateway_url, READY_TIMEOUT_SECONDS)
            yield RunningConsole(
                url=gateway_url,
                admin_password=ADMIN_PASSWORD,
                logs=directory,
                sms_url=texts,
                clock_url=clock,
            )
        finally:
            for process in reversed(processes):
                process.stop()
            asyncio.run(delete_namespace_streams(nats_url, namespace))
