"""A diff report as text (with both sides' source lines), JSON, Markdown, or findings to annotate.

Spec text is hostile (it comes from a pull request): every string taken from a spec or a file
name goes through one escaping function per format: `_printable` for a terminal (control
characters would move the cursor or recolour it), `_markdown` for a PR comment (tables, HTML,
mentions), `json.dumps` for JSON; GitHub workflow commands are escaped by `oaskit.lint`'s
renderer, which the CLI hands `github_findings` to.

The JSON document (`--format json`), stable across releases (fields may be added, none renamed):

    {
      "summary": {"changes": 3, "levels": {"error": 1, "warning": 1, "info": 1},
                  "families": {"parameters": 2, "schemas": 1}, "ignored": 1,
                  "fail_on": "error", "failed": true},
      "compared": [{"api": null, "base": "main:spec/x.yaml", "head": "spec/x.yaml"}],
      "changes": [{"rule": "…", "family": "…", "level": "error", "message": "…",
                   "operations": ["GET /v1/x"], "direction": "request" | "response" | null,
                   "api": null, "base": {"file": "…", "line": 12, "col": 7,
                                         "pointer": "/components/schemas/X" | null} | null,
                   "head": {…} | null}],
      "ignored": [{…as a change…, "reason": "…"}],
      "problems": [{"code": "input-syntax", "message": "…", "file": "…", "line": 1, "col": 1}]
    }

`base`/`head` is null only where that side has no document (a new API's base); a place's
`pointer` (RFC 6901, into that side's bundled document) is what an ignore's `pointer` matches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oaskit.diff._located import Located, Place, Problem
from oaskit.diff._report import Report
from oaskit.errors import Finding, Level, Location
from oaskit.spec import Pointer, format_pointer

__all__ = ["FORMATS", "github_findings", "problem_lines", "render"]

FORMATS = ("text", "json", "markdown", "github")

# The widest stretch of a source line a snippet shows (a minified JSON spec is one line).
SNIPPET_WIDTH = 160
# Operations named in a heading or a cell before `(+N more)`.
SHOWN_OPERATIONS = 3
# Rows per level in Markdown: a GitHub comment holds at most 65,536 characters.
MARKDOWN_ROWS = 100

_COLOURS = {Level.ERROR: "\033[31m", Level.WARNING: "\033[33m", Level.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
# C0 and C1 controls and DEL; tabs are kept in snippets only, so that carets line up.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_OR_TAB = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What gives text a meaning inline: CommonMark's emphasis, code, links and escapes (each can be
# backslash-escaped, 6.1), GFM's `|` (splits a table cell) and `~` (strikethrough), and `$`
# (GitHub renders `$…$` as math). Every line starts with text oaskit writes, so block syntax
# (`#`, `-`, `1.`) never begins one.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~$])")


def render(report: Report, *, format: str, verbose: bool = False, colour: bool = False) -> str:
    """`report` in `format` (text, json or markdown); ends with a newline unless empty.

    `verbose` lists the ignored changes in text and Markdown (JSON always lists them).
    """
    if format == "json":
        return _json(report)
    if format == "markdown":
        return _Markdown(report, verbose=verbose).render()
    return _Text(colour=colour).render(report, verbose=verbose)


def problem_lines(report: Report) -> str:
    """Each unusable input as one `file:line:col code message` line, as every command prints
    one on stderr; control characters shown as escapes."""
    return "".join(
        _printable(f"{problem.place.display} {problem.code} {problem.message}") + "\n"
        for problem in report.problems
    )


def github_findings(report: Report) -> list[Finding]:
    """One finding per change and unusable input, at head (else base) in a checkout's paths.

    GitHub annotates files of the checked-out head commit, so a revision's file is named by its
    path in a checkout; the message names the other side's place.
    """
    findings: list[Finding] = []
    for problem in report.problems:
        findings.append(Finding(problem.code, problem.message, _checkout(problem.place)))
    for each in report.changes:
        at = each.head or each.base
        if at is None:  # pragma: no cover - every change has a place on one side
            continue
        details = [_operations(each)] if each.change.operations else []
        if each.base is not None and each.head is not None:
            details.append(f"base: {each.base.display}")
        message = each.change.message + (f" ({'; '.join(details)})" if details else "")
        findings.append(Finding(each.change.rule.id, message, _checkout(at), each.change.level))
    return findings


def _checkout(place: Place) -> Location:
    return Location(Path(place.checkout), place.line, place.col)


def _operations(each: Located) -> str:
    """The operations a change reaches, the first SHOWN_OPERATIONS of them by name."""
    names = sorted(each.change.operations)
    if len(names) > SHOWN_OPERATIONS:
        return ", ".join(names[:SHOWN_OPERATIONS]) + f" (+{len(names) - SHOWN_OPERATIONS} more)"
    return ", ".join(names)


def _printable(text: str, *, tabs: bool = False) -> str:
    """`text` with control characters shown as escapes, so a terminal only prints it."""
    pattern = _CONTROL if tabs else _CONTROL_OR_TAB
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class _Text:
    """A heading per change, its message, then each side's place and the lines there."""

    def __init__(self, *, colour: bool) -> None:
        self._colour = colour

    def _paint(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self._colour else text

    def render(self, report: Report, *, verbose: bool) -> str:
        blocks = [self._change(each) for each in report.changes]
        if verbose:
            blocks += [self._change(each, reason=ignore.reason) for each, ignore in report.ignored]
        return "\n".join(blocks)

    def _change(self, each: Located, *, reason: str | None = None) -> str:
        change = each.change
        label = "ignored" if reason is not None else change.level.label
        paint = _DIM if reason is not None else _COLOURS[change.level]
        heading = " ".join(
            part
            for part in (
                self._paint(_BOLD + paint, label),
                self._paint(_BOLD, change.rule.id),
                _printable(_operations(each)),
            )
            if part
        )
        lines = [heading, f"  {_printable(change.message)}"]
        if reason is not None:
            lines.append(f"  reason: {_printable(reason)}")
        for side, place in (("base", each.base), ("head", each.head)):
            if place is None:
                lines.append(f"  {side}: (no spec)")
                continue
            lines.append(f"  {side}: {self._paint(_BOLD, _printable(place.display))}")
            lines.extend(self._snippet(place, paint))
        return "\n".join(lines) + "\n"

    def _snippet(self, place: Place, paint: str) -> list[str]:
        if not place.snippet:
            return []
        width = len(str(place.snippet[-1][0]))
        text = place.snippet[-1][1]
        # A long line (minified JSON) is shown from a little before the column.
        start = max(0, place.col - 1 - SNIPPET_WIDTH // 3) if len(text) > SNIPPET_WIDTH else 0
        shown = [
            f"    {self._paint(_DIM, f'{number:>{width}} |')} {_clip(line, start)}".rstrip()
            for number, line in place.snippet
        ]
        # Tabs stay tabs under the caret, so it lines up however the terminal expands them.
        before = ("…" if start else "") + _printable(text[start : place.col - 1], tabs=True)
        prefix = "".join("\t" if char == "\t" else " " for char in before)
        gutter = self._paint(_DIM, f"{'':>{width}} |")
        return [*shown, f"    {gutter} {prefix}{self._paint(paint, '^')}"]


def _clip(line: str, start: int) -> str:
    """`line` from `start`, at most SNIPPET_WIDTH characters, an ellipsis where it is cut."""
    if start == 0 and len(line) <= SNIPPET_WIDTH:
        return _printable(line, tabs=True)
    clipped = _printable(line[start : start + SNIPPET_WIDTH], tabs=True)
    return ("…" if start else "") + clipped + ("…" if start + SNIPPET_WIDTH < len(line) else "")


def _place_json(place: Place | None, pointer: Pointer | None) -> dict[str, Any] | None:
    if place is None:
        return None
    # The pointer is what an ignore's `pointer` matches; null where the side has no such node.
    written = format_pointer(pointer).removeprefix("#") if pointer is not None else None
    return {"file": place.file, "line": place.line, "col": place.col, "pointer": written}


def _change_json(each: Located) -> dict[str, Any]:
    change = each.change
    return {
        "rule": change.rule.id,
        "family": change.rule.family,
        "level": change.level.label,
        "message": change.message,
        "operations": sorted(change.operations),
        "direction": change.direction.value if change.direction is not None else None,
        "api": each.api,
        "base": _place_json(each.base, change.base),
        "head": _place_json(each.head, change.head),
    }


def _problem_json(problem: Problem) -> dict[str, Any]:
    place = problem.place
    return {
        "code": problem.code,
        "message": problem.message,
        "file": place.file,
        "line": place.line,
        "col": place.col,
    }


def _json(report: Report) -> str:
    document = {
        "summary": {
            "changes": len(report.changes),
            "levels": report.levels(),
            "families": report.families(),
            "ignored": len(report.ignored),
            "fail_on": report.fail_on.label,
            "failed": report.failed,
        },
        "compared": [
            {"api": pair.api, "base": pair.base, "head": pair.head} for pair in report.compared
        ],
        "changes": [_change_json(each) for each in report.changes],
        "ignored": [
            {**_change_json(each), "reason": ignore.reason} for each, ignore in report.ignored
        ],
        "problems": [_problem_json(problem) for problem in report.problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _markdown(text: str) -> str:
    """`text` as literal Markdown inline text, safe in a GFM table cell.

    HTML is written as entities (no tag reaches GitHub's sanitiser), inline punctuation is
    backslash-escaped (CommonMark 6.1), line breaks become spaces (a cell is one line), and `@`
    gets a zero-width space after it so a spec cannot mention people or teams.
    """
    text = _CONTROL.sub(" ", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return text.replace("@", "@&#8203;")


_HEADINGS = {Level.ERROR: "Errors", Level.WARNING: "Warnings", Level.INFO: "Info"}


class _Markdown:
    """A PR comment: the counts, then a table per level, ignored changes folded away."""

    def __init__(self, report: Report, *, verbose: bool) -> None:
        self._report = report
        self._verbose = verbose

    def render(self) -> str:
        report = self._report
        if report.problems:
            verdict = "could not compare every input"
        else:
            verdict = "failed" if report.failed else "passed"
        lines = [f"### oaskit diff {verdict}: {report.headline()}", ""]
        for pair in report.compared:
            api = f"{_markdown(pair.api)}: " if pair.api else ""
            lines.append(f"- {api}base {_markdown(pair.base)} → head {_markdown(pair.head)}")
        if report.compared:
            lines.append("")
        if report.problems:
            lines += ["#### Could not compare", ""]
            lines += [
                f"- `{p.code}` at {_markdown(p.place.display)}: {_markdown(p.message)}"
                for p in report.problems
            ]
            lines.append("")
        if not report.changes and not report.problems:
            lines += ["No changes found.", ""]
        for level in sorted(Level, reverse=True):
            rows = [each for each in report.changes if each.change.level is level]
            if rows:
                lines += self._table(f"{_HEADINGS[level]} ({len(rows)})", rows)
        if report.ignored and self._verbose:
            lines += ["<details><summary>Ignored changes</summary>", ""]
            lines += self._table(
                f"Ignored ({len(report.ignored)})",
                [each for each, _ in report.ignored],
                reasons=[ignore.reason for _, ignore in report.ignored],
            )
            lines += ["</details>", ""]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _table(
        self, title: str, rows: Sequence[Located], *, reasons: Sequence[str] | None = None
    ) -> list[str]:
        columns = ["Rule", "Operations", "Change", "Base", "Head"]
        if reasons is not None:
            columns.append("Reason")
        lines = [
            f"#### {title}",
            "",
            "| " + " | ".join(columns) + " |",
            "|" + " --- |" * len(columns),
        ]
        for index, each in enumerate(rows[:MARKDOWN_ROWS]):
            cells = [
                f"`{each.change.rule.id}`",
                _markdown(_operations(each)),
                _markdown(each.change.message),
                _markdown(each.base.display) if each.base else "",
                _markdown(each.head.display) if each.head else "",
            ]
            if reasons is not None:
                cells.append(_markdown(reasons[index]))
            lines.append("| " + " | ".join(cells) + " |")
        if len(rows) > MARKDOWN_ROWS:
            lines += ["", f"…and {len(rows) - MARKDOWN_ROWS} more; `oaskit diff` lists them all."]
        return [*lines, ""]
