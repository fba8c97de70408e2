"""Apply a request's changes to a connector, enforcing every rule that needs stored state."""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors_service.domain._errors import DomainError, Violation
from connectors_service.domain._fields import check_fields, check_values
from connectors_service.domain._http import check_http
from connectors_service.domain._secrets import (
    MASK,
    RESERVED_MEMBER,
    SecretRules,
    reserved_members,
)
from connectors_service.store import ConnectorRecord

__all__ = ["MAX_DATA_BYTES", "UNSET", "Changes", "Unset", "change_connector", "new_connector"]

# DOMAIN.md: `data` is at most 64 KiB, measured as compact JSON.
MAX_DATA_BYTES = 64 * 1024


class Unset(enum.Enum):
    """The member was not sent: keep what is stored."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class Changes:
    """The writable members one request sends, whatever its dialect; UNSET keeps a member."""

    name: str | Unset = UNSET
    description: str | Unset | None = UNSET
    provider: str | Unset = UNSET
    type: str | Unset = UNSET
    service_name: str | Unset | None = UNSET
    icon_url: str | Unset | None = UNSET
    fields: list[dict[str, Any]] | Unset | None = UNSET
    http: dict[str, Any] | Unset | None = UNSET
    # PUT and create: `data` replaces under the secret rules. PATCH: `data_patch` merges.
    data: dict[str, Any] | Unset = UNSET
    data_patch: dict[str, Any] | Unset | None = UNSET


def new_connector(
    changes: Changes, *, connector_id: str, organization_id: str, principal_id: str, now: datetime
) -> ConnectorRecord:
    """A new connector from a create request; raises DomainError."""
    missing = [
        member
        for member, value in (
            ("name", changes.name),
            ("provider", changes.provider),
            ("type", changes.type),
        )
        if value is UNSET
    ]
    if missing:
        violations = [Violation(f"/{m}", "REQUIRED", "This member is required.") for m in missing]
        raise DomainError(400, "BAD_REQUEST", "The request body is invalid.", violations)
    blank = ConnectorRecord(
        id=connector_id,
        organization_id=organization_id,
        name="",
        description=None,
        provider="",
        type="",
        service_name=None,
        icon_url=None,
        fields=None,
        http=None,
        data={},
        version=1,
        created_at=now,
        created_by=principal_id,
        updated_at=now,
        updated_by=principal_id,
    )
    return _apply(blank, changes, creating=True)


def change_connector(
    current: ConnectorRecord, changes: Changes, *, principal_id: str, now: datetime
) -> ConnectorRecord:
    """`current` after the changes; `current` itself when nothing stored would change."""
    changed = _apply(current, changes, creating=False)
    if _stored_state(changed) == _stored_state(current):
        return current
    return dataclasses.replace(
        changed, version=current.version + 1, updated_at=now, updated_by=principal_id
    )


def _stored_state(record: ConnectorRecord) -> tuple[Any, ...]:
    return (
        record.name,
        record.description,
        record.provider,
        record.type,
        record.service_name,
        record.icon_url,
        json.dumps(record.fields, sort_keys=True),
        json.dumps(record.http, sort_keys=True),
        json.dumps(record.data, sort_keys=True),
    )


def _apply(current: ConnectorRecord, changes: Changes, *, creating: bool) -> ConnectorRecord:
    unstorable = list(_unstorable(changes))
    if unstorable:
        raise DomainError(400, "BAD_REQUEST", "The request body is invalid.", unstorable)
    violations = _reserved(changes)
    if not creating:
        for member, sent, stored in (
            ("provider", changes.provider, current.provider),
            ("type", changes.type, current.type),
            ("serviceName", changes.service_name, current.service_name),
        ):
            if sent is not UNSET and sent != stored:
                violations.append(
                    Violation(f"/{member}", "IMMUTABLE_FIELD", f"{member} is set on create only.")
                )
    fields = (
        current.fields
        if changes.fields is UNSET
        else _keep_secret_defaults(changes.fields, current.fields)
    )
    http = current.http if changes.http is UNSET else changes.http
    if changes.fields is not UNSET:
        violations.extend(check_fields(fields))
    if changes.http is not UNSET:
        violations.extend(check_http(http))
    old_rules = SecretRules.from_fields(current.fields)
    new_rules = SecretRules.from_fields(fields)
    if changes.fields is not UNSET:
        violations.extend(_downgrades(current, changes, old_rules, new_rules))
    data = current.data
    try:
        if changes.data is not UNSET:
            data = new_rules.merge(changes.data, current.data)
        elif changes.data_patch is None:
            data = {}  # RFC 7396: `null` removes the member, and no `data` is no values
        elif changes.data_patch is not UNSET:
            data = new_rules.patch(current.data, changes.data_patch)
    except DomainError as exc:
        violations.extend(exc.violations)
    if changes.data is not UNSET or changes.data_patch is not UNSET or changes.fields is not UNSET:
        violations.extend(check_values(data, fields))
        if len(json.dumps(data, separators=(",", ":")).encode()) > MAX_DATA_BYTES:
            violations.append(
                Violation("/data", "DATA_TOO_LARGE", "The configuration is larger than 64 KiB.")
            )
    if violations:
        raise DomainError.unprocessable(violations)
    return dataclasses.replace(
        current,
        name=changes.name.strip() if isinstance(changes.name, str) else current.name,
        description=current.description if changes.description is UNSET else changes.description,
        provider=changes.provider if isinstance(changes.provider, str) else current.provider,
        type=changes.type if isinstance(changes.type, str) else current.type,
        service_name=current.service_name
        if changes.service_name is UNSET
        else changes.service_name,
        icon_url=current.icon_url if changes.icon_url is UNSET else changes.icon_url,
        fields=fields,
        http=http,
        data=data,
    )


# The members of a change that hold JSON values, by the JSON pointer a violation names.
_MEMBERS = (
    ("name", "/name"),
    ("description", "/description"),
    ("provider", "/provider"),
    ("type", "/type"),
    ("service_name", "/serviceName"),
    ("icon_url", "/iconUrl"),
    ("fields", "/fields"),
    ("http", "/http"),
    ("data", "/data"),
    ("data_patch", "/data"),
)


def _unstorable(changes: Changes) -> Iterator[Violation]:
    """Values that are JSON to a parser but that no store keeps: a 400 in every backend.

    U+0000 in text (a key included): PostgreSQL refuses it in `text` and `jsonb`, the C string
    terminator. NaN, an infinity or a number beyond double range: RFC 8259 section 6 has no
    such numbers, PostgreSQL's jsonb refuses them and SQLite's JSON stores them as null.
    """
    for member, pointer in _MEMBERS:
        found = _first_unstorable(getattr(changes, member), pointer)
        if found is not None:
            yield found


def _first_unstorable(value: Any, pointer: str) -> Violation | None:
    pending = [(value, pointer)]
    while pending:
        node, where = pending.pop()
        if isinstance(node, str):
            if "\x00" in node:
                return Violation(where, "NUL_CHARACTER", "Text may not hold the NUL character.")
        elif isinstance(node, float):
            if not math.isfinite(node):
                return Violation(where, "NON_FINITE_NUMBER", "Numbers must be finite (RFC 8259).")
        elif isinstance(node, dict):
            for key, item in node.items():
                here = f"{where}/{str(key).replace('~', '~0').replace('/', '~1')}"
                if "\x00" in str(key):
                    return Violation(here, "NUL_CHARACTER", "Text may not hold the NUL character.")
                pending.append((item, here))
        elif isinstance(node, list):
            pending.extend((item, f"{where}/{index}") for index, item in enumerate(node))
    return None


def _reserved(changes: Changes) -> list[Violation]:
    sent = changes.data if changes.data is not UNSET else changes.data_patch
    if sent is UNSET or sent is None:
        return []
    return [
        Violation(pointer, "RESERVED_MEMBER", f"{RESERVED_MEMBER} is reserved for sealed secrets.")
        for pointer in reserved_members(sent)
    ]


def _keep_secret_defaults(
    sent: list[dict[str, Any]] | None, stored: list[dict[str, Any]] | None
) -> list[dict[str, Any]] | None:
    # A secret default reads back masked; sending the definitions back keeps the stored one.
    if sent is None:
        return None
    previous = {str(f.get("id")): f for f in stored or ()}
    kept = []
    for field in sent:
        before = previous.get(str(field.get("id")), {})
        if field.get("secret") is True and field.get("default") == MASK and "default" in before:
            field = {**field, "default": before["default"]}
        kept.append(field)
    return kept


def _downgrades(
    current: ConnectorRecord, changes: Changes, old: SecretRules, new: SecretRules
) -> list[Violation]:
    # A stored secret that stops being secret would be read back in clear: refuse unless the
    # same request replaces or deletes the value (DOMAIN.md, SECRET_DOWNGRADE).
    sent: Mapping[str, Any] = {}
    if changes.data is not UNSET:
        sent = changes.data
    elif changes.data_patch is None:
        return []  # every stored value is deleted, so no secret is shown in clear
    elif changes.data_patch is not UNSET:
        sent = changes.data_patch
    found = []
    for key, value in current.data.items():
        if not isinstance(value, str) or not old.is_secret(key) or new.is_secret(key):
            continue
        replacement = sent.get(key, MASK)
        if key in sent and (
            replacement is None or (isinstance(replacement, str) and replacement not in ("", MASK))
        ):
            continue
        found.append(
            Violation(
                f"/fields/{_index_of(changes.fields, key)}/secret",
                "SECRET_DOWNGRADE",
                "A stored secret cannot become public unless this request replaces or deletes it.",
            )
        )
    return found


def _index_of(fields: list[dict[str, Any]] | Unset | None, key: str) -> int | str:
    if isinstance(fields, list):
        for index, field in enumerate(fields):
            if field.get("id") == key:
                return index
    return "-"
