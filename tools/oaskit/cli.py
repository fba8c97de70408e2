"""The `oaskit` command line; the only place findings become exit codes.

Exit codes: 0 clean, 1 findings (lint errors, stale generated code, fuzz failures),
2 usage or unusable input (with a one-line reason and a position, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from oaskit.config import READ_WRITE_MODELS, ApiConfig, ProjectConfig, find_project, load_config
from oaskit.emit import FormatError, sync_tree
from oaskit.errors import Finding, Level, SpecInputError

__all__ = ["main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    """Bad arguments or configuration: exit 2 with this one-line message."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run `oaskit` with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except SpecInputError as exc:
        _print_finding(exc.finding, root=Path.cwd(), stream=sys.stderr)
        return EXIT_USAGE
    except _UsageError as exc:
        print(f"oaskit: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("oaskit: interrupted", file=sys.stderr)
        return EXIT_USAGE
    return code


def run() -> NoReturn:
    """The console script: `main`, then exit without tearing the heap down object by object.

    Linting or generating from a spec like GitHub's leaves millions of objects; freeing them one
    by one at interpreter exit took 0.6 s of a 3.9 s lint. Output is flushed first, and nothing
    else is pending at this point (no threads, no atexit work oaskit relies on).
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oaskit", description="Spec-first OpenAPI toolkit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lint = commands.add_parser("lint", help="validate specs and enforce the house rules")
    lint.add_argument(
        "specs", nargs="*", type=Path, help="root spec files (default: all configured)"
    )
    lint.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="output format (text: colour only on a terminal without NO_COLOR)",
    )
    lint.set_defaults(run=_run_lint)

    regen = commands.add_parser("regen", help="generate models, clients and server stubs")
    regen.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 with a diff when stale"
    )
    regen.add_argument(
        "--dry-run", action="store_true", help="change nothing; list what would change"
    )
    regen.add_argument(
        "--no-cache", action="store_true", help="regenerate even what the last regen left current"
    )
    regen.add_argument(
        "--spec", type=Path, help="generate from this spec instead of the configured ones"
    )
    regen.add_argument("--out", type=Path, help="output folder (with --spec)")
    regen.add_argument("--package", help="import name of the output package (with --spec)")
    regen.add_argument(
        "--read-write-models",
        choices=READ_WRITE_MODELS,
        help="split: <Name>Request/<Name>Response models for schemas with readOnly/writeOnly "
        "members (the default); shared: one model per schema (with --spec; otherwise the "
        "API's read-write-models setting)",
    )
    regen.set_defaults(run=_run_regen)

    fuzz = commands.add_parser(
        "fuzz", help="property-test a running implementation with schemathesis"
    )
    fuzz.add_argument("--spec", type=Path, required=True, help="root spec file")
    fuzz.add_argument("--url", required=True, help="base URL of the server under test")
    fuzz.add_argument("--token", help="bearer token sent as `Authorization: Bearer …`")
    fuzz.add_argument(
        "--header", action="append", default=[], metavar="NAME:VALUE", help="extra header"
    )
    fuzz.add_argument(
        "--max-examples", type=int, default=25, help="examples per operation and phase"
    )
    fuzz.add_argument("--seed", type=int, help="random seed, to replay a run")
    fuzz.add_argument(
        "--phases", default="examples,coverage,fuzzing,stateful", help="comma-separated"
    )
    fuzz.add_argument("--checks", default="all", help="comma-separated check names, or `all`")
    fuzz.add_argument("--workers", type=int, default=1, help="concurrent workers")
    fuzz.add_argument(
        "--max-time", type=float, metavar="SECONDS", help="stop generating after this long"
    )
    fuzz.add_argument(
        "--rate-limit",
        default="auto",
        metavar="RATE",
        help="`auto` (default): on a 429 wait as its Retry-After says (at most 60 s, 3 retries)"
        " and retry; or N/s, N/m, N/h, N/d to pace requests instead (429s then not retried)",
    )
    fuzz.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="FILTER",
        help="fuzz only matching operations (repeatable): operation-id:ID, path:/a/{b}, tag:T,"
        " or a bare ID",
    )
    fuzz.add_argument(
        "--exclude", action="append", default=[], metavar="FILTER", help="skip matching operations"
    )
    fuzz.add_argument("--junit", type=Path, metavar="PATH", help="also write a JUnit XML report")
    fuzz.add_argument("--html", type=Path, metavar="PATH", help="also write a one-file HTML report")
    fuzz.set_defaults(run=_run_fuzz)
    return parser


def _project() -> ProjectConfig:
    root = find_project(Path.cwd())
    if root is None:
        raise _UsageError("no pyproject.toml with [tool.oaskit] here or above; pass a spec path")
    return load_config(root)


def _configured_apis(project: ProjectConfig) -> tuple[ApiConfig, ...]:
    if not project.apis:
        raise _UsageError("[tool.oaskit] lists no apis")
    return project.apis


def _run_lint(args: argparse.Namespace) -> int:
    from oaskit.config import LintConfig
    from oaskit.lint import CHECKS, lint_spec, render, selected_rules

    root = Path.cwd()
    if args.specs:
        specs = list(args.specs)
        # Explicit specs still follow the project's lint settings, as ruff does.
        found = find_project(root)
        settings = load_config(found).lint if found is not None else LintConfig()
    else:
        project = _project()
        root = project.root
        specs = [project.root / api.spec for api in _configured_apis(project)]
        settings = project.lint
    findings: list[Finding] = []
    for spec in specs:
        findings.extend(lint_spec(spec, config=settings))
    rules = [(name, text, Level.ERROR) for name, text in CHECKS.items()]
    rules += [
        (r.name, r.description, settings.severity.get(r.name) or r.level)
        for r in selected_rules(settings)
    ]
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render(findings, format=args.format, root=root, rules=rules, colour=colour))
    if args.format == "text":
        errors = sum(f.level is Level.ERROR for f in findings)
        print(
            f"lint: {len(specs)} spec(s), {errors} error(s), "
            f"{len(findings) - errors} other finding(s)",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if any(f.level is Level.ERROR for f in findings) else EXIT_OK


def _run_regen(args: argparse.Namespace) -> int:
    from oaskit.pipeline import GenerationError, RegenCache, generate, regen_key

    cache: RegenCache | None = None
    if args.spec is not None:
        if args.out is None:
            raise _UsageError("--spec needs --out")
        root = Path.cwd()
        package = args.package or args.out.name
        if not package.replace(".", "_").isidentifier():
            raise _UsageError(f"--package {package!r} is not a Python import name")
        api = ApiConfig(
            name=args.out.name,
            spec=args.spec,
            package=package,
            read_write_models=args.read_write_models or READ_WRITE_MODELS[0],
        )
        jobs = [(api, args.out)]
        templates: list[Path] = []
    else:
        if args.out is not None or args.package is not None or args.read_write_models:
            raise _UsageError("--out, --package and --read-write-models need --spec")
        project = _project()
        root = project.root
        jobs = [(api, project.root / api.output_dir) for api in _configured_apis(project)]
        templates = [project.root / project.templates] if project.templates else []
        if not args.no_cache:
            # Stamps of earlier regens let an unchanged API skip generation entirely; a stamp
            # also holds the bytes it wrote, so a hand-edited file is still found by --check.
            cache = RegenCache(project.root / ".cache" / "oaskit" / "regen")
    apply = not (args.check or args.dry_run)
    stale = False
    failed = False
    for api, out_dir in jobs:
        spec_path = api.spec if api.spec.is_absolute() else root / api.spec
        source = _relative(spec_path, root)
        key = ""
        if cache is not None:
            key = regen_key(
                name=api.name,
                package=api.package,
                source=source,
                templates=templates,
                read_write_models=api.read_write_models,
            )
            if cache.is_current(out_dir, key=key):
                continue
        try:
            generation = generate(
                spec_path,
                name=api.name,
                package=api.package,
                source=source,
                templates=templates,
                read_write_models=api.read_write_models,
            )
        except GenerationError as exc:
            for finding in exc.findings:
                _print_finding(finding, root=root, stream=sys.stderr)
            failed = True
            continue
        except FormatError as exc:
            print(f"oaskit: generated code for {api.name} does not parse: {exc}", file=sys.stderr)
            failed = True
            continue
        result = sync_tree(out_dir, generation.files, apply=apply, display_root=root)
        stale = stale or result.changed
        if cache is not None and (apply or not result.changed):
            cache.record(out_dir, key=key, generation=generation)
        _report_sync(result, root=root, apply=apply, check=args.check)
    if failed:
        return EXIT_USAGE
    if args.check and stale:
        print(
            "regen: generated code is stale; run `oaskit regen` and commit the result",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    return EXIT_OK


def _report_sync(result: object, *, root: Path, apply: bool, check: bool) -> None:
    from oaskit.emit import SyncResult

    assert isinstance(result, SyncResult)
    if check:
        sys.stdout.write(result.diff)
        return
    verb = ("wrote", "removed") if apply else ("would write", "would remove")
    for path in result.written:
        print(f"{verb[0]} {_relative(path, root)}")
    for path in result.removed:
        print(f"{verb[1]} {_relative(path, root)}")


def _run_fuzz(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from oaskit.fuzz import (
        FuzzOptions,
        FuzzUsageError,
        format_html,
        format_junit,
        format_report,
        parse_operation_filter,
        run_fuzz,
    )

    headers = {}
    for item in args.header:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise _UsageError(f"--header {item!r} is not NAME:VALUE")
        headers[name.strip()] = value.strip()
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    if not args.spec.is_file():
        raise _UsageError(f"{args.spec}: no such file")
    checks = (
        None
        if args.checks == "all"
        else tuple(c.strip() for c in args.checks.split(",") if c.strip())
    )
    for option, target in (("--junit", args.junit), ("--html", args.html)):
        # Refused before the run, not after minutes of fuzzing.
        if target is not None and not target.parent.is_dir():
            raise _UsageError(f"{option} {target}: no such folder {target.parent}")
    try:
        options = FuzzOptions(
            spec_path=args.spec,
            base_url=args.url,
            headers=headers,
            max_examples=args.max_examples,
            seed=args.seed,
            phases=tuple(p.strip() for p in args.phases.split(",") if p.strip()),
            checks=checks,
            workers=args.workers,
            max_time=args.max_time,
            rate_limit=args.rate_limit,
            include=tuple(parse_operation_filter(item) for item in args.include),
            exclude=tuple(parse_operation_filter(item) for item in args.exclude),
        )
        # The live line is for a person watching; CI logs get the report and nothing else.
        report = run_fuzz(options, progress=sys.stderr if sys.stderr.isatty() else None)
    except FuzzUsageError as exc:
        raise _UsageError(str(exc)) from None
    print(format_report(report))
    # A URL may carry `user:password@`; the saved reports name the host only.
    parts = urlsplit(args.url)
    target = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
    name = f"{args.spec.as_posix()} against {target}"
    if args.junit is not None:
        args.junit.write_text(format_junit(report, name=name), encoding="utf-8")
    if args.html is not None:
        args.html.write_text(format_html(report, title=f"oaskit fuzz: {name}"), encoding="utf-8")
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _print_finding(finding: Finding, *, root: Path, stream: TextIO) -> None:
    where = (
        f"{_relative(finding.location.file, root)}:{finding.location.line}:{finding.location.col}"
    )
    print(f"{where} {finding.code} {finding.message}", file=stream)
