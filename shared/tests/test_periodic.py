"""Periodic background jobs: they tick at start and then on their interval, survive a
failing tick, stop promptly, tick at once when woken (by a consumer that made them work), and
an app runs them — except under tests, which tick by hand."""

import asyncio
import time

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from guanjia_shared.app import create_service_app
from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.periodic import JobMetrics, PeriodicJob, PeriodicRunner
from guanjia_shared.settings import BaseServiceSettings
from guanjia_shared.testing.apps import eventually, running_app
from guanjia_shared.testing.effects import MIGRATIONS, effect_subscription, effects_by_event
from guanjia_shared.testing.streams import publish_event


class TickLog:
    """A job's ticks as they happened; each tick asks the database something."""

    def __init__(self, *, failures: int = 0, pause: float = 0.0) -> None:
        self.started = 0
        self.finished = 0
        self.failures_left = failures
        self.pause = pause
        self.factories = []

    async def tick(self, session_factory) -> int:
        self.started += 1
        self.factories.append(session_factory)
        async with session_factory() as session:
            assert await session.scalar(text("SELECT 1")) == 1
        await asyncio.sleep(self.pause)
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("the database went away for a moment")
        self.finished += 1
        return 2


def runner_for(ticks: TickLog, session_factory, *, interval: float, registry=None, **options):
    job = PeriodicJob(name="probe", interval_seconds=interval, run=ticks.tick)
    metrics = JobMetrics(registry) if registry is not None else None
    return PeriodicRunner(job, session_factory, metrics=metrics, **options)


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, {"job": "probe", **labels}) or 0.0


async def at_least(ticks: TickLog, count: int) -> None:
    async def check():
        assert ticks.finished >= count

    await eventually(check, timeout=5)


async def test_a_job_ticks_at_start_and_then_every_interval(session_factory):
    ticks = TickLog()
    registry = CollectorRegistry()
    runner = runner_for(ticks, session_factory, interval=0.05, registry=registry)
    runner.start()
    try:
        await at_least(ticks, 3)
    finally:
        await runner.stop()
    assert sample(registry, "guanjia_periodic_job_ticks_total", outcome="ok") >= 3
    assert sample(registry, "guanjia_periodic_job_actions_total") >= 6


async def test_the_first_tick_comes_at_once_not_after_an_interval(session_factory):
    ticks = TickLog()
    runner = runner_for(ticks, session_factory, interval=3600)
    runner.start()
    try:
        await at_least(ticks, 1)
    finally:
        await runner.stop()
    assert ticks.started == 1


async def test_a_woken_job_ticks_at_once_not_at_its_interval(session_factory):
    ticks = TickLog()
    runner = runner_for(ticks, session_factory, interval=3600)
    runner.start()
    try:
        await at_least(ticks, 1)
        runner.wake()
        await at_least(ticks, 2)
    finally:
        await runner.stop()
    assert ticks.started == 2


async def test_wakes_during_a_tick_bring_one_more_tick_right_after_it(session_factory):
    ticks = TickLog(pause=0.3)
    runner = runner_for(ticks, session_factory, interval=3600)
    runner.start()
    try:

        async def ticking():
            assert ticks.started == 1

        await eventually(ticking, timeout=5)
        runner.wake()
        runner.wake()
        await at_least(ticks, 2)
        assert ticks.started == 2  # and then it sleeps: two wakes, one more tick
    finally:
        await runner.stop()


async def test_a_failing_tick_is_counted_and_the_loop_carries_on(session_factory):
    ticks = TickLog(failures=2)
    registry = CollectorRegistry()
    runner = runner_for(ticks, session_factory, interval=0.05, registry=registry)
    runner.start()
    try:
        await at_least(ticks, 2)
        assert runner.is_running
    finally:
        await runner.stop()
    assert sample(registry, "guanjia_periodic_job_ticks_total", outcome="failed") == 2
    assert sample(registry, "guanjia_periodic_job_ticks_total", outcome="ok") >= 2


async def test_a_sleeping_job_stops_at_once(session_factory):
    ticks = TickLog()
    runner = runner_for(ticks, session_factory, interval=3600)
    runner.start()
    await at_least(ticks, 1)

    began = time.monotonic()
    await runner.stop()

    assert time.monotonic() - began < 1
    assert not runner.is_running


async def test_stopping_lets_the_tick_in_flight_finish(session_factory):
    ticks = TickLog(pause=0.3)
    runner = runner_for(ticks, session_factory, interval=3600)
    runner.start()

    async def started():
        assert ticks.started == 1

    await eventually(started, timeout=5)
    await runner.stop()

    assert ticks.finished == 1


async def test_a_tick_that_outlives_the_grace_period_is_cancelled(session_factory):
    ticks = TickLog(pause=30)
    runner = runner_for(ticks, session_factory, interval=3600, stop_grace_seconds=0.1)
    runner.start()

    async def started():
        assert ticks.started == 1

    await eventually(started, timeout=5)
    began = time.monotonic()
    await runner.stop()

    assert time.monotonic() - began < 2
    assert ticks.finished == 0 and not runner.is_running


async def test_run_once_raises_what_the_tick_raised(session_factory):
    ticks = TickLog(failures=1)
    runner = runner_for(ticks, session_factory, interval=3600)
    try:
        await runner.run_once()
    except RuntimeError as exc:
        assert "went away" in str(exc)
    else:
        raise AssertionError("run_once swallowed the failure")
    assert await runner.run_once() == 2


class ProbeSettings(BaseServiceSettings):
    service_name: str = "asset"


def app_with_job(settings, ticks: TickLog, *, interval: float = 0.05, subscriptions=()):
    def probe_job(service_settings) -> PeriodicJob:
        assert service_settings is settings  # jobs are built from the service's settings
        return PeriodicJob(name="probe", interval_seconds=interval, run=ticks.tick)

    return create_service_app(
        settings=settings,
        title="probe",
        routers=[],
        migrations=MIGRATIONS,
        periodic_jobs=[probe_job],
        subscriptions=subscriptions,
    )


def probe_settings(environment, database_url, nats_server_url, event_namespace, token_mint):
    return ProbeSettings(
        environment=environment,
        database_url=database_url,
        nats_url=nats_server_url,
        event_namespace=event_namespace,
        jwks_url=token_mint.jwks_url,
        migrate_on_start=False,
        log_json=False,
    )


async def test_a_service_runs_its_jobs_on_its_own_database_and_stops_them_on_shutdown(
    database_url, nats_server_url, event_namespace, token_mint
):
    ticks = TickLog()
    settings = probe_settings(
        "development", database_url, nats_server_url, event_namespace, token_mint
    )
    app = app_with_job(settings, ticks)
    async with running_app(app) as client:
        await at_least(ticks, 2)
        runner = app.state.periodic_jobs["probe"]
        assert runner.is_running
        assert ticks.factories[0] is app.state.session_factory
        metrics = (await client.get("/metrics")).text
        assert 'guanjia_periodic_job_ticks_total{job="probe",outcome="ok"}' in metrics
    assert not runner.is_running


async def test_under_tests_a_service_ticks_its_jobs_only_when_asked(
    database_url, nats_server_url, event_namespace, token_mint
):
    ticks = TickLog()
    settings = probe_settings("test", database_url, nats_server_url, event_namespace, token_mint)
    app = app_with_job(settings, ticks)
    async with running_app(app):
        await asyncio.sleep(0.2)
        assert ticks.started == 0
        runner = app.state.periodic_jobs["probe"]
        assert not runner.is_running
        assert await runner.run_once() == 2
    assert ticks.finished == 1


async def test_events_a_consumer_applied_wake_the_job_they_make_work_for(
    database_url, nats_server_url, event_namespace, token_mint
):
    ticks = TickLog()
    settings = probe_settings(
        "development", database_url, nats_server_url, event_namespace, token_mint
    )
    app = app_with_job(
        settings, ticks, interval=3600, subscriptions=[effect_subscription(wakes=("probe",))]
    )
    async with running_app(app):
        await at_least(ticks, 1)  # the tick at start, then an hour's sleep
        await publish_event(
            nats_server_url,
            event_namespace,
            build_event(
                service="asset",
                short_type="asset.thing.done",
                subject="1",
                data={"n": 1},
                time=now(),
            ),
        )
        await at_least(ticks, 2)
        assert await effects_by_event(app.state.session_factory)


async def test_a_subscription_cannot_wake_a_job_the_service_has_not(
    database_url, nats_server_url, event_namespace, token_mint
):
    settings = probe_settings(
        "development", database_url, nats_server_url, event_namespace, token_mint
    )
    app = app_with_job(
        settings, TickLog(), subscriptions=[effect_subscription(wakes=("no-such-job",))]
    )
    with pytest.raises(ValueError, match="no-such-job"):
        async with running_app(app):
            pass
