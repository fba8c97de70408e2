"""Which configuration values are secret, how they read back masked, how writes treat them."""

from __future__ import annotations

from typing import Any

__all__ = ["MASK", "SecretNotSetError", "is_secret_name", "mask_data", "merge_data"]

# What every secret that is set reads as (DOMAIN.md, "Secrets").
MASK = "**********"

# Substrings of a normalised key name that make a string value secret.
_SECRET_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authorization",
    "cookie",
)


class SecretNotSetError(Exception):
    """The mask was sent for a secret that has no stored value to keep."""

    def __init__(self, pointer: str) -> None:
        super().__init__(pointer)
        self.pointer = pointer


def is_secret_name(name: str) -> bool:
    """Whether a key's name marks its string value as secret: lower case, `_ - .` removed."""
    normalised = name.lower().replace("_", "").replace("-", "").replace(".", "")
    return any(word in normalised for word in _SECRET_WORDS)


def mask_data(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every set secret replaced by MASK, at any depth; computed, never stored."""
    masked: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str) and is_secret_name(key):
            masked[key] = MASK
        elif isinstance(value, dict):
            masked[key] = mask_data(value)
        elif isinstance(value, list):
            masked[key] = [mask_data(item) if isinstance(item, dict) else item for item in value]
        else:
            masked[key] = value
    return masked


def merge_data(
    sent: dict[str, Any], stored: dict[str, Any], *, pointer: str = ""
) -> dict[str, Any]:
    """The `data` to store when `sent` replaces `stored`.

    For a secret key: absent or `""` keeps the stored value, the mask keeps it (SecretNotSetError
    when nothing is stored), `null` deletes it, any other string replaces it. So a body read
    with GET, its `maskedData` sent back as `data`, changes no secret.
    """
    result: dict[str, Any] = {}
    for key, value in sent.items():
        here = f"{pointer}/{_escape(key)}"
        previous = stored.get(key)
        if is_secret_name(key) and (isinstance(value, str) or value is None):
            if value is None:
                continue
            if value in ("", MASK):
                if isinstance(previous, str):
                    result[key] = previous
                elif value == MASK:
                    raise SecretNotSetError(here)
                continue
            result[key] = value
        elif isinstance(value, dict):
            result[key] = merge_data(
                value, previous if isinstance(previous, dict) else {}, pointer=here
            )
        else:
            result[key] = value
    # Secrets the caller did not send are kept: absent means "keep" for a secret.
    for key, previous in stored.items():
        if key not in sent and is_secret_name(key) and isinstance(previous, str):
            result[key] = previous
    return result


def _escape(token: str) -> str:
    # RFC 6901: `~` and `/` are escaped inside a JSON pointer token.
    return token.replace("~", "~0").replace("/", "~1")
