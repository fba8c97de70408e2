"""`oaskit fuzz`: schemathesis over the hand-written spec against a server or an ASGI app."""

from oaskit.fuzz._errors import FuzzUsageError
from oaskit.fuzz._html import format_html
from oaskit.fuzz._junit import format_junit
from oaskit.fuzz._options import (
    CurrentTarget,
    FreshTarget,
    FuzzOptions,
    known_checks,
    known_modes,
    known_phases,
)
from oaskit.fuzz._report import (
    FuzzFailure,
    FuzzReport,
    FuzzRun,
    OperationStats,
    PhaseOutcome,
    RecordedRequest,
    RecordedResponse,
    ReproductionStep,
    format_report,
)
from oaskit.fuzz._runner import load_spec, run_fuzz
from oaskit.fuzz._select import (
    OperationFilter,
    matching_filters,
    parse_operation_filter,
    selected_operations,
)

__all__ = [
    "CurrentTarget",
    "FreshTarget",
    "FuzzFailure",
    "FuzzOptions",
    "FuzzReport",
    "FuzzRun",
    "FuzzUsageError",
    "OperationFilter",
    "OperationStats",
    "PhaseOutcome",
    "RecordedRequest",
    "RecordedResponse",
    "ReproductionStep",
    "format_html",
    "format_junit",
    "format_report",
    "known_checks",
    "known_modes",
    "known_phases",
    "load_spec",
    "matching_filters",
    "parse_operation_filter",
    "run_fuzz",
    "selected_operations",
]
