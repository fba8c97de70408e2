"""`oaskit fuzz`: schemathesis over the hand-written spec against a server or an ASGI app."""

from oaskit.fuzz._errors import FuzzUsageError
from oaskit.fuzz._html import format_html
from oaskit.fuzz._junit import format_junit
from oaskit.fuzz._options import FuzzOptions, known_checks, known_phases
from oaskit.fuzz._report import FuzzFailure, FuzzReport, OperationStats, format_report
from oaskit.fuzz._runner import run_fuzz
from oaskit.fuzz._select import OperationFilter, parse_operation_filter

__all__ = [
    "FuzzFailure",
    "FuzzOptions",
    "FuzzReport",
    "FuzzUsageError",
    "OperationFilter",
    "OperationStats",
    "format_html",
    "format_junit",
    "format_report",
    "known_checks",
    "known_phases",
    "parse_operation_filter",
    "run_fuzz",
]
