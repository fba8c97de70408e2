"""Fuzz runs as one self-contained HTML page: no external assets, one inline script.

Everything from a spec or a server (labels, messages, headers, bodies) is hostile input: it
reaches the page only through `_escape`, as element text or a quoted attribute value. The
Content-Security-Policy allows no source but the page's own script, by its hash (CSP Level 3,
section 8.4 "hash-source"), so even markup that slipped through could not run or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from importlib import metadata

from oaskit.fuzz._report import (
    FuzzFailure,
    FuzzReport,
    FuzzRun,
    Headers,
    OperationStats,
    PhaseOutcome,
    RecordedRequest,
    RecordedResponse,
    format_share,
    format_success_warning,
    format_valid_share,
)

# Lone surrogates (from generated strings echoed back) cannot be encoded as UTF-8 at all.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Copy buttons and the filter box; without scripts (or with this one blocked) both stay hidden
# and the page still reads in full.
_SCRIPT = """
document.documentElement.classList.add("js");
function selectText(node) {
  var range = document.createRange();
  range.selectNodeContents(node);
  var selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (!source) return;
  function copied() {
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.textContent).then(copied, function () {
      selectText(source);
    });
  } else {
    selectText(source);
    try { if (document.execCommand("copy")) copied(); } catch (error) {}
  }
});
document.addEventListener("input", function (event) {
  if (event.target.id !== "filter") return;
  var query = event.target.value.trim().toLowerCase();
  document.querySelectorAll("[data-search]").forEach(function (node) {
    node.hidden = query !== "" && node.getAttribute("data-search").indexOf(query) < 0;
  });
});
""".strip()
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
_CSP = (
    f"default-src 'none'; script-src 'sha256-{_SCRIPT_HASH}'; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)

_STYLE = """
:root {
  --bg: #f6f7f9; --surface: #fff; --border: #dde1e6; --subtle: #eef0f3;
  --text: #1b1f24; --muted: #5d6671; --faint: #8b939c;
  --ok: #16794a; --ok-bg: #e3f5eb; --bad: #b42318; --bad-bg: #fdecea;
  --warn: #8a5a00; --warn-bg: #fdf3dc; --info: #1f5fbf; --code-bg: #f3f4f6;
  --mono: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181c; --surface: #1e2126; --border: #353a42; --subtle: #262a30;
    --text: #e7e9ec; --muted: #a3abb5; --faint: #737b85;
    --ok: #4fce8a; --ok-bg: #143323; --bad: #ff7b6e; --bad-bg: #3a1b19;
    --warn: #f0b84c; --warn-bg: #3a2d12; --info: #7fb0ff; --code-bg: #15171b;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 76rem; margin: 0 auto; padding: 1.25rem 1.5rem 3rem; }
a { color: var(--info); }
h1 { font-size: 1.05rem; margin: 0; font-weight: 600; }
h2 { font-size: 1.2rem; margin: 2.25rem 0 .75rem; }
h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
     margin: 1.5rem 0 .5rem; font-weight: 600; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.top { display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap;
       gap: .5rem 1rem; padding-bottom: .9rem; border-bottom: 1px solid var(--border); }
.chip { display: inline-block; font-family: var(--mono); font-size: 11.5px; color: var(--muted);
        border: 1px solid var(--border); border-radius: 999px; padding: 1px 8px;
  margin-left: .35rem;
        background: var(--surface); }
.when { color: var(--muted); font-size: 12.5px; }
.when b { color: var(--text); font-family: var(--mono); font-weight: 500; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: 10px; }
.hero { display: grid; grid-template-columns: 1.4fr 1.6fr repeat(3, 1fr); margin-top: 1.25rem;
        overflow: hidden; }
.hero > div { padding: .9rem 1.1rem; border-left: 1px solid var(--border); }
.hero > div:first-child { border-left: 0; }
.eyebrow { font-size: 10.5px; text-transform: uppercase; letter-spacing: .07em;
  color: var(--faint); }
.big { font-size: 1.6rem; line-height: 1.2; margin: .15rem 0; }
.small { font-size: 12.5px; color: var(--muted); }
.verdict.passed { box-shadow: inset 4px 0 var(--ok); }
.verdict.failed, .verdict.errored { box-shadow: inset 4px 0 var(--bad); }
.verdict .big { font-weight: 700; }
.passed .big { color: var(--ok); } .failed .big, .errored .big { color: var(--bad); }
.bar { display: flex; height: 8px; border-radius: 4px; overflow: hidden;
  background: var(--subtle);
       margin: .4rem 0; }
.bar .ok { background: var(--ok); } .bar .bad { background: var(--bad); }
.top-failures { margin: .25rem 0 0; padding: 0; list-style: none; font-size: 13px; }
.top-failures b { display: inline-block; min-width: 1.6rem; font-family: var(--mono); }
.meta { margin-top: 1rem; padding: .6rem 1.1rem; }
.meta dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem;
  margin: 0;
           align-items: baseline; }
.meta dt { font-size: 10.5px; text-transform: uppercase; letter-spacing: .07em;
  color: var(--faint); }
.meta dd { margin: 0; display: flex; gap: .75rem; justify-content: space-between;
  align-items: baseline;
           min-width: 0; }
.meta dd > :first-child { min-width: 0; overflow-wrap: anywhere; }
.pill { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px;
  font-weight: 600; }
.pill.passed { color: var(--ok); background: var(--ok-bg); }
.pill.failed, .pill.errored, .pill.interrupted { color: var(--bad); background: var(--bad-bg); }
.pill.skipped { color: var(--muted); background: var(--subtle); }
.phases { display: flex; flex-wrap: wrap; gap: .35rem 1.1rem; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 5px;
       background: var(--faint); }
.dot.passed { background: var(--ok);
  } .dot.failed, .dot.errored, .dot.interrupted { background: var(--bad); }
.checks { display: flex; flex-wrap: wrap; gap: .3rem; }
.settings { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; }
.check { font-family: var(--mono); font-size: 12px; background: var(--subtle);
  border-radius: 4px;
         padding: 0 6px; }
.timeline { padding: .9rem 1.1rem .6rem; margin-top: 1rem; }
.lane { display: grid; grid-template-columns: 9rem 1fr; align-items: center; gap: 1rem;
        margin: .3rem 0; }
.track { position: relative; height: 14px; background: var(--subtle); border-radius: 3px; }
.span { position: absolute; top: 0; bottom: 0; border-radius: 3px; background: var(--faint);
        min-width: 3px; }
.span.failed { background: var(--bad); } .span.passed { background: var(--ok); }
.mark { position: absolute; top: 1px; width: 12px; height: 12px; margin-left: -6px;
  background: var(--bad); border: 2px solid var(--surface); transform: rotate(45deg); }
.axis { display: flex; justify-content: space-between; color: var(--faint); font-size: 11px;
        margin-left: 10rem; }
.toolbar { display: none; margin: 1rem 0 .5rem; }
.js .toolbar { display: flex; }
.toolbar input { width: 22rem; max-width: 100%; padding: .4rem .6rem;
  border: 1px solid var(--border);
                 border-radius: 6px; background: var(--surface); color: var(--text);
  font: inherit; }
table { border-collapse: collapse; width: 100%; }
.ops { overflow-x: auto; }
.ops th, .ops td { padding: .4rem .7rem; border-bottom: 1px solid var(--subtle);
  text-align: right;
                   white-space: nowrap; }
.ops th { font-size: 10.5px; text-transform: uppercase; letter-spacing: .06em;
  color: var(--faint);
          font-weight: 600; }
.ops th:first-child, .ops td:first-child { text-align: left; }
.ops th:nth-child(2), .ops td:nth-child(2) { text-align: left; }
.ops tbody tr:last-child td { border-bottom: 0; }
td.s2 { color: var(--ok); } td.s3 { color: var(--info); } td.s4 { color: var(--warn); }
td.s5 { color: var(--bad); font-weight: 700; } td.none { color: var(--faint); }
.method { display: inline-block; min-width: 4.2rem; text-align: center;
  font-family: var(--mono);
          font-size: 11px; font-weight: 700; border: 1px solid var(--border);
  border-radius: 4px;
          padding: 0 4px; margin-right: .5rem; }
.failure { margin: 1rem 0; padding: 1rem 1.1rem; box-shadow: inset 4px 0 var(--bad); }
.failure header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .35rem .7rem; }
.failure header .title { font-size: 1.05rem; font-weight: 650; }
.failure .where { color: var(--muted); font-size: 12.5px; margin-top: .2rem; }
.message { background: var(--code-bg); border-radius: 6px; padding: .6rem .8rem;
  margin-top: .75rem; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-top: .25rem; }
.exchange > div { min-width: 0; }
.line { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.status { font-weight: 700; }
.status.s2 { color: var(--ok); } .status.s4 { color: var(--warn);
  } .status.s5 { color: var(--bad); }
.headers { width: auto; margin-top: .35rem; font-family: var(--mono); font-size: 12px; }
.headers td { padding: 1px .6rem 1px 0; vertical-align: top; overflow-wrap: anywhere; }
.headers td:first-child { color: var(--muted); white-space: nowrap; }
.body { background: var(--code-bg); border-radius: 6px; padding: .5rem .7rem; margin-top: .4rem;
        max-height: 22rem; overflow: auto; }
.empty { color: var(--faint); font-style: italic; font-size: 12.5px; margin-top: .35rem; }
details > summary { cursor: pointer; color: var(--muted); font-size: 12.5px;
  margin-top: .35rem; }
.command { display: flex; gap: .6rem; align-items: flex-start; background: var(--code-bg);
           border-radius: 6px; padding: .5rem .7rem; margin-top: .35rem; }
.command pre { flex: 1; min-width: 0; }
.steps { margin: .35rem 0 0; padding-left: 1.4rem; }
.steps li { margin: .35rem 0; }
.steps li.failed::marker { color: var(--bad); font-weight: 700; }
button.copy { display: none; flex: none; font: 600 10.5px/1 system-ui, sans-serif;
  letter-spacing: .06em;
              text-transform: uppercase; color: var(--muted); background: var(--surface);
              border: 1px solid var(--border); border-radius: 4px; padding: 4px 8px;
  cursor: pointer; }
.js button.copy { display: inline-block; }
button.copy:hover { color: var(--text); border-color: var(--muted); }
.errors pre { background: var(--bad-bg); border-radius: 6px; padding: .6rem .8rem;
  margin: .5rem 0; }
.note { color: var(--muted); font-size: 12.5px; }
.note.warning, td.rare { color: var(--warn); }
footer { margin-top: 2.5rem; color: var(--faint); font-size: 12px;
  border-top: 1px solid var(--border);
         padding-top: .8rem; }
nav.runs { display: flex; flex-wrap: wrap; gap: .4rem 1.75rem; margin-top: 1rem;
  padding: .6rem 1.1rem; }
@media (max-width: 60rem) {
  .hero { grid-template-columns: 1fr 1fr; }
  .hero > div { border-left: 0; border-top: 1px solid var(--border); }
  .exchange { grid-template-columns: 1fr; }
}
"""


def format_html(runs: Sequence[FuzzRun], *, title: str, command: str | None = None) -> str:
    """Render `runs` as one HTML document headed `title`; every value is escaped.

    `command` is the command line that started the runs, credentials already masked.
    """
    reports = [run.report for run in runs]
    started = [report.started_at for report in reports if report.started_at is not None]
    ids = _Ids()
    body = [
        '<header class="top">',
        f"<h1>{_escape(title)}</h1>",
        f'<div class="when">{_versions()}</div>',
        "</header>",
        _hero(reports),
        _overview(command=command, started=min(started) if started else None, ids=ids),
    ]
    if len(runs) > 1:
        links = "".join(
            f'<span><a href="#run{number}">{_escape(run.name)}</a> '
            f"{_pill(_verdict(run.report))}</span>"
            for number, run in enumerate(runs, start=1)
        )
        body.append(f'<nav class="runs card">{links}</nav>')
    body.append(
        '<div class="toolbar"><input id="filter" type="search" '
        'placeholder="Filter operations and failures" aria-label="Filter"></div>'
    )
    for number, run in enumerate(runs, start=1):
        body.append(_run(run, number=number, several=len(runs) > 1, ids=ids))
    body.append(
        "<footer>Generated by oaskit with schemathesis. Credentials and the values of the "
        "headers the run was given are shown as <code>***</code>; put yours back before running a "
        "command.</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{chr(10).join(body)}\n</main>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


class _Ids:
    """Element ids for copy buttons: counters, never text from a spec or a server."""

    def __init__(self) -> None:
        self._next = 0

    def new(self) -> str:
        self._next += 1
        return f"c{self._next}"


def _versions() -> str:
    return (
        f'<span class="chip">oaskit {_escape(_version("oaskit"))}</span>'
        f'<span class="chip">schemathesis {_escape(_version("schemathesis"))}</span>'
    )


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def _verdict(report: FuzzReport) -> str:
    if report.failures:
        return "failed"
    return "errored" if report.errors else "passed"


def _hero(reports: Sequence[FuzzReport]) -> str:
    failures = [failure for report in reports for failure in report.failures]
    errors = sum(len(report.errors) for report in reports)
    operations = [operation for report in reports for operation in report.operations]
    failed_labels = {
        (index, failure.operation)
        for index, report in enumerate(reports)
        for failure in report.failures
    }
    failed = sum(
        1
        for index, report in enumerate(reports)
        for operation in report.operations
        if (index, operation.label) in failed_labels
    )
    passed = len(operations) - failed
    verdict = "failed" if failures else "errored" if errors else "passed"
    summary = (
        f"{failed} of {_count(len(operations), 'tested operation')} failed"
        if failures
        else f"{_count(errors, 'error')}"
        if errors
        else "1 operation passed"
        if len(operations) == 1
        else f"all {len(operations)} operations passed"
    )
    width = 100 * failed / len(operations) if operations else 0.0
    bar = (
        f'<div class="bar"><span class="bad" style="width:{width:.1f}%"></span>'
        f'<span class="ok" style="width:{100 - width:.1f}%"></span></div>'
    )
    titles = Counter(failure.title for failure in failures)
    top = (
        '<ul class="top-failures">'
        + "".join(
            f"<li><b>{count}</b>{_escape(title)}</li>" for title, count in titles.most_common(4)
        )
        + "</ul>"
        if titles
        else '<p class="small">None</p>'
    )
    cases = sum(report.cases for report in reports)
    phases_run = {
        phase.name for report in reports for phase in report.phases if phase.status != "skipped"
    }
    elapsed = sum(report.elapsed for report in reports)
    stopped = [report.stopped_early for report in reports if report.stopped_early]
    return (
        '<section class="hero card">'
        f'<div class="verdict {verdict}"><div class="big">{verdict.capitalize()}</div>{bar}'
        f'<div class="small">{_escape(summary)}</div></div>'
        f'<div><div class="eyebrow">Top failures</div>{top}</div>'
        f'<div><div class="eyebrow">Cases run</div><div class="big">{cases}</div>'
        f'<div class="small">across {_count(len(phases_run), "phase")}</div></div>'
        f'<div><div class="eyebrow">Operations</div><div class="big">{len(operations)}</div>'
        f'<div class="small">{failed} failed, {passed} passed</div></div>'
        f'<div><div class="eyebrow">Duration</div><div class="big">{_seconds(elapsed)}</div>'
        f'<div class="small">{_escape(stopped[0]) if stopped else "ran to completion"}</div></div>'
        "</section>"
    )


def _overview(*, command: str | None, started: datetime | None, ids: _Ids) -> str:
    rows: list[tuple[str, str, str | None]] = []
    if started is not None:
        rows.append(("Started", _escape(started.strftime("%Y-%m-%d %H:%M:%S UTC")), None))
    if command:
        rows.append(("Command", f"<code>{_escape(command)}</code>", command))
    return _meta(rows, ids=ids)


def _meta(rows: Sequence[tuple[str, str, str | None]], *, ids: _Ids) -> str:
    """A card of name/value rows; a row with copy text gets a copy button."""
    items = "".join(
        f"<dt>{_escape(name)}</dt><dd><span>{value}</span>"
        f"{_copy_from(text, ids) if text else ''}</dd>"
        for name, value, text in rows
    )
    return f'<section class="meta card"><dl>{items}</dl></section>'


def _copy_from(text: str, ids: _Ids) -> str:
    # The text sits in a hidden element of its own, so the button copies it exactly.
    target = ids.new()
    return (
        f'<span id="{target}" hidden>{_escape(text)}</span>'
        f'<button class="copy" type="button" data-copy="{target}">Copy</button>'
    )


def _run(run: FuzzRun, *, number: int, several: bool, ids: _Ids) -> str:
    report = run.report
    parts = [f'<section class="run" id="run{number}">']
    heading = _escape(run.name)
    if several:
        parts.append(f"<h2>{heading} {_pill(_verdict(report))}</h2>")
    else:
        parts.append(f"<h2>{heading}</h2>")
    parts.append(_run_meta(run, ids=ids))
    if report.phases:
        parts.append(_timeline(report))
    parts.append("<h3>Status codes by operation</h3>")
    parts.append(_table(report, number=number))
    if report.rarely_succeeding:
        warning = format_success_warning(report.rarely_succeeding)
        parts.append(f'<pre class="note warning">{_escape(warning)}</pre>')
    if report.failures:
        parts.append(f"<h3>{_count(len(report.failures), 'failure')}</h3>")
        parts.extend(
            _failure(run, failure, anchor=f"run{number}-f{index}", index=index, ids=ids)
            for index, failure in enumerate(report.failures, start=1)
        )
    if report.errors:
        parts.append(f"<h3>{_count(len(report.errors), 'error')}</h3>")
        parts.append(
            '<div class="errors">'
            + "".join(f"<pre>{_escape(error)}</pre>" for error in report.errors)
            + "</div>"
        )
    if report.withheld:
        parts.append(f"<h3>{_count(len(report.withheld), 'item')} not fetched</h3>")
        parts.append(
            "<p>Requests go only to the URL under test; the spec names these elsewhere.</p><ul>"
            + "".join(f"<li><code>{_escape(item)}</code></li>" for item in report.withheld)
            + "</ul>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _run_meta(run: FuzzRun, *, ids: _Ids) -> str:
    report = run.report
    rows: list[tuple[str, str, str | None]] = []
    if report.spec:
        rows.append(("Spec", f"<code>{_escape(report.spec)}</code>", None))
    if report.base_url:
        rows.append(("Base URL", f"<code>{_escape(report.base_url)}</code>", None))
    if report.seed is not None:
        rows.append(("Seed", f"<code>{report.seed}</code>", None))
    if report.phases:
        phases = "".join(
            f'<span><span class="dot {phase.status}"></span>{_escape(phase.name.capitalize())} '
            f"{_pill(phase.status)}{_phase_detail(phase)}</span>"
            for phase in report.phases
        )
        rows.append(("Phases", f'<span class="phases">{phases}</span>', None))
    if report.checks:
        checks = "".join(f'<span class="check">{_escape(name)}</span>' for name in report.checks)
        rows.append(("Checks", f'<span class="checks">{checks}</span>', None))
    if report.settings:
        settings = "".join(
            f'<span><span class="small">{_escape(name)}</span> <code>{_escape(value)}</code></span>'
            for name, value in report.settings
        )
        rows.append(("Settings", f'<span class="settings">{settings}</span>', None))
    replay = run.replay()
    if replay is not None:
        rows.append(("Replay", f"<code>{_escape(replay)}</code>", replay))
    return _meta(rows, ids=ids)


def _phase_detail(phase: PhaseOutcome) -> str:
    if phase.status == "skipped":
        return f' <span class="small">{_escape(phase.note or "")}</span>' if phase.note else ""
    found = f", {_count(phase.failures, 'failure')} found" if phase.failures else ""
    detail = f"{_count(phase.cases, 'case')}, {_seconds(phase.elapsed)}{found}"
    return f' <span class="small">{detail}</span>'


def _timeline(report: FuzzReport) -> str:
    ran = [phase for phase in report.phases if phase.status != "skipped"]
    total = max(
        [report.elapsed, *(phase.started_after + phase.elapsed for phase in ran)], default=0.0
    )
    if not ran or total <= 0:
        return ""

    def percent(seconds: float) -> float:
        return max(0.0, min(100.0, 100 * seconds / total))

    lanes = []
    marks = "".join(
        f'<span class="mark" style="left:{percent(failure.found_after):.2f}%" '
        f'title="{_escape(_seconds(failure.found_after))}: {_escape(failure.title)}"></span>'
        for failure in report.failures
        if failure.found_after is not None
    )
    lanes.append(
        '<div class="lane"><div><div>Failures found</div>'
        f'<div class="small">{len(report.failures)} total</div></div>'
        f'<div class="track">{marks}</div></div>'
    )
    for phase in ran:
        left = percent(phase.started_after)
        width = max(percent(phase.started_after + phase.elapsed) - left, 0.0)
        lanes.append(
            f'<div class="lane"><div><div>{_escape(phase.name.capitalize())}</div>'
            f'<div class="small">{_seconds(phase.elapsed)}</div></div>'
            f'<div class="track"><span class="span {phase.status}" '
            f'style="left:{left:.2f}%;width:{width:.2f}%"></span></div></div>'
        )
    axis = "".join(f"<span>{_seconds(total * step / 4)}</span>" for step in range(5))
    return (
        '<section class="timeline card"><div class="eyebrow">Timeline</div>'
        + "".join(lanes)
        + f'<div class="axis">{axis}</div></section>'
    )


def _table(report: FuzzReport, *, number: int) -> str:
    operations = report.operations
    if not operations:
        return '<p class="note">No operations were tested.</p>'
    codes = sorted({code for operation in operations for code in operation.statuses})
    header = "".join(f"<th>{code}</th>" for code in codes)
    failures_by_label: dict[str, list[int]] = {}
    for index, failure in enumerate(report.failures, start=1):
        failures_by_label.setdefault(failure.operation, []).append(index)
    rows = [_row(operation, codes, failures_by_label, number=number) for operation in operations]
    return (
        '<div class="ops card"><table>\n'
        "<thead><tr><th>Operation</th><th>Result</th><th>Cases</th><th>2xx</th>"
        f"<th>Valid</th><th>Valid 2xx</th>{header}"
        "<th>Failures</th></tr></thead>\n"
        f"<tbody>\n{chr(10).join(rows)}\n</tbody>\n</table></div>"
    )


def _row(
    operation: OperationStats,
    codes: list[int],
    failures_by_label: dict[str, list[int]],
    *,
    number: int,
) -> str:
    cells = []
    for code in codes:
        count = operation.statuses.get(code, 0)
        if count:
            cells.append(f'<td class="s{code // 100}">{count}</td>')
        else:
            cells.append('<td class="none">-</td>')
    found = failures_by_label.get(operation.label, [])
    result = "failed" if found else "passed" if operation.cases else "skipped"
    links = " ".join(f'<a href="#run{number}-f{index}">#{index}</a>' for index in found) or "-"
    share_class = ' class="rare"' if operation.success_rarely_reached else ""
    return (
        f'<tr data-search="{_escape(_search(operation.label, operation.operation_id))}">'
        f"<td>{_label(operation.label)}</td><td>{_pill(result)}</td><td>{operation.cases}</td>"
        f"<td{share_class}>{_escape(format_share(operation))}</td>"
        f"<td>{operation.valid_cases}</td><td>{_escape(format_valid_share(operation))}</td>"
        f"{''.join(cells)}<td>{links}</td></tr>"
    )


def _failure(run: FuzzRun, failure: FuzzFailure, *, anchor: str, index: int, ids: _Ids) -> str:
    where = [f'check <span class="check">{_escape(failure.check)}</span>']
    if failure.code:
        where.append(f"<code>{_escape(failure.code)}</code>")
    if failure.operation_ids:
        where.append(f"operation id <code>{_escape(failure.operation_ids[0])}</code>")
    if failure.phase:
        found = f" after {_seconds(failure.found_after)}" if failure.found_after is not None else ""
        where.append(f"found in the {_escape(failure.phase)} phase{found}")
    search = _search(failure.operation, failure.check, failure.title, *failure.operation_ids)
    parts = [
        f'<article class="failure card" id="{anchor}" data-search="{_escape(search)}">',
        f'<header><span class="small">#{index}</span>{_label(failure.operation)}'
        f'<span class="title">{_escape(failure.title)}</span></header>',
        f'<div class="where">{" · ".join(where)}</div>',
    ]
    if failure.message:
        parts.append(f'<pre class="message">{_escape(failure.message)}</pre>')
    if failure.request is not None or failure.response is not None:
        parts.append('<div class="exchange">')
        parts.append(_request(failure.request))
        parts.append(_response(failure.response))
        parts.append("</div>")
    # Every failure carries its own request as a step; a chain is worth listing from two on.
    # The curl block below holds every step's command, to copy at once.
    if len(failure.steps) > 1:
        steps = "".join(
            f'<li class="{"failed" if step.failed else ""}"><span class="line">'
            f"{_escape(step.method)} {_escape(step.path)}</span>"
            f"{' <b>checked</b>' if step.failed else ''}</li>"
            for step in failure.steps
        )
        parts.append(f'<h3>Steps of the stateful scenario</h3><ol class="steps">{steps}</ol>')
    if failure.curl:
        parts.append("<h3>Reproduce with curl</h3>")
        parts.append(_command(failure.curl, ids))
    replay = run.replay(failure)
    if replay is not None:
        parts.append("<h3>Replay with oaskit</h3>")
        parts.append(_command(replay, ids))
    parts.append("</article>")
    return "\n".join(parts)


def _request(request: RecordedRequest | None) -> str:
    if request is None:
        return '<div><h3>Request</h3><p class="empty">Not recorded</p></div>'
    return (
        "<div><h3>Request</h3>"
        f'<div class="line"><b>{_escape(request.method)}</b> {_escape(request.url)}</div>'
        f"{_headers(request.headers)}{_body(request.body)}</div>"
    )


def _response(response: RecordedResponse | None) -> str:
    if response is None:
        return '<div><h3>Response</h3><p class="empty">No response</p></div>'
    return (
        "<div><h3>Response</h3>"
        f'<div class="line"><span class="status s{response.status // 100}">'
        f"{response.status}</span> "
        f"{_escape(response.reason)} "
        f'<span class="small">in {response.elapsed * 1000:.0f} ms</span></div>'
        f"{_headers(response.headers)}{_body(response.body)}</div>"
    )


def _headers(headers: Headers) -> str:
    if not headers:
        return '<p class="empty">No headers</p>'
    rows = "".join(
        f"<tr><td>{_escape(name)}</td><td>{_escape(value)}</td></tr>" for name, value in headers
    )
    return (
        f"<details open><summary>{_count(len(headers), 'header')}</summary>"
        f'<table class="headers">{rows}</table></details>'
    )


def _body(body: str | None) -> str:
    if body is None:
        return '<p class="empty">No body</p>'
    return f'<pre class="body">{_escape(body)}</pre>'


def _command(text: str, ids: _Ids) -> str:
    target = ids.new()
    return (
        f'<div class="command"><pre id="{target}">{_escape(text)}</pre>'
        f'<button class="copy" type="button" data-copy="{target}">Copy</button></div>'
    )


def _label(label: str) -> str:
    method, _, path = label.partition(" ")
    if path and method.isupper():
        return f'<span class="method">{_escape(method)}</span><code>{_escape(path)}</code>'
    return f"<code>{_escape(label)}</code>"


def _pill(status: str) -> str:
    return f'<span class="pill {_escape(status)}">{_escape(status)}</span>'


def _search(*texts: str | None) -> str:
    return " ".join(text for text in texts if text).lower()


def _seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes:.0f} min {rest:.0f} s"


def _escape(text: str) -> str:
    """`text` safe inside an element or a quoted attribute, and encodable as UTF-8."""
    return html.escape(_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
