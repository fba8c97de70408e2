"""Breaking-change detection between two versions of an OpenAPI contract."""

from oaskit.diff._formats import FORMATS, github_findings, problem_lines, render
from oaskit.diff._inputs import (
    Input,
    Opened,
    Revision,
    RevisionError,
    open_input,
    parse_input,
    repository_path,
    spec_at,
    verify_revision,
)
from oaskit.diff._located import Located, Locator, Place, Problem
from oaskit.diff._model import Change, Comparison, Direction, Rule, Side
from oaskit.diff._report import API_ADDED, Compared, Report
from oaskit.diff._settings import Settled, apply_settings, check_settings

__all__ = [
    "API_ADDED",
    "FORMATS",
    "Change",
    "Compared",
    "Comparison",
    "Direction",
    "Input",
    "Located",
    "Locator",
    "Opened",
    "Place",
    "Problem",
    "Report",
    "Revision",
    "RevisionError",
    "Rule",
    "Settled",
    "Side",
    "apply_settings",
    "check_settings",
    "github_findings",
    "open_input",
    "parse_input",
    "problem_lines",
    "render",
    "repository_path",
    "spec_at",
    "verify_revision",
]
