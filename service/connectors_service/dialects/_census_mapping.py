"""Census models ↔ the domain: request bodies to Changes, connector views to Census reads."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import MISSING, BaseModel

from connectors_service.domain import UNSET, Changes, ConnectorView, DomainError
from generated.census import models
from generated.census.server import ApiError, Problem

__all__ = [
    "census_problems",
    "changes_from_create",
    "changes_from_update",
    "definition_keys",
    "to_census_connector",
]

# Census member names of a field definition → the native ones (DOMAIN.md, FieldDefinition).
_NATIVE_MEMBERS = {
    "user_editable": "userEditable",
    "matches": "pattern",
    "possible_values": "enum",
    "read_more": "readMoreUrl",
    "input_type": "inputType",
}
_CENSUS_MEMBERS = {native: census for census, native in _NATIVE_MEMBERS.items()}
# Census' text input is `textbox`; the native dialect calls it `text`. The others agree.
_NATIVE_INPUTS = {"textbox": "text"}
_CENSUS_INPUTS = {"text": "textbox"}
# Native connector members → where the Census body carries them.
_CENSUS_TOP = {
    "name": "label",
    "iconUrl": "icon_url",
    "serviceName": "service_name",
    "http": "data",
    "fields": "configuration_definition",
    "provider": "service_name",
}


def _json(value: Any) -> Any:
    """A model as plain JSON (members not sent are left out), anything else as it is."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    return value


def _native_field(key: str, definition: models.FieldDefinition) -> dict[str, Any]:
    raw = _json(definition)
    # Census' `null` means "none", which the native definition says by leaving the member out.
    native: dict[str, Any] = {"id": raw.pop("id", None) or key}
    for name, value in raw.items():
        if value is not None:
            native[_NATIVE_MEMBERS.get(name, name)] = value
    if native["type"] == "float":
        native["type"] = "number"
    if "inputType" in native:
        native["inputType"] = _NATIVE_INPUTS.get(native["inputType"], native["inputType"])
    return native


def _fields(definition: Any) -> list[dict[str, Any]] | None:
    """`configuration_definition` as native field definitions, in the order its keys came."""
    if definition is None:
        return None
    return [_native_field(key, field) for key, field in definition.items()]


def definition_keys(
    connector: models.ConnectorCreate | models.ConnectorUpdate,
) -> list[tuple[str, str]]:
    """(key, field id) of each `configuration_definition` entry, in order: to locate problems."""
    definition = connector.configuration_definition
    if not isinstance(definition, dict):
        return []
    return [
        (key, field.id if isinstance(field.id, str) else key) for key, field in definition.items()
    ]


def _changes(connector: models.ConnectorCreate | models.ConnectorUpdate) -> Changes:
    definition: Any = connector.configuration_definition
    http: Any = connector.data
    icon_url: Any = connector.icon_url
    label: Any = connector.label
    return Changes(
        name=UNSET if label is MISSING else label,
        icon_url=UNSET if icon_url is MISSING else icon_url,
        fields=UNSET if definition is MISSING else _fields(definition),
        http=UNSET if http is MISSING else _json(http),
    )


def changes_from_create(body: models.ConnectorCreateRequest) -> Changes:
    """A create: the spec stores it with provider `service_name` and type `destination`."""
    connector = body.connector
    changes = _changes(connector)
    return Changes(
        name=changes.name,
        provider=connector.service_name,
        type="destination",
        service_name=connector.service_name,
        icon_url=changes.icon_url,
        fields=changes.fields,
        http=changes.http,
    )


def changes_from_update(body: models.ConnectorUpdateRequest) -> Changes:
    """An update: each member sent replaces the stored one as a whole; absent ones are kept."""
    return _changes(body.connector)


def _input_type(field: Mapping[str, Any]) -> str:
    # The spec's InputType: when a definition has none, it is derived from the field.
    given = field.get("inputType")
    if isinstance(given, str):
        return _CENSUS_INPUTS.get(given, given)
    if field.get("secret") is True:
        return "password"
    if field.get("type") == "boolean":
        return "checkbox"
    if field.get("enum") is not None:
        return "select"
    if field.get("type") in ("integer", "number"):
        return "number"
    return "textbox"


def _census_field(field: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": field["id"],
        "rules": "required" if field.get("required") is True else None,
        "label": field["label"],
        "type": field["type"],
        "placeholder": field.get("placeholder"),
        "matches": field.get("pattern"),
        "is_password_type_field": field.get("secret") is True,
        "possible_values": field.get("enum"),
        "read_more": field.get("readMoreUrl"),
        "hint": field.get("hint"),
        "input_type": _input_type(field),
    }


def to_census_connector(view: ConnectorView) -> models.Connector:
    """The Census read model of a connector that has a service name; no value is ever in it."""
    record = view.record
    payload = {
        "documentation_slug": view.documentation_slug,
        "label": record.name,
        "service_name": record.service_name,
        "auth_method": view.auth_method,
        "creatable_via_api": view.creatable_via_api,
        "creatable_via_connect_link": view.creatable_via_connect_link,
        "configuration_fields": {"fields": [_census_field(f) for f in record.fields or ()]},
    }
    # Through JSON, so nested members validate exactly as a client would read them.
    return models.Connector.model_validate_json(json.dumps(payload))


def _census_pointer(pointer: str, keys: Sequence[tuple[str, str]]) -> str:
    """A native JSON pointer into the connector, as a pointer into the Census body."""
    parts = pointer.split("/")
    top, rest = (parts[1], parts[2:]) if len(parts) > 1 else ("", [])
    if top == "fields" and rest:
        index = rest[0]
        if index.isdigit() and int(index) < len(keys):
            rest[0] = keys[int(index)][0]
        rest[1:] = [_CENSUS_MEMBERS.get(member, member) for member in rest[1:]]
    elif top == "data" and rest:
        # A value stored through another dialect that the new definitions refuse: Census
        # bodies carry no values, so it is reported at the definition of its field.
        key_of = {field_id: key for key, field_id in keys}
        return "/connector/configuration_definition/" + key_of.get(rest[0], rest[0])
    if top not in _CENSUS_TOP:
        return pointer
    return "/".join(["", "connector", _CENSUS_TOP[top], *rest])


def census_problems(error: DomainError, keys: Sequence[tuple[str, str]] = ()) -> ApiError:
    """A domain refusal as a Census ApiError, its problems located in the Census body."""
    problems = [
        Problem(field=_census_pointer(v.field, keys), code=v.code, message=v.message)
        for v in error.violations
    ]
    return ApiError(
        error.status, error.code, error.message, problems=problems, headers=error.headers
    )
