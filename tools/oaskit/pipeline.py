"""`regen` from spec to files: load → bundle → validate → IR → render → format."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from oaskit.emit import format_tree
from oaskit.errors import Finding, Level
from oaskit.ir import build_api
from oaskit.render import render_api
from oaskit.spec import bundle_spec, validate_bundle

__all__ = ["GenerationError", "generate_package"]


class GenerationError(Exception):
    """The spec has errors, so nothing is generated from it."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__(f"{len(findings)} error(s) in the spec")
        self.findings = tuple(findings)


def generate_package(
    spec_path: Path, *, name: str, package: str, source: str, templates: Sequence[Path] = ()
) -> dict[str, str]:
    """Every file of the package generated from `spec_path`, formatted; raises GenerationError."""
    bundle = bundle_spec(spec_path)
    errors = [f for f in [*bundle.problems, *validate_bundle(bundle)] if f.level is Level.ERROR]
    if errors:
        raise GenerationError(errors)
    api = build_api(bundle.data, name=name, source=source, package=package)
    return format_tree(render_api(api, bundle.data, templates=templates), package=package)
