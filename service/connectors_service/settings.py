"""Settings of the reference service, read from the environment."""

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr
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
    # Every wait on the database has an end, after which the request is 503 (store/_outage.py)
    # instead of holding a worker. PostgreSQL: opening a connection (libpq's connect_timeout,
    # in whole seconds; psycopg raises smaller values to the floor `ge` states) and one
    # statement (the server's statement_timeout; a connection lent out for twice as long
    # without an answer is cut by the client, db.py). Both backends: waiting for a pooled
    # connection.
    database_connect_timeout_seconds: int = Field(default=5, ge=2)
    database_statement_timeout_seconds: float = Field(default=10.0, gt=0)
    database_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    # SQLite: how long a writer waits for another connection's lock before giving up.
    sqlite_busy_timeout_seconds: float = Field(default=1.0, ge=0)
    # How long an in-flight Idempotency-Key holds its key before a retry may take it over,
    # as from a process that died mid-request (store/_idempotency.py).
    idempotency_lease_seconds: float = Field(default=60.0, gt=0)
    rate_limit_per_minute: int = Field(default=600, ge=1)
    # How long a process remembers a valid API key instead of looking it up again; a revoked
    # key can keep working this long in a process that saw it just before (keycache.py).
    # 0 looks every key up on every request.
    api_key_cache_seconds: float = Field(default=5.0, ge=0)
    # Set, the rate limit is shared through Redis by every process of the service; unset,
    # each process counts on its own. `repr=False`: the URL may carry a password.
    redis_url: str | None = Field(
        default=None,
        repr=False,
        validation_alias=AliasChoices("REDIS_URL", "CONNECTORS_REDIS_URL"),
    )
    # The keys that encrypt secrets at rest, urlsafe base64 of 32 bytes each, separated by
    # commas: the first encrypts, all decrypt (rotation). Unset, `secret_key_file` holds them
    # and is created with a new key on first use. SecretStr keeps the keys out of reprs.
    secret_key: SecretStr | None = None
    secret_key_file: str = "var/secret.key"
    log_level: str = "info"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; call `get_settings.cache_clear()` in tests)."""
    return Settings()
