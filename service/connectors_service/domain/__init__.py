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
from connectors_service.domain._merge_patch import merge_patch
from connectors_service.domain._patterns import (
    MAX_PATTERN_LENGTH,
    PatternError,
    UserPattern,
    compile_user_pattern,
)
from connectors_service.domain._secrets import (
    MASK,
    RESERVED_MEMBER,
    SecretRules,
    is_secret_name,
    reserved_members,
)
from connectors_service.domain._testing import TestOutcome, TestStepOutcome, test_connector
from connectors_service.domain._view import ConnectorView, view_of

__all__ = [
    "MASK",
    "MAX_DATA_BYTES",
    "MAX_PATTERN_LENGTH",
    "RESERVED_MEMBER",
    "UNSET",
    "Changes",
    "ConnectorView",
    "DomainError",
    "PatternError",
    "SecretRules",
    "TestOutcome",
    "TestStepOutcome",
    "Unset",
    "UserPattern",
    "Violation",
    "change_connector",
    "compile_user_pattern",
    "is_secret_name",
    "merge_patch",
    "new_connector",
    "placeholders",
    "reserved_members",
    "test_connector",
    "view_of",
]
