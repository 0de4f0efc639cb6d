"""docker-compose.yml, checked without a Docker engine: valid against the Compose
specification's JSON schema, and wired so that the stack starts: start order by health, a
migrate job per app, a database and a role per process, a NATS user per process, settings
that pass the production guards, no password that is not given (none has a fallback), no
secret in the repository, and nothing published but the gateway's API port.

compose-spec.json beside this file is the Compose specification's schema
(schema/compose-spec.json of the compose-spec/compose-spec project, Apache-2.0), unchanged, as
the npm package dclint 3.1.0 ships it in schemas/compose.schema.json (sha256 46b7d35f19dd93a0
5f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496). To update it: `npm pack dclint` and copy
that file over this one.
"""

from __future__ import annotations

import importlib
import importlib.util
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

from guanjia_shared import nats_auth
from guanjia_shared.testing import containers

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA_FILE = Path(__file__).with_name("compose-spec.json")
# The dev cluster's init script, which compose runs too: a role and a database per process.
INIT_SCRIPT = ROOT / "deploy" / "k8s" / "overlays" / "dev" / "postgres-init.sh"
ENV_EXAMPLE = ROOT / "deploy" / "compose" / ".env.example"
NATS_AUTH = ROOT / "deploy" / "k8s" / "infra" / "nats" / "auth.conf"
MAKE_ENV = ROOT / "deploy" / "compose" / "make_env.py"

# compose service → (workspace folder, its command)
APPS = {
    "asset-svc": (ROOT / "services" / "asset-svc", "asset-svc"),
    "ticket-svc": (ROOT / "services" / "ticket-svc", "ticket-svc"),
    "ledger-svc": (ROOT / "services" / "ledger-svc", "ledger-svc"),
    "emergency-svc": (ROOT / "services" / "emergency-svc", "emergency-svc"),
    "notify-svc": (ROOT / "services" / "notify-svc", "notify-svc"),
    "gateway": (ROOT / "gateway", "guanjia-gateway"),
}
SERVICES = [name for name in APPS if name != "gateway"]
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE", re.I)
# The one secret with an (empty) default: unset, the gateway makes the first admin's password.
GENERATED_WHEN_EMPTY = {"GUANJIA_ADMIN_PASSWORD"}

# Compose interpolation: $$, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error},
# ${NAME?error}, ${NAME:+value}, ${NAME+value}, $NAME.
INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value, environment: dict[str, str], seen: list[tuple[str, str | None]]):
    """The file as compose sees it with `environment`; `seen` gets each variable read and
    its operator (`:-`, `:?`, ...; None for a bare one)."""
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
        seen.append((name, operator))
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


def _load_make_env():
    spec = importlib.util.spec_from_file_location("make_env", MAKE_ENV)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_env = _load_make_env()
# What `make_env.py` writes into .env, as compose would read it.
ENVIRONMENT = make_env.environment()


def compose_and_variables(
    environment: dict[str, str] = ENVIRONMENT,
) -> tuple[dict, list[tuple[str, str | None]]]:
    seen: list[tuple[str, str | None]] = []
    return interpolate(raw_compose(), environment, seen), seen


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


def test_every_password_is_required_and_every_variable_is_documented():
    _, seen = compose_and_variables()
    names = {name for name, _ in seen}
    assert names, "the file reads the environment (passwords, the image tag)"
    for name, operator in seen:
        if SECRET_NAME.search(name) and name not in GENERATED_WHEN_EMPTY:
            assert operator == ":?", f"{name} must be required (${{{name}:?...}}), not {operator}"
        else:
            assert operator in (":-", "-"), f"{name} needs a default"
    documented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))
    assert names == documented, f"documented or not: {sorted(names ^ documented)}"


def test_a_bare_up_without_the_passwords_is_refused():
    with pytest.raises(LookupError, match="is required"):
        compose_and_variables({})
    for name in ENVIRONMENT:
        if SECRET_NAME.search(name) and name not in GENERATED_WHEN_EMPTY:
            with pytest.raises(LookupError, match=name):
                compose_and_variables({**ENVIRONMENT, name: ""})


def test_make_env_writes_every_documented_variable_once_for_its_owner_only(tmp_path):
    path = tmp_path / ".env"
    assert make_env.main(["--path", str(path)]) == 0
    assert path.stat().st_mode & 0o077 == 0
    written = dict(line.split("=", 1) for line in path.read_text().splitlines())
    documented = re.findall(r"^([A-Z_][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M)
    assert sorted(written) == sorted(documented)
    secrets = [
        v for k, v in written.items() if SECRET_NAME.search(k) and k not in GENERATED_WHEN_EMPTY
    ]
    assert all(len(value) >= 24 for value in secrets) and len(set(secrets)) == len(secrets)
    # Never over the passwords the volumes were made with.
    before = path.read_text()
    assert make_env.main(["--path", str(path)]) == 1
    assert path.read_text() == before


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
def test_an_app_is_built_from_the_one_dockerfile_at_the_workspace_root(compose, app):
    """With its own build arguments: test_dockerfiles.py checks them against the app."""
    build = compose["services"][app]["build"]
    assert build["context"] == "."
    assert ROOT / build["dockerfile"] == ROOT / "Dockerfile"
    assert build["args"]["APP"] == APPS[app][1]
    assert ROOT / build["args"]["APP_DIR"] == APPS[app][0]
    assert compose["services"][app]["image"].startswith(f"guanjia/{app}:")


def test_only_the_gateway_is_published_on_8000(compose):
    published = {
        name: service["ports"]
        for name, service in compose["services"].items()
        if "ports" in service
    }
    assert published == {"gateway": ["8000:8000"]}


@pytest.mark.parametrize("app", APPS)
def test_metrics_answer_on_a_port_of_their_own_that_is_not_published(compose, app):
    """/metrics answers only on the metrics port (tests/faults/test_metrics_port.py)."""
    environment = compose["services"][app]["environment"]
    metrics_port = int(environment[f"{env_prefix(app)}METRICS_PORT"])
    assert metrics_port != default_port(app)
    for service in compose["services"].values():
        for mapping in service.get("ports", []):
            assert int(str(mapping).rsplit(":", 1)[-1]) != metrics_port, mapping


def test_nats_asks_each_process_for_its_own_user(compose):
    """A user per process, the gateway's too, publishing only its own events
    (shared/tests/test_nats_permissions.py proves the permissions on a real nats-server); the
    passwords from .env, none anonymous."""
    nats = compose["services"]["nats"]
    command = nats["command"]
    config = command[command.index("-c") + 1]
    source, read_only = named_volume_mounts(nats)[config]
    assert ROOT / source == NATS_AUTH and read_only
    # The committed file is what the permissions in guanjia_shared.nats_auth make.
    assert NATS_AUTH.read_text() == nats_auth.authorization_config()
    raw = raw_compose()["services"]
    users = set()
    for app in APPS:
        user = app.removesuffix("-svc")
        users.add(user)
        prefix = env_prefix(app)
        environment = compose["services"][app]["environment"]
        assert environment[f"{prefix}NATS_URL"] == "nats://nats:4222"
        assert environment[f"{prefix}NATS_USER"] == user
        # nats-server and the process read the same required variable.
        password = raw[app]["environment"][f"{prefix}NATS_PASSWORD"]
        assert password.startswith(f"${{{user.upper()}_NATS_PASSWORD:?")
        assert raw["nats"]["environment"][nats_auth.password_variable(user)] == password
        assert nats_auth.PASSWORD_PATTERN.fullmatch(environment[f"{prefix}NATS_PASSWORD"])
    assert users == set(nats_auth.SERVICE_USERS), "a NATS user for each process, no other"
    assert set(raw["nats"]["environment"]) == {
        nats_auth.password_variable(user) for user in nats_auth.SERVICE_USERS
    }


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
    assert all(target.endswith(".sh") for _, target in init), "the entrypoint runs it with bash"


def test_each_app_connects_as_a_role_of_its_own_that_owns_its_database_only(compose):
    """The init script makes, per process, a role and a database it owns, closed to the
    others; each app's URL names that role and database, and its PGPASSWORD is the one the
    script gave the role (the same required variable)."""
    script = INIT_SCRIPT.read_text()
    (listed,) = re.findall(r"^for app in ([a-z ]+); do$", script, re.M)
    assert "CREATE ROLE :\"name\" LOGIN PASSWORD :'password'" in script
    assert 'CREATE DATABASE :"name" OWNER :"name"' in script
    assert 'REVOKE ALL ON DATABASE :"name" FROM PUBLIC' in script
    assert '--set=name="guanjia_${app}" --set=password="${!password_variable}"' in script
    assert 'password_variable="${app^^}_PASSWORD"' in script
    raw = raw_compose()["services"]
    postgres = raw["postgres"]["environment"]
    superuser = postgres["POSTGRES_USER"]
    roles = set()
    for app in APPS:
        short = app.removesuffix("-svc")
        environment = compose["services"][app]["environment"]
        url = urlsplit(environment[f"{env_prefix(app)}DATABASE_URL"])
        assert url.scheme == "postgresql+asyncpg" and url.hostname == "postgres"
        assert url.username == url.path.lstrip("/") == f"guanjia_{short}"
        assert url.username != superuser and url.password is None
        roles.add(url.username)
        password = raw[app]["environment"]["PGPASSWORD"]
        assert password.startswith(f"${{{short.upper()}_DATABASE_PASSWORD:?")
        assert postgres[f"{short.upper()}_PASSWORD"] == password
    assert roles == {f"guanjia_{short}" for short in listed.split()}
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    values = [compose["services"][app]["environment"]["PGPASSWORD"] for app in APPS]
    assert len(set(values)) == len(APPS), "a password per role"


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
    assert settings.nats_url == "nats://nats:4222"
    assert settings.nats_user == app.removesuffix("-svc")
    assert (
        settings.nats_password.get_secret_value()
        == ENVIRONMENT[f"{settings.nats_user.upper()}_NATS_PASSWORD"]
    )
    if app == "gateway":
        upstreams = settings.upstream_urls
        assert set(upstreams) == {name.removesuffix("-svc") for name in SERVICES}
        for service in SERVICES:
            url = urlsplit(upstreams[service.removesuffix("-svc")])
            assert (url.hostname, url.port) == (service, default_port(service))
    else:
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


def test_no_secret_is_in_the_repository_nor_has_a_fallback():
    raw = raw_compose()
    for name, service in raw["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable) and not variable.endswith("_FILE"):
                text = str(value)
                match = INTERPOLATION.fullmatch(text)
                assert match and match["braced"], f"{name}: {variable} comes from the environment"
                if match["braced"] in GENERATED_WHEN_EMPTY:
                    assert match["operator"] == ":-" and match["argument"] == "", text
                else:
                    assert match["operator"] == ":?", f"{name}: {variable} has a fallback: {text}"
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


def test_the_tests_containers_run_the_images_the_stack_runs(compose):
    """Where Docker answers, the suite's PostgreSQL and NATS (guanjia_shared.testing.
    containers) are the stack's."""
    assert compose["services"]["postgres"]["image"] == containers.POSTGRES_IMAGE
    assert compose["services"]["nats"]["image"] == containers.NATS_IMAGE
