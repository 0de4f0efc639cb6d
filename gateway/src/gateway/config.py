from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from gateway.hashing import DEFAULT_MEMORY_KIB, DEFAULT_TIME_COST
from guanjia_shared.settings import BaseServiceSettings

# What `npm run build` in web/ makes, in a checkout (an installed gateway has none there).
REPOSITORY_CONSOLE_DIR = Path(__file__).resolve().parents[3] / "web" / "dist"


def _repository_console_dir() -> Path | None:
    return REPOSITORY_CONSOLE_DIR if REPOSITORY_CONSOLE_DIR.is_dir() else None


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000

    # The first admin's password, made on the first start when no user exists. Read from
    # GUANJIA_ADMIN_PASSWORD, without the gateway's prefix: the name every deployment sets.
    admin_password: SecretStr | None = Field(
        default=None, validation_alias="GUANJIA_ADMIN_PASSWORD"
    )

    # Tokens. Empty key file: `<data_dir>/gateway-signing-key.pem`, made on first start
    # outside production. The previous public key keeps old tokens valid during a rotation.
    signing_key_file: Path | None = None
    previous_public_key_file: Path | None = None
    token_lifetime_seconds: int = Field(default=15 * 60, gt=0)

    # Brute-force protection of the token endpoint, counted per username and per address.
    login_slowdown_after: int = 3
    login_slowdown_step_seconds: float = 0.25
    login_slowdown_max_seconds: float = 2.0
    login_lockout_after_per_username: int = 10
    # Higher than per username: an agency's staff may share one NAT address.
    login_lockout_after_per_address: int = 50
    login_lockout_seconds: int = 15 * 60
    # A failure this long after the previous one starts the count again.
    login_failure_window_seconds: int = 15 * 60
    # Token buckets per address, spent by every call of the token endpoint before its
    # counters are read or a hash is computed.
    login_rate_limit_per_second: float = Field(default=2.0, gt=0)
    login_rate_limit_burst: int = Field(default=20, gt=0)
    # Every Argon2 hash (logins, new passwords and secrets) holds password_hash_memory_kib
    # while it runs: this many run at once and this many more wait; beyond that a caller
    # gets 503.
    hashing_concurrency: int = Field(default=2, gt=0)
    hashing_queue: int = Field(default=32, ge=0)
    # Argon2's cost for new hashes: RFC 9106's 64 MiB and 3 passes. A stored hash carries the
    # cost it was made with, and a login with another one rehashes it at today's.
    password_hash_memory_kib: int = Field(default=DEFAULT_MEMORY_KIB, ge=64)
    password_hash_time_cost: int = Field(default=DEFAULT_TIME_COST, ge=1)
    # How often each replica reads the deactivated users and revoked clients, whose
    # tokens it refuses from then on (at once on the replica that was told).
    revocation_refresh_seconds: float = Field(default=5.0, gt=0)

    # Verifying a contact point: a code lives this long, a new one may be sent this long
    # after the last, and this many wrong entries spend it.
    contact_code_lifetime_seconds: int = Field(default=10 * 60, gt=0)
    contact_code_resend_seconds: int = Field(default=60, ge=0)
    contact_code_attempts: int = Field(default=5, gt=0)
    # Codes one person may have sent in any 24 hours (each costs a text message).
    contact_codes_per_day: int = Field(default=10, gt=0)

    # Upstream services.
    asset_url: str = "http://127.0.0.1:8001"
    ticket_url: str = "http://127.0.0.1:8002"
    ledger_url: str = "http://127.0.0.1:8003"
    emergency_url: str = "http://127.0.0.1:8004"
    notify_url: str = "http://127.0.0.1:8006"
    upstream_connect_timeout_seconds: float = 2.0
    upstream_read_timeout_seconds: float = 30.0
    upstream_pool_size: int = 100
    # Below uvicorn's 5 s keep-alive, so a pooled connection is not reused just as the
    # service closes it.
    upstream_keepalive_seconds: float = 4.0
    # Event streams (`Accept: text/event-stream`, the console inbox's): a pool of their own
    # per service, as each holds a connection for minutes; the stream sends a comment at
    # least every 15 s, so a longer silence means the service is gone.
    upstream_stream_pool_size: int = Field(default=1000, gt=0)
    upstream_stream_read_timeout_seconds: float = Field(default=60.0, gt=0)
    breaker_failure_threshold: int = 5
    breaker_cooldown_seconds: float = 10.0

    # Token buckets: per token subject (else per address); public paths per address.
    rate_limit_per_second: float = 20.0
    rate_limit_burst: int = 40
    public_rate_limit_per_second: float = 2.0
    public_rate_limit_burst: int = 10

    cors_allow_origins: list[str] = Field(default_factory=list)
    # The built web console, served at /. Unset: the checkout's web/dist when it has been
    # built (so `make run` serves it), else no console.
    console_dir: Path | None = Field(default_factory=_repository_console_dir)
    # How long a fetched upstream schema is kept before it is fetched again.
    openapi_refresh_seconds: float = 60.0

    @field_validator("console_dir")
    @classmethod
    def _console_is_built(cls, directory: Path | None) -> Path | None:
        if directory is not None and not (directory / "index.html").is_file():
            raise ValueError(f"{directory} holds no index.html: build the console first")
        return directory

    @property
    def upstream_urls(self) -> dict[str, str]:
        return {
            "asset": self.asset_url,
            "ticket": self.ticket_url,
            "ledger": self.ledger_url,
            "emergency": self.emergency_url,
            "notify": self.notify_url,
        }

    @property
    def resolved_signing_key_file(self) -> Path:
        return self.signing_key_file or self.data_dir / "gateway-signing-key.pem"


@lru_cache
def get_settings() -> Settings:
    return Settings()
