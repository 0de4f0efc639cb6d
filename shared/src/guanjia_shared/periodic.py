"""Periodic background jobs: a round of work every so often, on every replica.

A job is its tick: `run(session_factory)` does one round of work in its own transactions
and answers how many things it acted on. The runner ticks once at start (to catch up on
what fell due while the service was down) and then every `interval_seconds`. A failing
tick is logged and counted and the loop carries on: a tick finds its work in the database,
so the next one retries whatever failed. On shutdown the tick in flight may finish, and a
sleeping loop stops at once.

A job may also be woken (`wake()`), by a consumer whose events make its work (a
Subscription's `wakes`), so that the work goes out at once and not a whole interval later.

Several replicas run the same job at the same moments; keeping them out of each other's
way is the tick's business (e.g. claiming rows with FOR UPDATE SKIP LOCKED), not the
runner's.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from guanjia_shared.db import SessionFactory
from guanjia_shared.logging import get_logger
from guanjia_shared.tasks import finish_or_cancel

log = get_logger("guanjia.periodic")

Tick = Callable[[SessionFactory], Awaitable[int]]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval_seconds: float
    run: Tick


# What a service hands `create_service_app`: its job, built from the service's settings.
PeriodicJobFactory = Callable[[Any], PeriodicJob]


class JobMetrics:
    """Ticks by outcome, and what they acted on; one per app registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.ticks = Counter(
            "guanjia_periodic_job_ticks",
            "Ticks of periodic background jobs, by job and outcome (ok, failed)",
            ["job", "outcome"],
            registry=registry,
        ).labels
        self.acted = Counter(
            "guanjia_periodic_job_actions",
            "Things periodic background jobs acted on",
            ["job"],
            registry=registry,
        ).labels


class PeriodicRunner:
    """Runs one job's ticks in a background task."""

    def __init__(
        self,
        job: PeriodicJob,
        session_factory: SessionFactory,
        *,
        metrics: JobMetrics | None = None,
        stop_grace_seconds: float = 10.0,
    ) -> None:
        if job.interval_seconds <= 0:
            raise ValueError(f"job {job.name}: the interval must be positive")
        self.job = job
        self.session_factory = session_factory
        self.metrics = metrics
        self.stop_grace_seconds = stop_grace_seconds
        self._stopping = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def is_running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._stopping = False
        self._wake.clear()
        self._task = asyncio.create_task(self._loop(), name=f"periodic-{self.job.name}")

    async def stop(self) -> None:
        """Stop sleeping at once; a tick in flight gets the grace period to finish."""
        self._stopping = True
        self._wake.set()
        await finish_or_cancel(self._task, grace_seconds=self.stop_grace_seconds)
        self._task = None

    def wake(self) -> None:
        """Work has come (e.g. a consumer committed rows the job sends): tick now, or once
        more right after the tick in flight, instead of at the end of the interval."""
        self._wake.set()

    async def run_once(self) -> int:
        """One tick, now, as the loop runs it (counted the same); raises what it raised.
        Tests call this instead of starting the loop."""
        started = time.monotonic()
        try:
            acted = await self.job.run(self.session_factory)
        except Exception:
            if self.metrics is not None:
                self.metrics.ticks(job=self.job.name, outcome="failed").inc()
            raise
        if self.metrics is not None:
            self.metrics.ticks(job=self.job.name, outcome="ok").inc()
            self.metrics.acted(job=self.job.name).inc(acted)
        if acted:
            seconds = round(time.monotonic() - started, 3)
            log.info("periodic_job_acted", job=self.job.name, acted=acted, seconds=seconds)
        return acted

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await self.run_once()
            except Exception:
                # Any failure, on purpose: a job that died here would stop silently on this
                # replica, and the next tick retries the work anyway.
                log.exception("periodic_job_failed", job=self.job.name)
            await self._sleep(self.job.interval_seconds)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)
        if not self._stopping:
            self._wake.clear()
