"""docker-compose.yml, checked without a Docker engine: valid against the Compose
specification's JSON schema, and wired so that the stack starts: start order by health, a
migrate job per app, one database per service, settings that pass the production guards, and
no secret in the repository.

compose-spec.json beside this file is the Compose specification's schema
(schema/compose-spec.json of the compose-spec/compose-spec project, Apache-2.0), unchanged, as
the npm package dclint 3.1.0 ships it in schemas/compose.schema.json (sha256 46b7d35f19dd93a0
5f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496). To update it: `npm pack dclint` and copy
that file over this one.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")
INIT_SCRIPT = ROOT / "deploy" / "compose" / "postgres-init.sql"
ENV_EXAMPLE = ROOT / "deploy" / "compose" / ".env.example"

# compose service → (workspace folder, its command)
APPS = {
    "asset-svc": (ROOT / "services" / "asset-svc", "asset-svc"),
    "ticket-svc": (ROOT / "services" / "ticket-svc", "ticket-svc"),
    "ledger-svc": (ROOT / "services" / "ledger-svc", "ledger-svc"),
    "emergency-svc": (ROOT / "services" / "emergency-svc", "emergency-svc"),
    "gateway": (ROOT / "gateway", "guanjia-gateway"),
}
SERVICES = [name for name in APPS if name != "gateway"]
DEVELOPMENT_ONLY_MARK = "local-development-only"
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE", re.I)

# Compose interpolation: $$, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error},
# ${NAME?error}, ${NAME:+value}, ${NAME+value}, $NAME.
INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value, environment: dict[str, str], seen: list[tuple[str, str | None]]):
    """The file as compose sees it with `environment` (here: nothing set)."""
    if isinstance(value, dict):
        return {k: interpolate(v, environment, seen) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, environment, seen) for v in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        operator, argument = match["operator"], match["argument"]
        seen.append((name, argument if operator in (":-", "-") else None))
        current = environment.get(name)
        empty_counts = bool(operator) and operator.startswith(":")
        missing = current is None or (empty_counts and current == "")
        if operator in (":-", "-"):
            return argument if missing else current
        if operator in (":?", "?"):
            if missing:
                raise LookupError(f"{name} is required: {argument}")
            return current
        if operator in (":+", "+"):
            return "" if missing else argument
        return current or ""

    return INTERPOLATION.sub(replace, value)


def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_and_variables() -> tuple[dict, list[tuple[str, str | None]]]:
    seen: list[tuple[str, str | None]] = []
    return interpolate(raw_compose(), {}, seen), seen


@pytest.fixture(scope="module")
def compose() -> dict:
    return compose_and_variables()[0]


def depends_on(service: dict) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in service.get("depends_on", {}).items()}


def settings_class(app: str):
    folder = APPS[app][0]
    module = next(p.name for p in (folder / "src").iterdir() if p.is_dir())
    return importlib.import_module(f"{module}.config").Settings


def env_prefix(app: str) -> str:
    return settings_class(app).model_config["env_prefix"]


def default_port(app: str) -> int:
    return settings_class(app).model_fields["port"].default


def named_volume_mounts(service: dict) -> dict[str, tuple[str, bool]]:
    """target → (volume name, read-only), for the short `name:/target[:ro]` syntax."""
    mounts = {}
    for entry in service.get("volumes", []):
        source, target, *mode = entry.split(":")
        mounts[target] = (source, mode == ["ro"])
    return mounts


# --- The schema -------------------------------------------------------------------------


def test_the_vendored_schema_is_the_compose_specification():
    schema = json.loads(SCHEMA_FILE.read_text())
    Draft7Validator.check_schema(schema)
    assert schema["title"] == "Compose Specification"
    assert "service_completed_successfully" in SCHEMA_FILE.read_text()


def test_docker_compose_yml_is_valid_against_the_compose_specification(compose):
    schema = json.loads(SCHEMA_FILE.read_text())
    errors = sorted(Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors
    )


def test_every_variable_has_a_default_so_a_bare_up_works_and_is_documented():
    _, seen = compose_and_variables()
    names = {name for name, _ in seen}
    assert names, "the file reads the environment (passwords, the image tag)"
    without_default = sorted(name for name, default in seen if default is None)
    assert without_default == []
    documented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))
    assert names <= documented, f"not in {ENV_EXAMPLE.name}: {sorted(names - documented)}"


# --- Start order, health, migrations ----------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_an_app_is_health_checked_on_its_own_port(compose, app):
    service = compose["services"][app]
    healthcheck = service["healthcheck"]
    assert not healthcheck.get("disable")
    test = " ".join(healthcheck["test"])
    assert f"http://127.0.0.1:{default_port(app)}/readyz" in test
    for timing in ("interval", "timeout", "retries", "start_period"):
        assert timing in healthcheck


@pytest.mark.parametrize("app", APPS)
def test_an_app_starts_after_its_database_its_broker_and_its_migrations(compose, app):
    service = compose["services"][app]
    migrate = f"{app}-migrate"
    conditions = depends_on(service)
    assert conditions["postgres"] == "service_healthy"
    assert conditions[migrate] == "service_completed_successfully"
    if app != "gateway":  # the gateway publishes no events and reads none
        assert conditions["nats"] == "service_healthy"
    for name, condition in conditions.items():
        assert condition != "service_started", f"{app} waits for {name} merely to start"


def test_the_gateway_starts_after_every_service_is_ready(compose):
    conditions = depends_on(compose["services"]["gateway"])
    for service in SERVICES:
        assert conditions[service] == "service_healthy"


@pytest.mark.parametrize("app", APPS)
def test_a_migrate_job_runs_the_apps_migrate_command_from_the_same_image(compose, app):
    service = compose["services"][app]
    job = compose["services"][f"{app}-migrate"]
    assert job["image"] == service["image"]
    assert "build" in service and "build" not in job, "built once, by the app's service"
    assert job["command"] == [APPS[app][1], "migrate"]
    assert job["environment"] == service["environment"], "the same settings, the same database"
    assert depends_on(job) == {"postgres": "service_healthy"}
    assert job["restart"] == "no"
    assert "ports" not in job


@pytest.mark.parametrize("app", APPS)
def test_an_app_is_built_from_its_dockerfile_at_the_workspace_root(compose, app):
    build = compose["services"][app]["build"]
    assert build["context"] == "."
    assert ROOT / build["dockerfile"] == APPS[app][0] / "Dockerfile"
    assert compose["services"][app]["image"].startswith(f"guanjia/{app}:")


def test_only_the_gateway_is_published_on_8000(compose):
    published = {
        name: service["ports"]
        for name, service in compose["services"].items()
        if "ports" in service
    }
    assert published == {"gateway": ["8000:8000"]}


def test_nats_runs_jetstream_on_a_volume_and_is_health_checked(compose):
    nats = compose["services"]["nats"]
    command = nats["command"]
    assert "-js" in command
    store = command[command.index("-sd") + 1]
    assert store in named_volume_mounts(nats)
    assert named_volume_mounts(nats)[store][0] in compose["volumes"]
    test = " ".join(nats["healthcheck"]["test"])
    assert "8222/healthz" in test and command[command.index("-m") + 1] == "8222"


def test_postgres_is_health_checked_and_creates_the_databases_at_init(compose):
    postgres = compose["services"]["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    mounts = named_volume_mounts(postgres)
    assert mounts["/var/lib/postgresql/data"][0] in compose["volumes"]
    init = [
        (source, target)
        for target, (source, _) in mounts.items()
        if target.startswith("/docker-entrypoint-initdb.d/")
    ]
    assert [ROOT / source for source, _ in init] == [INIT_SCRIPT]


def test_one_database_per_app_and_the_init_script_creates_exactly_those(compose):
    databases = {}
    for app in APPS:
        environment = compose["services"][app]["environment"]
        url = urlsplit(environment[f"{env_prefix(app)}DATABASE_URL"])
        assert url.scheme == "postgresql+asyncpg" and url.hostname == "postgres"
        databases[app] = url.path.lstrip("/")
    assert len(set(databases.values())) == len(APPS), databases
    created = re.findall(r"^\s*CREATE DATABASE (\w+)\s*;", INIT_SCRIPT.read_text(), re.M | re.I)
    assert sorted(created) == sorted(databases.values())


# --- Settings: what the processes will read -------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_the_environment_passes_the_production_guards(compose, app, monkeypatch):
    for name in list(os.environ):
        if name.startswith("GUANJIA_") or name.startswith("PG"):
            monkeypatch.delenv(name)
    environment = compose["services"][app]["environment"]
    for name, value in environment.items():
        monkeypatch.setenv(name, str(value))
    prefix = env_prefix(app)
    settings = settings_class(app)()  # raises InsecureDefaultError on a development default
    assert settings.environment == "production"
    assert not settings.should_migrate_on_start, "the migrate job does it"
    assert settings.database_url == environment[f"{prefix}DATABASE_URL"]
    if app == "gateway":
        upstreams = settings.upstream_urls
        assert set(upstreams) == {name.removesuffix("-svc") for name in SERVICES}
        for service in SERVICES:
            url = urlsplit(upstreams[service.removesuffix("-svc")])
            assert (url.hostname, url.port) == (service, default_port(service))
    else:
        assert settings.nats_url == "nats://nats:4222"
        jwks = urlsplit(settings.jwks_url)
        assert (jwks.hostname, jwks.port) == ("gateway", default_port("gateway"))
        assert jwks.path == "/.well-known/jwks.json"


def test_the_gateway_reads_the_key_the_key_job_writes_into_a_shared_volume(compose):
    gateway = compose["services"]["gateway"]
    job = compose["services"]["gateway-key"]
    key_file = gateway["environment"]["GUANJIA_GATEWAY_SIGNING_KEY_FILE"]
    assert job["environment"]["GUANJIA_GATEWAY_SIGNING_KEY_FILE"] == key_file
    assert job["image"] == gateway["image"]
    folder = str(Path(key_file).parent)
    assert named_volume_mounts(gateway)[folder] == (named_volume_mounts(job)[folder][0], True)
    assert named_volume_mounts(job)[folder] == ("gateway-key", False)
    assert "gateway-key" in compose["volumes"]
    assert depends_on(gateway)["gateway-key"] == "service_completed_successfully"


def test_the_key_jobs_command_makes_a_key_once_and_then_keeps_it(compose, tmp_path):
    job = compose["services"]["gateway-key"]
    command = job["command"]
    assert command[0] == "python"
    key_file = tmp_path / "data" / "signing-key.pem"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GUANJIA_")},
        **job["environment"],
        "GUANJIA_GATEWAY_SIGNING_KEY_FILE": str(key_file),
    }
    key_ids = []
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, *command[1:]],
            env=environment,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        key_ids.append(result.stdout.strip())
    assert key_ids[0] == key_ids[1] and key_ids[0].startswith("gateway signing key id:")
    assert key_file.stat().st_mode & 0o077 == 0, "readable by its owner only"


# --- Secrets ------------------------------------------------------------------------------------


def test_no_secret_is_in_the_repository():
    raw = raw_compose()
    for name, service in raw["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable) and not variable.endswith("_FILE"):
                text = str(value)
                match = INTERPOLATION.fullmatch(text)
                assert match and match["braced"], f"{name}: {variable} comes from the environment"
                default = match["argument"] or ""
                assert default == "" or DEVELOPMENT_ONLY_MARK in default, (
                    f"{name}: {variable}'s default must be empty or marked "
                    f"{DEVELOPMENT_ONLY_MARK!r}: {default!r}"
                )
            if variable.endswith("DATABASE_URL"):
                assert urlsplit(str(value)).password is None, f"{name}: a password in {variable}"
    for path in [COMPOSE_FILE, ENV_EXAMPLE, *(ROOT / "deploy" / "compose").iterdir()]:
        assert "PRIVATE KEY" not in path.read_text(), path
    for line in ENV_EXAMPLE.read_text().splitlines():
        name, _, value = line.partition("=")
        if SECRET_NAME.search(name) and not line.startswith("#"):
            assert value == "", f"{ENV_EXAMPLE.name}: {name} has a value"


@pytest.mark.parametrize("name", [*APPS, *(f"{app}-migrate" for app in APPS), "gateway-key"])
def test_our_containers_run_hardened(compose, name):
    service = compose["services"][name]
    assert service["read_only"] is True
    assert service["tmpfs"] == ["/tmp"]
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]


def test_every_one_shot_job_is_awaited_by_a_long_running_service(compose):
    """So the stack waits for it, and `docker compose up --wait` counts its exit 0 a success."""
    services = compose["services"]
    jobs = {name for name, service in services.items() if service.get("restart") == "no"}
    assert jobs == {*(f"{app}-migrate" for app in APPS), "gateway-key"}
    for job in jobs:
        awaiting = [
            name
            for name, service in services.items()
            if name not in jobs and depends_on(service).get(job) == "service_completed_successfully"
        ]
        assert awaiting, f"nothing waits for {job} to complete"
