"""Run validation and every registered rule over one spec."""

from __future__ import annotations

from pathlib import Path

import oaskit.lint.rules  # noqa: F401  (registers the built-in rules)
from oaskit.errors import Finding
from oaskit.lint._registry import registry
from oaskit.spec import bundle_spec, validate_bundle

__all__ = ["lint_spec"]


def lint_spec(path: Path) -> list[Finding]:
    """All findings for the spec rooted at `path`, sorted by place; raises SpecInputError."""
    bundle = bundle_spec(path)
    findings = list(bundle.problems)
    findings.extend(validate_bundle(bundle))
    for each in registry:
        findings.extend(each.run(bundle))
    return sorted(set(findings), key=lambda f: (f.location, f.code, f.message))
