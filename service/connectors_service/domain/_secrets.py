"""Which configuration values are secret, how they read back masked, how writes treat them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connectors_service.domain._errors import Violation

__all__ = ["MASK", "SecretRules", "is_secret_name"]

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


def is_secret_name(name: str) -> bool:
    """Whether a key's name marks its string value as secret: lower case, `_ - .` removed."""
    normalised = name.lower().replace("_", "").replace("-", "").replace(".", "")
    return any(word in normalised for word in _SECRET_WORDS)


def _escape(token: str) -> str:
    # RFC 6901: `~` and `/` are escaped inside a JSON pointer token.
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True, slots=True)
class SecretRules:
    """Secrecy decided by field definitions first, by key names where none decides."""

    secret: frozenset[str]
    public: frozenset[str]
    defaults: Mapping[str, Any]

    @classmethod
    def from_fields(cls, fields: Sequence[Mapping[str, Any]] | None) -> SecretRules:
        """Rules for a connector with these field definitions (None: names decide alone)."""
        secret = frozenset(str(f["id"]) for f in fields or () if f.get("secret") is True)
        public = frozenset(str(f["id"]) for f in fields or () if f.get("secret") is not True)
        # An explicit `secret: false` wins over the name; a definition without `secret` is
        # public too, since the definition says what the value is.
        defaults = {str(f["id"]): f["default"] for f in fields or () if "default" in f}
        return cls(secret=secret, public=public, defaults=defaults)

    def is_secret(self, key: str, *, top_level: bool = True) -> bool:
        """Whether the value at `key` is secret (definitions apply at the top level only)."""
        if top_level and key in self.secret:
            return True
        if top_level and key in self.public:
            return False
        return is_secret_name(key)

    def has_secrets(self, data: Mapping[str, Any]) -> bool:
        """Whether any secret is defined, or any stored value is secret by its name."""
        return bool(self.secret) or _any_secret(data, self, top_level=True)

    def mask(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """`data` with defaults applied, set secrets masked, unset secrets left out."""
        full = {**self.defaults, **data}
        return _mask(full, self, top_level=True)

    def merge(self, sent: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
        """The `data` to store when `sent` replaces `stored` (PUT and create).

        For a secret key: absent or `""` keeps the stored value, the mask keeps it (a violation
        when nothing is stored), `null` deletes it, any other string replaces it.
        """
        violations: list[Violation] = []
        result = _merge(sent, stored, self, pointer="/data", top_level=True, violations=violations)
        if violations:
            from connectors_service.domain._errors import DomainError

            raise DomainError.unprocessable(violations)
        return result

    def patch(self, stored: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
        """The `data` to store after a JSON Merge Patch (RFC 7396) under the secret rules."""
        violations: list[Violation] = []
        result = _patch(stored, patch, self, pointer="/data", top_level=True, violations=violations)
        if violations:
            from connectors_service.domain._errors import DomainError

            raise DomainError.unprocessable(violations)
        return result


def _any_secret(data: Mapping[str, Any], rules: SecretRules, *, top_level: bool) -> bool:
    for key, value in data.items():
        if isinstance(value, str) and rules.is_secret(key, top_level=top_level):
            return True
        if isinstance(value, Mapping) and _any_secret(value, rules, top_level=False):
            return True
    return False


def _mask(data: Mapping[str, Any], rules: SecretRules, *, top_level: bool) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str) and rules.is_secret(key, top_level=top_level):
            masked[key] = MASK
        elif isinstance(value, Mapping):
            masked[key] = _mask(value, rules, top_level=False)
        elif isinstance(value, list):
            masked[key] = [
                _mask(v, rules, top_level=False) if isinstance(v, Mapping) else v for v in value
            ]
        else:
            masked[key] = value
    return masked


def _secret_not_set(pointer: str) -> Violation:
    return Violation(pointer, "SECRET_NOT_SET", "The mask was sent for a secret that is not set.")


def _merge(
    sent: Mapping[str, Any],
    stored: Mapping[str, Any],
    rules: SecretRules,
    *,
    pointer: str,
    top_level: bool,
    violations: list[Violation],
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in sent.items():
        here = f"{pointer}/{_escape(key)}"
        previous = stored.get(key)
        secret = rules.is_secret(key, top_level=top_level)
        if secret and (isinstance(value, str) or value is None):
            if value is None:
                continue
            if value in ("", MASK):
                if isinstance(previous, str):
                    result[key] = previous
                elif value == MASK:
                    violations.append(_secret_not_set(here))
                continue
            result[key] = value
        elif isinstance(value, Mapping):
            nested = previous if isinstance(previous, Mapping) else {}
            result[key] = _merge(
                value, nested, rules, pointer=here, top_level=False, violations=violations
            )
        else:
            result[key] = value
    # A secret the caller did not send is kept: absent means "keep" for a secret.
    for key, previous in stored.items():
        if (
            key not in sent
            and isinstance(previous, str)
            and rules.is_secret(key, top_level=top_level)
        ):
            result[key] = previous
    return result


def _patch(
    stored: Mapping[str, Any],
    patch: Mapping[str, Any],
    rules: SecretRules,
    *,
    pointer: str,
    top_level: bool,
    violations: list[Violation],
) -> dict[str, Any]:
    result = dict(stored)
    for key, value in patch.items():
        here = f"{pointer}/{_escape(key)}"
        previous = stored.get(key)
        if value is None:
            result.pop(key, None)  # RFC 7396: null removes the member
        elif (
            isinstance(value, str)
            and rules.is_secret(key, top_level=top_level)
            and value in ("", MASK)
        ):
            if not isinstance(previous, str) and value == MASK:
                violations.append(_secret_not_set(here))
        elif isinstance(value, Mapping):
            nested = previous if isinstance(previous, Mapping) else {}
            result[key] = _patch(
                nested, value, rules, pointer=here, top_level=False, violations=violations
            )
        else:
            result[key] = value
    return result
