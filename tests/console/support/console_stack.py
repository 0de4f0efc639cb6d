"""The whole platform as `make run` starts it, for the web console's tests: the four real
services and the gateway, each a process of its own on a SQLite file in a temporary folder,
events over real NATS, the built console (web/dist) served by the gateway at /, and an SMS
provider notify-svc texts through (a real HTTP server, whose texts a test can read)."""

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


@dataclass(frozen=True)
class RunningConsole:
    url: str
    admin_password: str
    logs: Path
    # The SMS provider notify-svc texts through: POST a text as its API takes it; GET what
    # it was sent, for a browser test to read the code a person would read on their phone.
    sms_url: str


class _SmsProvider(BaseHTTPRequestHandler):
    """An SMS provider as notify-svc calls it (docs/api.md), keeping what it is sent."""

    # One list per server: sms_provider() makes a subclass with its own.
    texts: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.texts.append(json.loads(self.rfile.read(length)))
        self._answer({"code": 0})

    def do_GET(self) -> None:
        self._answer(self.texts)

    def _answer(self, body: object) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_: object) -> None:
        pass  # quiet: the stack's own logs say what notify-svc sent


@contextlib.contextmanager
def sms_provider() -> Iterator[str]:
    handler = type("SmsProvider", (_SmsProvider,), {"texts": []})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sms"
    finally:
        server.shutdown()
        server.server_close()


def console_environment(console: RunningConsole) -> dict[str, str]:
    """What the console's own test runners (Vitest, Playwright) are told of the stack."""
    return {
        **os.environ,
        "GUANJIA_CONSOLE_URL": console.url,
        "GUANJIA_ADMIN_PASSWORD": console.admin_password,
        "GUANJIA_SMS_URL": console.sms_url,
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
    gateway = ServiceProcess(
        [sys.executable, "-m", "gateway", "serve", "--port", str(gateway_port)],
        env={**environment, "GUANJIA_ADMIN_PASSWORD": ADMIN_PASSWORD},
        log=directory / "gateway.log",
        port=gateway_port,
    )
    processes = [*services.values(), gateway]
    with sms_provider() as texts:
        services["notify"].env["GUANJIA_NOTIFY_SMS_URL"] = texts
        try:
            for process in processes:
                process.launch()
            for process in processes:
                process.wait_until_ready(READY_TIMEOUT_SECONDS)
            _wait_until_ready(gateway_url, READY_TIMEOUT_SECONDS)
            yield RunningConsole(
                url=gateway_url, admin_password=ADMIN_PASSWORD, logs=directory, sms_url=texts
            )
        finally:
            for process in reversed(processes):
                process.stop()
            asyncio.run(delete_namespace_streams(nats_url, namespace))
