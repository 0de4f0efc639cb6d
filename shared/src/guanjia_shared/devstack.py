"""`make run`: NATS, the four services and the gateway on one machine, supervised.

Reuses a NATS already answering at NATS_URL (connecting to it without credentials), else
starts the bundled nats-server with JetStream under `.data/nats` and a NATS user per process
(guanjia_shared.nats_auth), their passwords made once and kept in
`.data/nats-passwords.json`. Every line a process prints comes out prefixed with its
name. Ctrl-C stops everything; if one process dies, the others are stopped and the exit
says which.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import typer

from guanjia_shared.nats_auth import (
    SERVICE_USERS,
    TOOLING_USER,
    new_passwords,
    password_environment,
    write_authorization_config,
)
from guanjia_shared.nats_server import nats_server_command, reachable, wait_until_reachable

COLOURS = ["\033[36m", "\033[32m", "\033[33m", "\033[35m", "\033[34m", "\033[31m"]
RESET = "\033[0m"
STOP_GRACE_SECONDS = 15


@dataclass
class Process:
    name: str
    command: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    handle: asyncio.subprocess.Process | None = None


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def bundled_nats_passwords(data_dir: Path) -> dict[str, str]:
    """The bundled server's users and passwords: made on the first run, then kept (readable
    by their owner only) so a restarted server and the processes agree."""
    path = data_dir / "nats-passwords.json"
    users = [*SERVICE_USERS, TOOLING_USER]
    kept = json.loads(path.read_text()) if path.exists() else {}
    passwords = {**new_passwords(users), **{u: p for u, p in kept.items() if u in users}}
    if passwords != kept:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(passwords, file, indent=2)
    return passwords


def planned_processes(nats_url: str, start_nats: bool, data_dir: Path) -> list[Process]:
    processes: list[Process] = []
    passwords: dict[str, str] = {}
    if start_nats:
        passwords = bundled_nats_passwords(data_dir)
        config = write_authorization_config(data_dir / "nats-auth.conf", passwords)
        port = urlparse(nats_url).port or 4222
        processes.append(
            Process(
                "nats",
                nats_server_command(port, data_dir / "nats", config),
                password_environment(passwords),
            )
        )
    commands = {
        **{
            service: [_bin(f"{service}-svc"), "serve"]
            for service in ("asset", "ticket", "ledger", "emergency", "notify")
        },
        "gateway": [_bin("guanjia-gateway"), "serve"],
    }
    for name, command in commands.items():
        prefix = f"GUANJIA_{name.upper()}_"
        environment = {f"{prefix}NATS_URL": nats_url, f"{prefix}LOG_JSON": "false"}
        if name in passwords:
            environment[f"{prefix}NATS_USER"] = name
            environment[f"{prefix}NATS_PASSWORD"] = passwords[name]
        processes.append(Process(name, command, environment))
    return processes


async def _relay_output(process: Process, colour: str) -> None:
    assert process.handle is not None and process.handle.stdout is not None
    label = f"{colour}{process.name:>9} |{RESET} "
    async for line in process.handle.stdout:
        sys.stdout.write(label + line.decode("utf-8", errors="replace"))
        sys.stdout.flush()


async def _stop_all(processes: list[Process]) -> None:
    running = [p for p in processes if p.handle is not None and p.handle.returncode is None]
    for process in reversed(running):
        with contextlib.suppress(ProcessLookupError):
            process.handle.send_signal(signal.SIGTERM)
    for process in running:
        try:
            await asyncio.wait_for(process.handle.wait(), STOP_GRACE_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.handle.kill()
            await process.handle.wait()


async def supervise(processes: list[Process], nats_url: str) -> int:
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_requested.set)
    relays = []
    try:
        for number, process in enumerate(processes):
            process.handle = await asyncio.create_subprocess_exec(
                *process.command,
                env={**os.environ, **process.environment},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            relays.append(asyncio.create_task(_relay_output(process, COLOURS[number % 6])))
            if process.name == "nats":
                await asyncio.to_thread(wait_until_reachable, nats_url)
        exits = {asyncio.create_task(process.handle.wait()): process for process in processes}
        stopper = asyncio.create_task(stop_requested.wait())
        done, _ = await asyncio.wait([*exits, stopper], return_when=asyncio.FIRST_COMPLETED)
        died = [exits[task] for task in done if task in exits]
        if died:
            for process in died:
                print(
                    f"\n{process.name} exited with code {process.handle.returncode}; stopping all"
                )
            return 1
        print("\nstopping …")
        return 0
    finally:
        await _stop_all(processes)
        for relay in relays:
            relay.cancel()


def main() -> None:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.command()
    def run(
        data_dir: Path = typer.Option(Path(".data"), help="Where SQLite files and NATS data live"),
    ) -> None:
        """Start NATS (unless one answers at NATS_URL), the four services and the gateway."""
        nats_url = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
        start_nats = not reachable(nats_url)
        if start_nats:
            print(
                f"NATS: starting the bundled nats-server at {nats_url}, a user per process "
                f"(passwords in {data_dir / 'nats-passwords.json'})"
            )
        else:
            print(f"NATS: reusing {nats_url}")
        data_dir.mkdir(parents=True, exist_ok=True)
        code = asyncio.run(supervise(planned_processes(nats_url, start_nats, data_dir), nats_url))
        raise typer.Exit(code)

    app()
