from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from guanjia_shared.deps import app_settings
from guanjia_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_LEDGER_", extra="ignore")

    service_name: str = "ledger"
    port: int = 8003
    # Management by exception (例外原则): how often the sweep looks for what days passing
    # changed (each plan is judged once a bureau day), when an item without reports is
    # stalled, and how far below the share of its time elapsed an item may be.
    exception_scan_interval_seconds: float = Field(default=300, gt=0)
    stalled_after_days: int = Field(default=14, ge=1)
    behind_tolerance_points: float = Field(default=20, ge=0, le=100)
    # The procedure register (quality/): the department whose staff keep it beside the
    # admins (none: the admins alone), how long before a review date its owner is reminded,
    # and how often the register's job looks (revisions due in force, reviews due).
    quality_office: str | None = Field(default=None, min_length=1, max_length=100)
    review_reminder_days: int = Field(default=30, ge=1, le=365)
    quality_job_interval_seconds: float = Field(default=300, gt=0)
    # Nonconformities (nonconformities/): one opens by itself against a commitment's
    # procedure when its department breaches it on `nonconformity_breach_count` tickets
    # within `nonconformity_period_days`, or when at least `nonconformity_rating_min_count`
    # ratings of its tickets in that period average below `nonconformity_rating_below`;
    # the effectiveness of the corrective actions is checked `effectiveness_check_days`
    # after the check starts (every action done).
    nonconformity_breach_count: int = Field(default=3, ge=1, le=1000)
    nonconformity_period_days: int = Field(default=30, ge=1, le=366)
    nonconformity_rating_below: float = Field(default=3.0, gt=1, le=5)
    nonconformity_rating_min_count: int = Field(default=5, ge=1, le=1000)
    effectiveness_check_days: int = Field(default=30, ge=0, le=366)


@lru_cache
def get_settings() -> Settings:
    """The settings of the environment, for the process that starts the app (main, the CLI);
    code below the app reads the settings it was made with."""
    return Settings()


# The routes' dependency: the settings of the running app.
ServiceSettings = Annotated[Settings, Depends(app_settings)]
