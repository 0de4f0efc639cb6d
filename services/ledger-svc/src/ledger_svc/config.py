from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from guanjia_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_LEDGER_", extra="ignore")

    service_name: str = "ledger"
    port: int = 8003


@lru_cache
def get_settings() -> Settings:
    return Settings()
