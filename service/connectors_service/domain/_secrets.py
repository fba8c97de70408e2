"""Which configuration values are secret, how they read back masked, how writes treat them.

One walk decides what a secret is, for every use: masking on read, sealing at rest (services
pass the box's sealing function to `replace_secrets`), `authMethod`, and the write rules of PUT,
create and PATCH. A string is secret by the field that defines its top-level key, else by the
name of the key that holds it; items of a list are held by the list's key, at any depth (lists
of lists included), since an item has no name of its own (DOMAIN.md, "Secrets").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connectors_service.domain._errors import DomainError, Violation

__all__ = ["MASK", "RESERVED_MEMBER", "SecretRules", "is_secret_name", "reserved_members"]

# What every secret that is set reads as (DOMAIN.md, "Secrets").
MASK = "**********"

# The member name of a secret sealed at rest (crypto.SEALED): an object of that one member in
# stored data is opened as a secret, so configuration may not hold one of its own.
RESERVED_MEMBER = "$sealed"

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

# Stands for "nothing stored here" while comparing a write with what is stored.
_NOTHING: Any = object()


def is_secret_name(name: str) -> bool:
    """Whether a key's name marks its string value as secret: lower case, `_ - .` removed."""
    normalised = name.lower().replace("_", "").replace("-", "").replace(".", "")
    return any(word in normalised for word in _SECRET_WORDS)


def _escape(token: str) -> str:
    # RFC 6901: `~` and `/` are escaped inside a JSON pointer token.
    return token.replace("~", "~0").replace("/", "~1")


def reserved_members(data: Any, pointer: str = "/data") -> Iterator[str]:
    """The pointers of every member named RESERVED_MEMBER in `data`, at any depth."""
    pending = [(data, pointer)]
    while pending:
        node, where = pending.pop()
        if isinstance(node, Mapping):
            for key, item in node.items():
                here = f"{where}/{_escape(str(key))}"
                if key == RESERVED_MEMBER:
                    yield here
                pending.append((item, here))
        elif isinstance(node, list):
            pending.extend((item, f"{where}/{index}") for index, item in enumerate(node))


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
        # An explicit `secret: false` wins over the name; a definition without `secret` is
        # public too, since the definition says what the value is.
        public = frozenset(str(f["id"]) for f in fields or () if f.get("secret") is not True)
        defaults = {str(f["id"]): f["default"] for f in fields or () if "default" in f}
        return cls(secret=secret, public=public, defaults=defaults)

    def is_secret(self, key: str, *, top_level: bool = True) -> bool:
        """Whether a string held by `key` is secret (definitions apply at the top level only)."""
        if top_level and key in self.secret:
            return True
        if top_level and key in self.public:
            return False
        return is_secret_name(key)

    def replace_secrets(
        self, data: Mapping[str, Any], replace: Callable[[str], Any]
    ) -> dict[str, Any]:
        """A copy of `data` with every secret string replaced by `replace(value)`."""
        return {key: _replace(value, self.is_secret(key), replace) for key, value in data.items()}

    def has_secrets(self, data: Mapping[str, Any]) -> bool:
        """Whether any secret is defined, or any stored value is secret by its name."""
        if self.secret:
            return True
        found: list[str] = []
        self.replace_secrets(data, found.append)
        return bool(found)

    def mask(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """`data` with defaults applied, set secrets masked, unset secrets left out.

        Every read path of every dialect shows configuration through this one function.
        """
        full = {**self.defaults, **data}
        masked = self.replace_secrets(full, _mask_one)
        # A secret member that is unset (`""`) is left out; in a list it keeps its place.
        return {
            key: value
            for key, value in masked.items()
            if not (value == "" and isinstance(full[key], str) and self.is_secret(key))
        }

    def merge(self, sent: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
        """The `data` to store when `sent` replaces `stored` (PUT and create).

        For a secret at any depth: absent (an object's member) or `""` keeps the stored value,
        the mask keeps it (a violation when nothing is stored), `null` deletes it, any other
        string replaces it. Items of a list answer to the item at the same place.
        """
        violations: list[Violation] = []
        result = _merge_object(sent, stored, self, "/data", True, violations)
        if violations:
            raise DomainError.unprocessable(violations)
        return result

    def patch(self, stored: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
        """The `data` to store after a JSON Merge Patch (RFC 7396 section 2) under the rules.

        Objects merge (a member that is not an object yet merges into `{}`), `null` deletes,
        arrays and scalars replace; a secret string keeps its write rules, and an array that
        replaces one holding secrets answers to it place by place, as `merge` does.
        """
        violations: list[Violation] = []
        result = _patch_object(stored, patch, self, "/data", True, violations)
        if violations:
            raise DomainError.unprocessable(violations)
        return result


def _mask_one(value: str) -> str:
    return MASK if value else ""


def _replace(value: Any, secret: bool, replace: Callable[[str], Any]) -> Any:
    if isinstance(value, str):
        return replace(value) if secret else value
    if isinstance(value, Mapping):
        if len(value) == 1 and isinstance(value.get(RESERVED_MEMBER), str):
            # A value still sealed is a secret that is set, whatever its name: a read path
            # that forgot to open the record masks it rather than showing ciphertext.
            return replace(MASK)
        # Members of a nested object are secret by their own names; definitions are top level.
        return {k: _replace(v, is_secret_name(k), replace) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(item, secret, replace) for item in value]
    return value


def _secret_not_set(pointer: str) -> Violation:
    return Violation(pointer, "SECRET_NOT_SET", "The mask was sent for a secret that is not set.")


def _is_secret(rules: SecretRules, key: str, top_level: bool) -> bool:
    return rules.is_secret(key, top_level=top_level)


def _merge_object(
    sent: Mapping[str, Any],
    stored: Any,
    rules: SecretRules,
    pointer: str,
    top_level: bool,
    violations: list[Violation],
) -> dict[str, Any]:
    before: Mapping[str, Any] = stored if isinstance(stored, Mapping) else {}
    result: dict[str, Any] = {}
    for key, value in sent.items():
        secret = _is_secret(rules, key, top_level)
        if secret and value is None:
            continue  # `null` deletes a secret
        merged = _merge_value(
            value, before.get(key, _NOTHING), rules, secret, f"{pointer}/{_escape(key)}", violations
        )
        if merged is not _NOTHING:
            result[key] = merged
    # Absent means "keep" for a secret: a stored secret string the write does not name stays.
    for key, previous in before.items():
        if key not in sent and isinstance(previous, str) and _is_secret(rules, key, top_level):
            result[key] = previous
    return result


def _merge_value(
    value: Any,
    previous: Any,
    rules: SecretRules,
    secret: bool,
    pointer: str,
    violations: list[Violation],
) -> Any:
    """What to store for `value` sent where `previous` is stored; _NOTHING stores nothing."""
    if secret and isinstance(value, str) and value in ("", MASK):
        if isinstance(previous, str):
            return previous
        if value == MASK:
            violations.append(_secret_not_set(pointer))
        return _NOTHING
    if isinstance(value, Mapping):
        return _merge_object(value, previous, rules, pointer, False, violations)
    if isinstance(value, list):
        stored_items = previous if isinstance(previous, list) else []
        items = []
        for index, item in enumerate(value):
            earlier = stored_items[index] if index < len(stored_items) else _NOTHING
            merged = _merge_value(item, earlier, rules, secret, f"{pointer}/{index}", violations)
            # A list keeps its shape: an unset secret item stays an empty string.
            items.append("" if merged is _NOTHING else merged)
        return items
    return value


def _patch_object(
    target: Any,
    patch: Mapping[str, Any],
    rules: SecretRules,
    pointer: str,
    top_level: bool,
    violations: list[Violation],
) -> dict[str, Any]:
    # RFC 7396 section 2: a target that is not an object is replaced by `{}` before merging.
    result: dict[str, Any] = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        here = f"{pointer}/{_escape(key)}"
        previous = result.get(key, _NOTHING)
        if value is None:
            result.pop(key, None)
        elif isinstance(value, Mapping):
            result[key] = _patch_object(previous, value, rules, here, False, violations)
        else:
            secret = _is_secret(rules, key, top_level)
            merged = _merge_value(value, previous, rules, secret, here, violations)
            if merged is not _NOTHING:
                result[key] = merged
    return result
