"""`oaskit fuzz`: schemathesis over the hand-written spec against a server or an ASGI app."""

from oaskit.fuzz._errors import FuzzUsageError
from oaskit.fuzz._options import FuzzOptions, known_checks, known_phases
from oaskit.fuzz._report import FuzzFailure, FuzzReport, OperationStats, format_report
from oaskit.fuzz._runner import run_fuzz

__all__ = [
    "FuzzFailure",
    "FuzzOptions",
    "FuzzReport",
    "FuzzUsageError",
    "OperationStats",
    "format_report",
    "known_checks",
    "known_phases",
    "run_fuzz",
]
