from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from pydantic import Field, PositiveInt
from pydantic_settings import SettingsConfigDict

from emergency_svc.plans.document import Level
from guanjia_shared.deps import app_settings
from guanjia_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_EMERGENCY_", extra="ignore")

    service_name: str = "emergency"
    port: int = 8004

    # Incidents and tasks (incidents/, tasks/). An assigned task must be acknowledged within
    # `ack_minutes`, or it goes to the role's deputy. Fractions are taken (0.25: 15 seconds),
    # so a drill of the handover, or a browser test of it, need not wait whole minutes.
    ack_minutes: float = Field(default=10, gt=0, le=24 * 60)
    # Reports upward (初报 / 续报), by grade: the initial report is due this many minutes
    # after activation, each follow-up this many after the report before it. A grade left
    # out owes no report of that kind. As JSON in the environment, e.g.
    # GUANJIA_EMERGENCY_INITIAL_REPORT_MINUTES='{"I": 30, "II": 60}'.
    initial_report_minutes: dict[Level, PositiveInt] = Field(
        default_factory=lambda: {Level.I: 30, Level.II: 60, Level.III: 120, Level.IV: 240}
    )
    followup_report_interval_minutes: dict[Level, PositiveInt] = Field(
        default_factory=lambda: {Level.I: 60, Level.II: 120, Level.III: 240, Level.IV: 480}
    )
    # The response timers (acknowledgement, task and report deadlines): how often they
    # look, and how many rows per look.
    timer_interval_seconds: float = Field(default=30.0, gt=0)
    timer_batch_size: int = Field(default=200, gt=0, le=10_000)


@lru_cache
def get_settings() -> Settings:
    """The settings of the environment, for the process that starts the app (main, the CLI);
    code below the app reads the settings it was made with."""
    return Settings()


# The routes' dependency: the settings of the running app.
ServiceSettings = Annotated[Settings, Depends(app_settings)]
