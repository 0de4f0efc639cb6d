from decimal import Decimal
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from guanjia_shared.deps import app_settings
from guanjia_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_ASSET_", extra="ignore")

    service_name: str = "asset"
    port: int = 8001
    # 修缮管理办法: the highest estimated cost per m² (yuan) of the rooms renovated (their
    # usable area in the register) an admin may approve alone, and the fewest years between
    # two renovations of the same room; beyond either, a leader approves with a reason. The
    # bureau sets both in its own rules, hence settings.
    renovation_cost_cap_per_m2: Decimal = Decimal("1500")
    renovation_min_years_between: int = 8
    # The rows a sheet of an imported workbook may hold (the largest inventory planned for
    # is 100 000 rooms); a larger inventory is imported in parts.
    import_max_rows: int = Field(default=100_000, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()


# For a route: the settings the running app was made with.
ServiceSettings = Annotated[Settings, Depends(app_settings)]
