"""Translation of `FuzzOptions` into a schemathesis configuration, the way `st run` builds one."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from schemathesis.config import (
    ConfigError,
    InferenceAlgorithm,
    OutputConfig,
    SanitizationConfig,
    SchemathesisConfig,
)
from schemathesis.config._checks import (
    NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES,
    POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES,
)
from schemathesis.config._operations import OperationConfig
from schemathesis.generation import GenerationMode

from oaskit.fuzz._checks import foreign_checks
from oaskit.fuzz._errors import FuzzUsageError
from oaskit.fuzz._options import FuzzOptions
from oaskit.fuzz._recorded import REDACTED

# Documented statuses that mean "well formed, but against stored state" (409 is already in
# schemathesis' default): 412, an If-Match naming an older version; 422, a rule a schema cannot
# state. An operation that documents one can refuse schema-valid data with it.
_STATE_RULE_STATUSES = ("412", "422")


def accept_documented_state_rules(config: SchemathesisConfig, spec: Mapping[str, Any]) -> None:
    """Let the data checks accept 412 and 422 where the operation documents them.

    `positive_data_acceptance` accepts both: a schema cannot say "the same provider as stored";
    an API that documents 422 for such rules (DOMAIN.md: 400 breaks the schema, 422 breaks a
    rule of stored state) is not wrong to use it. `negative_data_rejection` accepts 412: a
    server evaluates preconditions before it processes the request content (RFC 9110 13.2.1),
    so a stale If-Match is 412 whatever the body. Operations that document neither keep the
    strict defaults.
    """
    for item in (spec.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, Mapping) else ():
            if not isinstance(operation, Mapping) or "operationId" not in operation:
                continue
            documented = {str(code) for code in operation.get("responses") or {}}
            extra = [code for code in _STATE_RULE_STATUSES if code in documented]
            if not extra:
                continue
            checks: dict[str, Any] = {
                "positive_data_acceptance": {
                    "expected-statuses": [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, *extra]
                }
            }
            if "412" in extra:
                checks["negative_data_rejection"] = {
                    "expected-statuses": [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "412"]
                }
            override = OperationConfig.from_dict(
                {"include-operation-id": str(operation["operationId"]), "checks": checks}
            )
            config.projects.override.operations.operations.append(override)


def build_config(options: FuzzOptions, *, base_url: str) -> SchemathesisConfig:
    """A fresh schemathesis configuration for one run; no `schemathesis.toml` is consulted."""
    # `SchemathesisConfig.discover()` would pick up a stray `schemathesis.toml` from the working
    # directory; the fuzz run must depend on its options and nothing else.
    # schemathesis' own sanitization masks any JSON member whose name holds a marker such as
    # `auth` or `key` (`"author": "***"`), so a curl command no longer reproduces the failure;
    # the report's Redactor masks credentials instead: sensitive headers and the run's secrets.
    config = SchemathesisConfig(
        output=OutputConfig(sanitization=SanitizationConfig(enabled=False, replacement=REDACTED)),
    )
    # schemathesis' `max-time` is whole seconds (an integer in its config schema); round up so a
    # budget is never cut short.
    max_time = math.ceil(options.max_time) if options.max_time is not None else None
    config.update(seed=options.seed, max_failures=None, max_time=max_time)
    # CLI options land in the `override` project, which wins over every other project config
    # (mirrors `schemathesis.cli.commands.run.run`).
    project = config.projects.override
    try:
        project.update(
            base_url=base_url,
            headers=dict(options.headers),
            workers=options.workers,
            rate_limit=options.rate_limit,
            # schemathesis' `[parameters]`: a pinned value replaces the generated one in every
            # phase, and a stateful step's link-derived value too (`engine/run/stateful/
            # _executor.py` applies `overrides.for_operation` before each call).
            parameters=dict(options.parameters),
        )
    except ConfigError as exc:
        raise FuzzUsageError(f"invalid base URL {base_url}: {exc}") from None
    project.phases.update(phases=list(options.phases))
    # schemathesis 4.32.5 crashes the whole run ("ValueError: Invalid IPv6 URL") when a response
    # holds a string like "https://[x": its location-headers inference calls urlsplit unguarded
    # (engine/observations.py, _same_origin_path; no upstream issue found yet). Our specs declare
    # their OpenAPI links, so the stateful phase keeps only dependency analysis.
    project.phases.stateful.inference.algorithms = [InferenceAlgorithm.DEPENDENCY_ANALYSIS]
    project.checks.update(
        included_check_names=list(options.checks) if options.checks is not None else None,
        excluded_check_names=list(
            foreign_checks(options.check_modules, named=options.checks or ())
        ),
    )
    # No example database: the seed alone reproduces a run, not failures replayed from earlier ones.
    project.generation.update(
        # `st run --mode` reads its choice the same way (`cli/validation.py`).
        modes=GenerationMode.from_choice(options.mode),
        max_examples=options.max_examples,
        database="none",
        allow_x00=options.allow_nul,
    )
    return config
