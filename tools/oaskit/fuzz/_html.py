"""A `FuzzReport` as one self-contained HTML page: no scripts, no external assets."""

from __future__ import annotations

import html
import re

from oaskit.fuzz._report import FuzzFailure, FuzzReport, OperationStats

# Lone surrogates (from generated strings echoed back) cannot be encoded as UTF-8 at all.
_SURROGATE = re.compile("[\ud800-\udfff]")

_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem;
       color: #1d2125; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d5d9de; }
.verdict { font-weight: 600; padding: .5rem .75rem; border-radius: 4px; display: inline-block; }
.ok { background: #e3f4e8; color: #145a2b; }
.failed { background: #fbe4e4; color: #8a1414; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { color: #5a636c; }
dd { margin: 0; }
table { border-collapse: collapse; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e4e7ea; text-align: right; }
th:first-child, td:first-child { text-align: left; font-family: ui-monospace, monospace; }
td.s2 { color: #145a2b; } td.s4 { color: #7a5300; } td.s5 { color: #8a1414; font-weight: 600; }
td.none { color: #b0b6bc; }
pre { background: #f5f6f7; padding: .6rem .8rem; overflow-x: auto; white-space: pre-wrap;
      word-break: break-all; border-radius: 4px; }
.check { font-family: ui-monospace, monospace; background: #eef0f2; padding: 0 .3rem; }
"""


def format_html(report: FuzzReport, *, title: str) -> str:
    """Render `report` as a complete HTML document headed `title`; every value is escaped."""
    verdict = "passed" if report.ok else "failed"
    sections = [
        f"<h1>{_escape(title)}</h1>",
        f'<p class="verdict {"ok" if report.ok else "failed"}">{verdict}: '
        f"{_count(len(report.failures), 'failure')}, {_count(len(report.errors), 'error')}</p>",
        _summary(report),
        "<h2>Status codes by operation</h2>",
        _table(report.operations),
    ]
    if report.failures:
        sections.append(f"<h2>{_count(len(report.failures), 'failure').capitalize()}</h2>")
        sections.extend(
            _failure(index, failure, seed=report.seed)
            for index, failure in enumerate(report.failures, start=1)
        )
    if report.errors:
        sections.append(f"<h2>{_count(len(report.errors), 'error').capitalize()}</h2>")
        sections.extend(f"<pre>{_escape(error)}</pre>" for error in report.errors)
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing in the page may run or load: a response body quoted in a failure is data.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{_escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _summary(report: FuzzReport) -> str:
    rows = [
        ("seed", str(report.seed) if report.seed is not None else "none"),
        ("cases", str(report.cases)),
        ("operations", str(len(report.operations))),
        ("time", f"{report.elapsed:.1f} s"),
    ]
    if report.stopped_early:
        rows.append(("stopped early", report.stopped_early))
    if report.seed is not None:
        rows.append(("replay", f"oaskit fuzz … --seed {report.seed}"))
    items = "".join(f"<dt>{_escape(key)}</dt><dd>{_escape(value)}</dd>" for key, value in rows)
    return f"<dl>{items}</dl>"


def _table(operations: tuple[OperationStats, ...]) -> str:
    if not operations:
        return "<p>No operations were tested.</p>"
    codes = sorted({code for operation in operations for code in operation.statuses})
    header = "".join(f"<th>{code}</th>" for code in codes)
    rows = []
    for operation in operations:
        cells = []
        for code in codes:
            count = operation.statuses.get(code, 0)
            if count:
                cells.append(f'<td class="s{code // 100}">{count}</td>')
            else:
                cells.append('<td class="none">-</td>')
        rows.append(
            f"<tr><td>{_escape(operation.label)}</td><td>{operation.cases}</td>{''.join(cells)}</tr>"
        )
    return (
        f"<table>\n<thead><tr><th>operation</th><th>cases</th>{header}</tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table>"
    )


def _failure(index: int, failure: FuzzFailure, *, seed: int | None) -> str:
    parts = [
        f"<h3>{index}. {_escape(failure.operation)} "
        f'<span class="check">{_escape(failure.check)}</span> {_escape(failure.title)}</h3>',
        f"<pre>{_escape(failure.message)}</pre>",
    ]
    if failure.curl:
        parts.append(f"<p>Reproduce with:</p>\n<pre>{_escape(failure.curl)}</pre>")
    if seed is not None:
        parts.append(f"<p>Replay the run with <code>--seed {seed}</code>.</p>")
    return "\n".join(parts)


def _escape(text: str) -> str:
    """`text` safe inside an element or a quoted attribute, and encodable as UTF-8."""
    return html.escape(_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
