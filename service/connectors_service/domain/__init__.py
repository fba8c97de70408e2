"""The connector domain: rules, secrets and views, shared by every dialect. No IO."""

from connectors_service.domain._changes import (
    MAX_DATA_BYTES,
    UNSET,
    Changes,
    Unset,
    change_connector,
    new_connector,
)
from connectors_service.domain._errors import DomainError, Violation
from connectors_service.domain._http import placeholders
from connectors_service.domain._secrets import MASK, SecretRules, is_secret_name
from connectors_service.domain._testing import TestOutcome, TestStepOutcome, test_connector
from connectors_service.domain._view import ConnectorView, view_of

__all__ = [
    "MASK",
    "MAX_DATA_BYTES",
    "UNSET",
    "Changes",
    "ConnectorView",
    "DomainError",
    "SecretRules",
    "TestOutcome",
    "TestStepOutcome",
    "Unset",
    "Violation",
    "change_connector",
    "is_secret_name",
    "new_connector",
    "placeholders",
    "test_connector",
    "view_of",
]
