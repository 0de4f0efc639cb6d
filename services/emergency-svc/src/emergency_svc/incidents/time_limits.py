"""The response's time limits, read once from the settings: how long an assignee has to
acknowledge a task, and when reports upward fall due at each grade."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from emergency_svc.config import ServiceSettings, Settings
from emergency_svc.incidents.models import ReportKind
from emergency_svc.plans.document import Level


@dataclass(frozen=True)
class ResponseTimeLimits:
    """The settings `ack_minutes`, `initial_report_minutes` and
    `followup_report_interval_minutes` (their defaults are in config.py)."""

    ack_minutes: float
    initial_report_minutes: Mapping[Level, int]
    followup_report_interval_minutes: Mapping[Level, int]

    @classmethod
    def from_settings(cls, settings: Settings) -> ResponseTimeLimits:
        return cls(
            ack_minutes=settings.ack_minutes,
            initial_report_minutes=dict(settings.initial_report_minutes),
            followup_report_interval_minutes=dict(settings.followup_report_interval_minutes),
        )

    @property
    def ack_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.ack_minutes)

    def report_window(self, kind: ReportKind, level: Level) -> dt.timedelta | None:
        """How long a report of `kind` may take at `level`; None: none is owed."""
        minutes = (
            self.initial_report_minutes
            if kind == ReportKind.initial
            else self.followup_report_interval_minutes
        ).get(level)
        return dt.timedelta(minutes=minutes) if minutes else None


async def _app_time_limits(settings: ServiceSettings) -> ResponseTimeLimits:
    return ResponseTimeLimits.from_settings(settings)


# The routes' dependency: the time limits of the running app's settings.
TimeLimits = Annotated[ResponseTimeLimits, Depends(_app_time_limits)]
