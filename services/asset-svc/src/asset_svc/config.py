from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from guanjia_shared.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_ASSET_", extra="ignore")

    service_name: str = "asset"
    port: int = 8001


@lru_cache
def get_settings() -> Settings:
    return Settings()
