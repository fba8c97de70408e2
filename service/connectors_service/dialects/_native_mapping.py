"""Native models ↔ the domain: requests to Changes, stored connectors to read models."""

from __future__ import annotations

import json
from typing import Any

from pydantic import MISSING, BaseModel

from connectors_service.domain import UNSET, Changes, ConnectorView, Unset
from generated.connectors import models

__all__ = ["changes_from_create", "changes_from_patch", "changes_from_update", "to_connector"]

Body = (
    models.ConnectorCreate
    | models.ConnectorUpdate
    | models.ConnectorPatch
    | models.VendorConnectorCreate
    | models.VendorConnectorUpdate
)


def _value(value: Any) -> Any:
    """MISSING (not sent) becomes UNSET; models become plain JSON values."""
    if value is MISSING:
        return UNSET
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, list):
        return [_value(item) for item in value]
    return value


def _flat(body: models.ConnectorCreate | models.ConnectorUpdate | models.ConnectorPatch) -> Changes:
    return Changes(
        name=_value(body.name),
        description=_value(body.description),
        provider=_value(body.provider),
        type=_value(body.type),
        service_name=_value(body.serviceName),
        icon_url=_value(body.iconUrl),
        fields=_value(body.fields),
        http=_value(body.http),
        data=_value(body.data),
    )


def _vendor_fields(definition: dict[str, models.VendorFieldDefinition]) -> list[dict[str, Any]]:
    # Census-style definitions: the map key is the id unless `id` says otherwise; `float` is
    # `number`; the snake_case members take their native names.
    renames = {
        "user_editable": "userEditable",
        "matches": "pattern",
        "possible_values": "enum",
        "read_more": "readMoreUrl",
        "input_type": "inputType",
    }
    fields = []
    for key, field in definition.items():
        raw = field.model_dump(mode="json", by_alias=True)
        native = {renames.get(name, name): value for name, value in raw.items()}
        native["id"] = native.get("id") or key
        if native.get("type") == "float":
            native["type"] = "number"
        fields.append(native)
    return fields


def _vendor(body: models.VendorConnectorCreate | models.VendorConnectorUpdate) -> Changes:
    connector: Any = body.connector
    configuration = body.configuration
    if connector is MISSING:
        connector_changes = Changes()
    else:
        name = connector.name if connector.name is not MISSING else connector.label
        definition = connector.configuration_definition
        connector_changes = Changes(
            name=_value(name),
            description=_value(connector.description),
            provider=_value(connector.provider),
            type=_value(connector.type),
            service_name=_value(connector.service_name),
            icon_url=_value(connector.icon_url),
            fields=UNSET if definition is MISSING else _vendor_fields(definition),
            http=_value(connector.data),
        )
    data: dict[str, Any] | Unset = UNSET
    if configuration is not MISSING and configuration.configuration_json is not MISSING:
        data = configuration.configuration_json
    return Changes(**{**_asdict(connector_changes), "data": data})


def _asdict(changes: Changes) -> dict[str, Any]:
    return {name: getattr(changes, name) for name in Changes.__slots__}


def changes_from_create(body: models.ConnectorCreateRequest) -> Changes:
    """The changes of a create body, flat or vendor-shaped."""
    root = body.root
    return _flat(root) if isinstance(root, models.ConnectorCreate) else _vendor(root)


def changes_from_update(body: models.ConnectorUpdateRequest) -> Changes:
    """The changes of a PUT body, flat or vendor-shaped."""
    root = body.root
    return _flat(root) if isinstance(root, models.ConnectorUpdate) else _vendor(root)


def changes_from_patch(body: models.ConnectorPatch) -> Changes:
    """A merge patch: members sent replace (arrays and scalars) or clear (null); data merges."""
    changes = _flat(body)
    data = body.data
    return Changes(
        **{**_asdict(changes), "data": UNSET, "data_patch": UNSET if data is MISSING else data}
    )


def to_connector(view: ConnectorView) -> models.Connector:
    """The native read model of a connector view; `data` is never part of it."""
    record = view.record
    payload = {
        "id": record.id,
        "organizationId": record.organization_id,
        "name": record.name,
        "description": record.description,
        "provider": record.provider,
        "type": record.type,
        "serviceName": record.service_name,
        "iconUrl": record.icon_url,
        "fields": view.masked_fields,
        "http": record.http,
        "maskedData": view.masked_data,
        "authMethod": view.auth_method,
        "documentationSlug": view.documentation_slug,
        "creatableViaApi": view.creatable_via_api,
        "creatableViaConnectLink": view.creatable_via_connect_link,
        "version": record.version,
        "createdAt": record.created_at.isoformat(),
        "createdBy": record.created_by,
        "updatedAt": record.updated_at.isoformat(),
        "updatedBy": record.updated_by,
    }
    # Through JSON, so nested members validate exactly as a client would read them.
    return models.Connector.model_validate_json(json.dumps(payload))
