"""Settings on pydantic-settings; each service subclasses with its own env prefix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".data")


class InsecureDefaultError(RuntimeError):
    """Raised when a non-development deployment would run on a development default."""


class BaseServiceSettings(BaseSettings):
    """What every Guanjia process reads from its environment.

    Subclasses set `model_config = SettingsConfigDict(env_prefix="GUANJIA_ASSET_")` and a
    default `service_name`; a value is then read from e.g. `GUANJIA_ASSET_DATABASE_URL`.
    """

    model_config = SettingsConfigDict(env_prefix="GUANJIA_", extra="ignore")

    service_name: str = "guanjia"
    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    # Where `/metrics` answers: a port of its own, never published, and then not on `port`.
    # Empty: on `port` with the API (development, where nothing is published).
    metrics_port: int | None = None
    # The peers whose X-Forwarded-For is believed for the caller's address: for the gateway
    # the ingress in front of it, for a service the gateway alone (docs/security.md).
    forwarded_allow_ips: str = "127.0.0.1"
    data_dir: Path = DEFAULT_DATA_DIR
    # Empty means the embedded default: a SQLite file `<data_dir>/<service>.db`.
    database_url: str = ""
    # PostgreSQL: how long opening a connection may take before the request answers 503
    # (a host gone, packets dropped in a failover) rather than hang.
    database_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    # Development runs Alembic at start; production runs the explicit `migrate` command.
    migrate_on_start: bool | None = None
    nats_url: str = "nats://127.0.0.1:4222"
    # The process's own NATS user and its password (deploy/k8s/infra/nats/auth.conf says what
    # each may publish and read). Both empty: connect without credentials, to a server that
    # asks for none (a developer's own nats-server).
    nats_user: str = ""
    nats_password: SecretStr | None = None
    # The root of every subject and stream name; tests give each test its own.
    event_namespace: str = "guanjia"
    # Copies JetStream keeps of each stream: 1 on a single server, 3 on a three-node cluster
    # (so a server lost loses no event). Every process sets the same, as each ensures the
    # streams it uses.
    stream_replicas: int = Field(default=1, ge=1, le=5)
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwt_issuer: str = "guanjia-gateway"
    jwt_audience: str = "guanjia"
    # How long fetched signing keys are trusted before the JWKS is read again: the longest a
    # key the gateway has withdrawn (and the tokens it signed) still opens this service.
    jwks_max_age_seconds: float = Field(default=300.0, gt=0)
    max_body_bytes: int = 1024 * 1024
    log_level: str = "INFO"
    log_json: bool = True
    relay_batch_size: int = 200

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / (self.service_name + '.db')}"

    @property
    def should_migrate_on_start(self) -> bool:
        if self.migrate_on_start is not None:
            return self.migrate_on_start
        return self.environment != "production"

    @model_validator(mode="after")
    def _nats_credentials_go_together(self) -> BaseServiceSettings:
        if bool(self.nats_user) != bool(
            self.nats_password and self.nats_password.get_secret_value()
        ):
            raise ValueError(
                f"{self.service_name}: give both NATS_USER and NATS_PASSWORD, or neither"
            )
        return self

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> BaseServiceSettings:
        if self.environment != "production":
            return self
        if not self.database_url:
            raise InsecureDefaultError(
                f"{self.service_name}: production needs an explicit database URL "
                "(the embedded SQLite file is for development)"
            )
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, SecretStr) and field.default is not None:
                default = field.default
                default_text = (
                    default.get_secret_value() if isinstance(default, SecretStr) else default
                )
                if value.get_secret_value() == default_text:
                    raise InsecureDefaultError(
                        f"{self.service_name}: {name} still has its development default"
                    )
        return self
