"""`oaskit diff`: breaking changes between two versions of a spec, placed on both sides.

Exit codes as every command's: 0 no change at or above `--fail-on` (default `error`), 1 some,
2 usage, configuration or an input that cannot be compared (a revision git does not know, a
spec that does not load).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from oaskit.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    Output,
    UsageError,
    configured_apis,
    load_project,
    ref_roots,
    relative,
    wants_colour,
)
from oaskit.config import DiffConfig, ProjectConfig, find_project, load_config
from oaskit.errors import Level, Location, SpecInputError

if TYPE_CHECKING:
    from oaskit.diff import Input, Opened, Problem, Report
    from oaskit.spec import Bundle

__all__ = ["add_parser", "run"]

_FAIL_ON = {"error": Level.ERROR, "warning": Level.WARNING}
# oaskit.diff.FORMATS, written out: importing oaskit.diff to build the parser would slow down
# every other command.
_FORMATS = ("text", "json", "markdown", "github")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit diff` and its options to `commands`."""
    diff = commands.add_parser(
        "diff",
        help="breaking changes between two versions of a spec",
        description=(
            "Compare BASE with HEAD and report what breaks clients. Each is a spec file, or "
            "REV:path (a git revision and a path from the repository root, e.g. "
            "main:spec/openapi.yaml). With --base REV and no SPEC, every configured API's "
            "spec at REV is compared with the working tree."
        ),
    )
    diff.add_argument(
        "specs",
        nargs="*",
        metavar="SPEC",
        help="BASE and HEAD; or HEAD alone with --base; or none with --base",
    )
    diff.add_argument(
        "--base",
        metavar="REV",
        help="the git revision to compare the working tree's specs against (e.g. origin/main)",
    )
    diff.add_argument(
        "--format",
        choices=_FORMATS,
        default="text",
        help="output format (text: colour on a terminal, or with FORCE_COLOR; never with NO_COLOR)",
    )
    diff.add_argument(
        "--fail-on",
        choices=tuple(_FAIL_ON),
        default=None,
        help="the lowest level that exits 1 (default: [tool.oaskit.diff] fail-on, else error)",
    )
    diff.add_argument(
        "--list-rules",
        action="store_true",
        help="list every rule (id, family, default level, summary) and exit; text or json",
    )
    diff.set_defaults(run=run)


@dataclass(frozen=True, slots=True)
class _Pair:
    """One comparison to run: the inputs as given, and the configured API they are."""

    base: Input
    head: Input
    api: str | None = None
    # The commit `--base` names, verified once for every API.
    commit: str | None = None
    # The base revision holds no spec here: a new API.
    new: bool = False


def run(args: argparse.Namespace) -> int:
    """Run `oaskit diff` as `args` say; the exit code."""
    from oaskit.diff import Report, RevisionError

    if args.list_rules:
        return _list_rules(args)
    output = Output.of(args)
    cwd = Path.cwd()
    report = Report()
    try:
        project = _project(args, output)
        settings = project.diff if project is not None else DiffConfig()
        _check(settings)
        pairs = _pairs(args, project, cwd=cwd)
        report.fail_on = _FAIL_ON[args.fail_on] if args.fail_on else settings.fail_on or Level.ERROR
        for pair in pairs:
            _compare(pair, report, settings=settings, project=project, cwd=cwd, output=output)
    except RevisionError as exc:
        raise UsageError(str(exc)) from None
    except SpecInputError as exc:
        # The configuration: placed like every other unusable input, in every format.
        report.problems.append(_config_problem(exc, cwd=cwd))
    report.changes.sort(key=lambda each: each.sort_key())
    report.ignored.sort(key=lambda item: item[0].sort_key())
    _print(report, args=args, output=output)
    if report.problems:
        return EXIT_USAGE
    return EXIT_FINDINGS if report.failed else EXIT_OK


def _list_rules(args: argparse.Namespace) -> int:
    """`--list-rules`: the catalog, one rule a line (or a JSON array), by family then id."""
    from oaskit.diff._catalog import all_rules

    if args.specs or args.base is not None:
        raise UsageError("--list-rules takes no SPEC and no --base")
    if args.format not in ("text", "json"):
        raise UsageError("--list-rules writes text or json")
    rules = sorted(all_rules(), key=lambda rule: (rule.family, rule.id))
    if args.format == "json":
        listed = [
            {"id": r.id, "family": r.family, "level": r.level.label, "summary": r.summary}
            for r in rules
        ]
        sys.stdout.write(json.dumps(listed, indent=2) + "\n")
        return EXIT_OK
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        print(f"{rule.id:<{width}}  {rule.family:<21}  {rule.level.label:<7}  {rule.summary}")
    return EXIT_OK


def _project(args: argparse.Namespace, output: Output) -> ProjectConfig | None:
    """The project's configuration: required for `--base` alone, else used when there is one."""
    if args.base is not None and not args.specs:
        return load_project(output)
    found = find_project(Path.cwd())
    if found is None:
        return None
    output.detail(f"config: {relative(found / 'pyproject.toml', Path.cwd())}")
    return load_config(found)


def _check(settings: DiffConfig) -> None:
    from oaskit.diff import API_ADDED, check_settings
    from oaskit.diff._catalog import all_rules

    check_settings(settings, (*all_rules(), API_ADDED))


def _pairs(args: argparse.Namespace, project: ProjectConfig | None, *, cwd: Path) -> list[_Pair]:
    from oaskit.diff import Revision, parse_input, repository_path, spec_at, verify_revision

    specs: Sequence[str] = args.specs
    if args.base is None:
        if len(specs) != 2:
            raise UsageError("oaskit diff takes BASE and HEAD, or --base REV; see oaskit diff -h")
        return [_Pair(parse_input(specs[0]), parse_input(specs[1]))]
    if len(specs) > 1:
        raise UsageError("--base REV takes at most one SPEC (the head); BASE is REV:<its path>")
    commit = verify_revision(args.base, cwd=cwd)
    if specs:
        head = parse_input(specs[0])
        if not isinstance(head, Path):
            raise UsageError("with --base REV, SPEC is a file in the working tree")
        _, inside = repository_path(head, cwd=cwd)
        return [_Pair(Revision(args.base, inside), head, commit=commit)]
    assert project is not None  # `_project` loads one for --base alone
    pairs = []
    for api in configured_apis(project):
        head = project.root / api.spec
        _, inside = repository_path(head, cwd=cwd)
        new = spec_at(commit, inside, cwd=cwd) is None
        base = Revision(args.base, inside)
        pairs.append(_Pair(base, head, api=api.name, commit=commit, new=new))
    return pairs


def _compare(
    pair: _Pair,
    report: Report,
    *,
    settings: DiffConfig,
    project: ProjectConfig | None,
    cwd: Path,
    output: Output,
) -> None:
    """Compare one pair into `report`: its changes, ignores, or why it could not be compared."""
    from oaskit._collector import collector_paused
    from oaskit.diff import Compared, Locator, apply_settings, open_input
    from oaskit.diff._compare import compare

    roots = ref_roots(project)
    if pair.new:
        _new_api(pair, report, settings=settings, cwd=cwd)
        return
    with (
        open_input(pair.base, cwd=cwd, ref_roots=roots, commit=pair.commit) as base,
        open_input(pair.head, cwd=cwd, ref_roots=roots) as head,
    ):
        report.compared.append(Compared(base.label, head.label, pair.api))
        output.detail(f"diff: reading {base.label} and {head.label}")
        with collector_paused():
            bundles = [_bundle(opened, report) for opened in (base, head)]
            if bundles[0] is None or bundles[1] is None:
                return
            changes = compare(bundles[0], bundles[1])
        before, after = Locator(base, bundles[0]), Locator(head, bundles[1])
        settled = apply_settings(changes, settings)
        report.changes.extend(before.locate(c, after, api=pair.api) for c in settled.kept)
        report.ignored.extend(
            (before.locate(c, after, api=pair.api), ignore) for c, ignore in settled.ignored
        )


def _new_api(pair: _Pair, report: Report, *, settings: DiffConfig, cwd: Path) -> None:
    """A configured API whose spec the base revision does not hold: one `api-added` change."""
    from oaskit.diff import API_ADDED, Change, Compared, Located, Locator, Opened, apply_settings

    assert isinstance(pair.head, Path)  # `--base` compares with the working tree
    head = Opened.file(pair.head, root=cwd)
    report.compared.append(Compared(str(pair.base), head.label, pair.api))
    message = f"new API {pair.api}: {pair.base} does not exist, so nothing in it can break"
    settled = apply_settings([Change(API_ADDED, message, None, ())], settings)
    place = Locator(head).at(Location(pair.head))
    report.changes.extend(Located(c, None, place, pair.api) for c in settled.kept)
    report.ignored.extend((Located(c, None, place, pair.api), i) for c, i in settled.ignored)


def _bundle(opened: Opened, report: Report) -> Bundle | None:
    """`opened` bundled, or None with why in `report.problems` (an error a diff cannot trust).

    A `$ref` that leads nowhere would read as a removed schema, so broken references make the
    input unusable here rather than a change.
    """
    from oaskit.diff import Locator
    from oaskit.spec import bundle_spec

    locator = Locator(opened)
    try:
        bundle = bundle_spec(opened.spec, ref_roots=opened.ref_roots, hoist="all")
    except SpecInputError as exc:
        report.problems.append(locator.problem(exc.finding))
        return None
    errors = [f for f in bundle.problems if f.level is Level.ERROR]
    report.problems.extend(locator.problem(f) for f in errors)
    return None if errors else bundle


def _config_problem(exc: SpecInputError, *, cwd: Path) -> Problem:
    from oaskit.diff import Locator, Opened

    return Locator(Opened.file(exc.finding.location.file, root=cwd)).problem(exc.finding)


def _print(report: Report, *, args: argparse.Namespace, output: Output) -> None:
    """`report` on stdout in the chosen format; in text, unusable inputs and a summary on stderr."""
    from oaskit.diff import github_findings, problem_lines, render

    if args.format == "github":
        from oaskit.lint import render as render_findings

        # lint's renderer escapes workflow commands as actions/toolkit does; one place does it.
        text = render_findings(github_findings(report), format="github", root=Path.cwd())
        sys.stdout.write(text)
        return
    if args.format == "text":
        sys.stderr.write(problem_lines(report))
    colour = args.format == "text" and wants_colour(sys.stdout)
    sys.stdout.write(render(report, format=args.format, verbose=args.verbose, colour=colour))
    if args.format == "text" and not report.problems:
        output.status(f"diff: {report.headline()}")
