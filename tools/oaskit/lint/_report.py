"""Findings as text (with source snippets), JSON, SARIF 2.1.0 or GitHub workflow commands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from oaskit.errors import Finding, Level

__all__ = ["FORMATS", "RuleInfo", "render"]

FORMATS = ("text", "json", "sarif", "github")

# A rule or check as SARIF describes it: name, one-line description, default level.
RuleInfo = tuple[str, str, Level]

_SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
_GITHUB_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}
_COLOURS = {Level.ERROR: "\033[31m", Level.WARNING: "\033[33m", Level.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def render(
    findings: Sequence[Finding],
    *,
    format: str,
    root: Path,
    rules: Sequence[RuleInfo] = (),
    colour: bool = False,
) -> str:
    """`findings` in `format` (one of FORMATS), paths relative to `root`; ends with a newline."""
    if format == "json":
        return _json(findings, root=root)
    if format == "sarif":
        return _sarif(findings, root=root, rules=rules)
    if format == "github":
        return "".join(_github(finding, root=root) + "\n" for finding in findings)
    return _Text(root=root, colour=colour).render(findings)


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root` (POSIX separators) when it lies below it, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class _Text:
    """`file:line:col CODE message`, then the source line (and the one before) with a caret."""

    def __init__(self, *, root: Path, colour: bool) -> None:
        self._root = root
        self._colour = colour
        self._sources: dict[Path, list[str]] = {}

    def render(self, findings: Sequence[Finding]) -> str:
        blocks = [self._finding(finding) for finding in findings]
        return "".join(block + "\n" for block in blocks)

    def _paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self._colour else text

    def _finding(self, finding: Finding) -> str:
        where = finding.location
        place = f"{relative(where.file, self._root)}:{where.line}:{where.col}"
        paint = _COLOURS[finding.level]
        header = (
            f"{self._paint(_BOLD, place)} {self._paint(_BOLD + paint, finding.code)} "
            f"{finding.message}"
        )
        lines = self._source(where.file)
        if not 1 <= where.line <= len(lines):
            return header + "\n"
        first = max(1, where.line - 1)
        width = len(str(where.line))
        # A minified JSON spec is one line of megabytes: show a window around the column.
        start = (
            max(0, where.col - 1 - _SNIPPET // 3) if len(lines[where.line - 1]) > _SNIPPET else 0
        )
        shown = [
            f"{self._paint(_DIM, f'{n:>{width}} |')} {_clip(lines[n - 1], start)}".rstrip()
            for n in range(first, where.line + 1)
        ]
        # Keep tabs under tabs so the caret lines up however the terminal expands them.
        before = ("…" if start else "") + lines[where.line - 1][start : where.col - 1]
        prefix = "".join("\t" if char == "\t" else " " for char in before)
        caret = self._paint(paint, f"^ {finding.level.label}")
        gutter = self._paint(_DIM, f"{'':>{width}} |")
        return "\n".join([header, *shown, f"{gutter} {prefix}{caret}"]) + "\n"

    def _source(self, file: Path) -> list[str]:
        if file not in self._sources:
            try:
                self._sources[file] = file.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._sources[file] = []
        return self._sources[file]


# The widest stretch of a source line a snippet shows.
_SNIPPET = 160


def _clip(line: str, start: int) -> str:
    """`line` from `start`, at most _SNIPPET characters, with an ellipsis where it is cut."""
    if start == 0 and len(line) <= _SNIPPET:
        return line
    clipped = line[start : start + _SNIPPET]
    return ("…" if start else "") + clipped + ("…" if start + _SNIPPET < len(line) else "")


def _json(findings: Sequence[Finding], *, root: Path) -> str:
    payload = [
        {
            "file": relative(f.location.file, root),
            "line": f.location.line,
            "col": f.location.col,
            "code": f.code,
            "level": f.level.label,
            "message": f.message,
        }
        for f in findings
    ]
    return json.dumps(payload, indent=2) + "\n"


def _version() -> str:
    try:
        return metadata.version("oaskit")
    except metadata.PackageNotFoundError:
        return "0"


def _sarif(findings: Sequence[Finding], *, root: Path, rules: Sequence[RuleInfo]) -> str:
    # SARIF 2.1.0 3.49.3: a result's ruleIndex points into tool.driver.rules, so every code that
    # occurs has an entry there, described ones first.
    known = {name: (description, level) for name, description, level in rules}
    for finding in findings:
        known.setdefault(finding.code, (finding.code, finding.level))
    names = sorted(known)
    position = {name: i for i, name in enumerate(names)}
    results = []
    for finding in findings:
        shown = relative(finding.location.file, root)
        inside = not Path(shown).is_absolute()
        artifact: dict[str, str] = (
            {"uri": quote(shown), "uriBaseId": "%SRCROOT%"}
            if inside
            else {"uri": finding.location.file.resolve().as_uri()}
        )
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": position[finding.code],
                "level": _SARIF_LEVELS[finding.level],
                "message": {"text": finding.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact,
                            "region": {
                                "startLine": finding.location.line,
                                "startColumn": finding.location.col,
                            },
                        }
                    }
                ],
            }
        )
    document = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "oaskit",
                        "version": _version(),
                        "rules": [
                            {
                                "id": name,
                                "shortDescription": {"text": known[name][0]},
                                "defaultConfiguration": {"level": _SARIF_LEVELS[known[name][1]]},
                            }
                            for name in names
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _github(finding: Finding, *, root: Path) -> str:
    # Workflow command escaping (actions/toolkit `command.ts`): data escapes %, CR and LF;
    # property values also `:` and `,`.
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    where = finding.location
    return (
        f"::{_GITHUB_LEVELS[finding.level]} file={prop(relative(where.file, root))},"
        f"line={where.line},col={where.col},title={prop(finding.code)}::{data(finding.message)}"
    )
