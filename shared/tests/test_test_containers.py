"""guanjia_shared.testing.containers decides which containers a run starts; checked without
a Docker engine (where one answers, the whole suite runs on its containers)."""

from __future__ import annotations

import pytest

from guanjia_shared.testing import containers
from guanjia_shared.testing.containers import (
    CONTAINERS_ENV,
    NATS_URL_ENV,
    POSTGRES_URL_ENV,
    ContainerPlan,
    containers_for_this_run,
    docker_engine_answers,
    plan_containers,
)

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
NATS = "nats://127.0.0.1:4222"


class Docker:
    """A stand-in for the question "does a Docker engine answer?", counting the asks."""

    def __init__(self, answers: bool) -> None:
        self.answers = answers
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.answers


def nats_answers(url: str) -> bool:
    return url == NATS


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, ContainerPlan(postgres=True, nats=True)),
        ({POSTGRES_URL_ENV: POSTGRES}, ContainerPlan(nats=True)),
        ({NATS_URL_ENV: NATS}, ContainerPlan(postgres=True)),
        # A NATS_URL where nothing answers is as good as none.
        ({NATS_URL_ENV: "nats://127.0.0.1:1"}, ContainerPlan(postgres=True, nats=True)),
    ],
)
def test_with_docker_a_run_starts_what_it_was_not_given(environ, expected):
    assert plan_containers(environ, Docker(True), nats_answers) == expected


def test_given_both_a_run_starts_nothing_and_does_not_ask_docker():
    docker = Docker(True)
    environ = {POSTGRES_URL_ENV: POSTGRES, NATS_URL_ENV: NATS}
    assert not plan_containers(environ, docker, nats_answers)
    assert docker.asked == 0


def test_without_docker_a_run_starts_nothing():
    docker = Docker(False)
    assert plan_containers({}, docker, nats_answers) == ContainerPlan()
    assert docker.asked == 1


@pytest.mark.parametrize("value", ["0", "false", "no", "off"])
def test_containers_can_be_turned_off(value):
    assert not plan_containers({CONTAINERS_ENV: value}, Docker(True), nats_answers)


def test_an_xdist_worker_starts_nothing_its_controller_did():
    assert not plan_containers({"PYTEST_XDIST_WORKER": "gw0"}, Docker(True), nats_answers)


def test_no_docker_engine_answers_at_a_closed_address(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path / 'docker.sock'}")
    assert docker_engine_answers(timeout=1) is False


def test_without_docker_the_environment_is_left_as_it_is(monkeypatch):
    """The no-Docker path, as this run took it when no engine answers: nothing started,
    nothing set, and the run goes on as without containers."""
    monkeypatch.setattr(containers, "docker_engine_answers", lambda: False)
    environ: dict[str, str] = {}
    running = containers_for_this_run(environ)
    assert environ == {} and running.containers == [] and running.environment == {}
    running.stop()


def test_with_docker_the_environment_points_at_the_containers(monkeypatch):
    """Where Docker answers, the URLs of what was started go into the environment (which
    xdist's workers inherit); the start itself is a stand-in here."""
    started = []

    def start(plan):
        started.append(plan)
        return containers.RunningContainers(
            environment={POSTGRES_URL_ENV: "postgresql+asyncpg://test:test@localhost:32768/test"}
        )

    monkeypatch.setattr(containers, "docker_engine_answers", lambda: True)
    monkeypatch.setattr(containers, "start_containers", start)
    environ = {NATS_URL_ENV: NATS}
    monkeypatch.setattr(containers, "reachable", nats_answers)
    containers_for_this_run(environ)
    assert started == [ContainerPlan(postgres=True)]
    assert environ[POSTGRES_URL_ENV].startswith("postgresql+asyncpg://")


def test_containers_that_fail_to_start_leave_the_run_as_without_docker(monkeypatch, capsys):
    def start(plan):
        raise RuntimeError("pull access denied")

    monkeypatch.setattr(containers, "docker_engine_answers", lambda: True)
    monkeypatch.setattr(containers, "start_containers", start)
    environ: dict[str, str] = {}
    running = containers_for_this_run(environ)
    assert environ == {} and running.containers == []
    assert "did not start" in capsys.readouterr().err
