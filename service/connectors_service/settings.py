"""Settings of the reference service, read from the environment."""

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Every setting of the service; one `DATABASE_URL` builds one engine (house rule 12)."""

    # `CONNECTORS_` prefixes every variable except the database URL, which also answers to
    # the conventional `DATABASE_URL` that CI and container platforms set.
    model_config = SettingsConfigDict(env_prefix="CONNECTORS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/connectors.db",
        validation_alias=AliasChoices("DATABASE_URL", "CONNECTORS_DATABASE_URL"),
    )
    rate_limit_per_minute: int = Field(default=600, ge=1)
    log_level: str = "info"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; call `get_settings.cache_clear()` in tests)."""
    return Settings()
