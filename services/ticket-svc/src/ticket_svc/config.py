from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from guanjia_shared.deps import app_settings
from guanjia_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_TICKET_", extra="ignore")

    service_name: str = "ticket"
    port: int = 8002

    # SLA: a clock warns past this share of its allowed working time, and a breach still
    # open past the second share goes up to the leadership.
    sla_warning_percent: int = Field(default=80, gt=0, lt=100)
    leader_escalation_percent: int = Field(default=150, gt=100, le=1000)
    # A resolved ticket nobody confirms is confirmed after this many working days.
    auto_confirm_working_days: int = Field(default=3, gt=0, le=60)
    # The escalation job (escalations/jobs.py): how often it looks, and how many tickets
    # per look.
    scheduler_interval_seconds: float = Field(default=30.0, gt=0)
    scheduler_batch_size: int = Field(default=200, gt=0, le=10_000)

    # Public ratings (行风评议): a department appears in the summary from this many
    # ratings; its mean is smoothed towards the overall mean with this many virtual ratings;
    # one address may rate this many times a day.
    rating_summary_min_count: int = Field(default=5, ge=1)
    rating_prior_weight: int = Field(default=5, ge=0)
    ratings_per_address_per_day: int = Field(default=5, ge=1)


@lru_cache
def get_settings() -> Settings:
    return Settings()


# The settings of the running app, for a route.
ServiceSettings = Annotated[Settings, Depends(app_settings)]
