"""Run validation and the selected rules over one spec, then apply severities and ignores."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path

import oaskit.lint.rules  # noqa: F401  (registers the built-in rules)
from oaskit._collector import collector_paused
from oaskit.config import LintConfig
from oaskit.errors import Finding, Location, SpecInputError
from oaskit.lint._docs import CHECK_DOCS
from oaskit.lint._registry import Rule, registry
from oaskit.spec import bundle_spec, validate_bundle

__all__ = ["CHECKS", "check_config", "lint_spec", "selected_rules"]

# Codes of the checks that always run (they are not rules) and their one-line descriptions;
# `CHECK_DOCS` (`explain`) holds the rest of what is said about them.
CHECKS: dict[str, str] = {doc.name: doc.description for doc in CHECK_DOCS}

_ALL = "ALL"
# `# oaskit: ignore[rule-a, rule-b]`, on the finding's line or on the line above.
_INLINE = re.compile(r"#\s*oaskit:\s*ignore\[([^\]]*)\]")


def check_config(config: LintConfig) -> None:
    """Raise SpecInputError, at the name, when the config names a rule that does not exist."""
    for name, where in config.positions.items():
        if name != _ALL and name not in registry and name not in CHECKS:
            raise SpecInputError(Finding("config-invalid", f"unknown lint rule {name!r}", where))


def selected_rules(config: LintConfig) -> list[Rule]:
    """The rules `config` runs: its selection (or the defaults), minus the ignored ones."""
    chosen = config.select
    names = {r.name for r in registry if r.default} if chosen is None else set(chosen)
    names |= set(config.extend_select)
    everything = _ALL in names
    return [
        each
        for each in registry
        if (everything or each.name in names)
        and each.name not in config.ignore
        and config.severity.get(each.name, each.level) is not None
    ]


def lint_spec(
    path: Path, *, config: LintConfig | None = None, ref_roots: Sequence[Path] = ()
) -> list[Finding]:
    """All findings for the spec rooted at `path`, sorted by place; raises SpecInputError.

    `$ref`s are read only inside `path`'s folder and `ref_roots` (see `bundle_spec`).
    """
    settings = config or LintConfig()
    check_config(settings)
    with collector_paused():
        bundle = bundle_spec(path, ref_roots=ref_roots)
        findings = list(bundle.problems)
        findings.extend(validate_bundle(bundle))
        for each in selected_rules(settings):
            findings.extend(each.run(bundle))
    kept = _Suppressions(settings).apply(findings)
    return sorted(set(kept), key=lambda f: (f.location, f.code, f.message))


class _Suppressions:
    """Severity overrides, `ignore` of checks, per-file ignores and inline ignore comments."""

    def __init__(self, config: LintConfig) -> None:
        self._config = config
        self._lines: dict[Path, list[str]] = {}
        self._per_file: dict[Path, frozenset[str]] = {}
        self._inline_codes: dict[tuple[Path, int], frozenset[str]] = {}

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """`findings` with levels overridden and the suppressed ones left out."""
        kept = []
        for finding in findings:
            level = self._config.severity.get(finding.code, finding.level)
            if level is None or finding.code in self._config.ignore:
                continue
            if finding.code in self._ignored_in(finding.location.file):
                continue
            if self._inline(finding.location, finding.code):
                continue
            kept.append(finding if level is finding.level else replace(finding, level=level))
        return kept

    def _ignored_in(self, file: Path) -> frozenset[str]:
        if file not in self._per_file:
            try:
                shown = file.resolve().relative_to(self._config.root.resolve()).as_posix()
            except ValueError:
                shown = file.as_posix()
            names: set[str] = set()
            for glob, rules in self._config.per_file_ignores:
                # A bare file name matches in any folder, as in ruff's per-file-ignores.
                if fnmatch(shown, glob) or ("/" not in glob and fnmatch(file.name, glob)):
                    names.update(rules)
            self._per_file[file] = frozenset(names)
        return self._per_file[file]

    def _inline(self, location: Location, code: str) -> bool:
        # A finding on a mapping value sits one line below its key, so the line above counts.
        return code in self._codes_at(location.file, location.line) or code in self._codes_at(
            location.file, location.line - 1
        )

    def _codes_at(self, file: Path, line: int) -> frozenset[str]:
        # The loader keeps comments out of the data, so the source line is read again here;
        # once per line: a minified JSON spec is one line of megabytes with every finding on it.
        key = (file, line)
        if key not in self._inline_codes:
            lines = self._source(file)
            text = lines[line - 1] if 1 <= line <= len(lines) else ""
            self._inline_codes[key] = frozenset(_codes(text))
        return self._inline_codes[key]

    def _source(self, file: Path) -> list[str]:
        if file not in self._lines:
            try:
                self._lines[file] = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        return self._lines[file]


def _codes(line: str) -> set[str]:
    if "oaskit" not in line:
        return set()
    return {code.strip() for match in _INLINE.finditer(line) for code in match.group(1).split(",")}
