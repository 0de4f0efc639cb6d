"""A nats-server of a test's own with a user per process (guanjia_shared.nats_auth), as the
deployments run it: for tests that prove who may publish and read what."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from guanjia_shared.nats_auth import (
    SERVICE_USERS,
    TOOLING_USER,
    new_passwords,
    password_environment,
    write_authorization_config,
)
from guanjia_shared.nats_server import NatsServerProcess, url_with_credentials


@dataclass(frozen=True)
class SecuredNats:
    url: str
    namespace: str
    passwords: dict[str, str]

    def url_of(self, user: str) -> str:
        """The server's URL with `user`'s credentials in it (the tests' tooling reads it)."""
        return url_with_credentials(self.url, user, self.passwords[user])

    @property
    def tooling_url(self) -> str:
        return self.url_of(TOOLING_USER)

    def settings_of(self, service: str) -> dict[str, object]:
        """The settings that connect `service` as its own user."""
        return {
            "nats_url": self.url,
            "nats_user": service,
            "nats_password": SecretStr(self.passwords[service]),
            "event_namespace": self.namespace,
        }


@contextlib.contextmanager
def secured_nats_server(directory: Path, namespace: str) -> Iterator[SecuredNats]:
    users = [*SERVICE_USERS, TOOLING_USER]
    passwords = new_passwords(users)
    server = NatsServerProcess(
        directory / "store",
        config_file=write_authorization_config(directory / "auth.conf", users, namespace),
        environment=password_environment(passwords),
    ).start()
    try:
        yield SecuredNats(url=server.url, namespace=namespace, passwords=passwords)
    finally:
        server.stop()
