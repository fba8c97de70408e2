"""`oaskit fuzz`: property-test a running implementation with schemathesis."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oaskit.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    configured_apis,
    ref_roots,
    relative,
)
from oaskit.config import FuzzConfig, ProjectConfig, find_project, load_config
from oaskit.config._fuzz import expand_headers, expand_parameters
from oaskit.errors import Finding, SpecInputError

if TYPE_CHECKING:
    from oaskit.fuzz import FuzzOptions, FuzzRun, OperationFilter

__all__ = ["add_parser", "run"]

# The command's defaults, as --help shows them. They equal `FuzzOptions`' own (a test keeps them
# so); they are spelled out here because importing `oaskit.fuzz` loads schemathesis, which every
# `oaskit` command would then pay for just to print its help.
DEFAULT_MAX_EXAMPLES = 100
DEFAULT_MODE = "all"
DEFAULT_PHASES = "examples,coverage,fuzzing,stateful"
DEFAULT_CHECKS = "all"
DEFAULT_WORKERS = 1
DEFAULT_RATE_LIMIT = "auto"
# What stands in for a credential on a printed command line; schemathesis' curl commands use it too.
MASK = "***"
# `FuzzOptions` fields that `[tool.oaskit.fuzz]` can set, with the key that sets them.
_CONFIG_KEYS = {
    "checks": "checks",
    "phases": "phases",
    "mode": "mode",
    "max_examples": "max-examples",
    "seed": "seed",
    "workers": "workers",
    "max_time": "max-time",
    "rate_limit": "rate-limit",
    "fresh": "fresh",
    "track_etags": "track-etags",
    "current": "current",
    "check_modules": "check-modules",
    "allow_nul": "allow-nul",
}
# `--parameter team_id=7` or `"${TEAM_ID}"`: text that is an integer as JSON writes one (RFC 8259
# section 6, no leading zero) becomes that integer, which goes on the wire as the same text; an
# integer-typed parameter then still validates as what the spec declares.
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit fuzz` and its options to `commands`."""
    fuzz = commands.add_parser(
        "fuzz",
        help="property-test a running implementation with schemathesis",
        description="Fuzz a running implementation of the spec with schemathesis.",
        epilog="An option not given here is taken from [tool.oaskit.fuzz] in pyproject.toml,"
        " else from the default shown.",
    )
    fuzz.add_argument(
        "--spec",
        type=Path,
        help="root spec file (default: the spec of each [[tool.oaskit.apis]] entry, in turn)",
    )
    fuzz.add_argument(
        "--api",
        metavar="NAME",
        help="fuzz only this entry of [[tool.oaskit.apis]] (default: every entry)",
    )
    fuzz.add_argument(
        "--url", help="base URL of the server under test (default: [tool.oaskit.fuzz] url)"
    )
    fuzz.add_argument(
        "--token", help="bearer token sent as `Authorization: Bearer …` (default: none)"
    )
    fuzz.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="extra header, repeatable; replaces a [tool.oaskit.fuzz.headers] entry of the same"
        " name (default: none)",
    )
    fuzz.add_argument(
        "--max-examples",
        type=int,
        metavar="N",
        help=f"examples per operation, phase and mode (default: {DEFAULT_MAX_EXAMPLES},"
        " as `st run`)",
    )
    fuzz.add_argument(
        "--seed", type=int, help="random seed, to replay a run (default: random, reported)"
    )
    fuzz.add_argument(
        "--mode",
        metavar="MODE",
        help="generate schema-valid data (positive), invalid data (negative) or both (all)"
        f" (default: {DEFAULT_MODE})",
    )
    fuzz.add_argument(
        "--phases", metavar="LIST", help=f"comma-separated (default: {DEFAULT_PHASES})"
    )
    fuzz.add_argument(
        "--checks",
        metavar="LIST",
        help=f"comma-separated check names, or `all` (default: {DEFAULT_CHECKS})",
    )
    fuzz.add_argument(
        "--workers", type=int, metavar="N", help=f"concurrent workers (default: {DEFAULT_WORKERS})"
    )
    fuzz.add_argument(
        "--max-time",
        type=float,
        metavar="SECONDS",
        help="stop generating after this long (default: no limit)",
    )
    fuzz.add_argument(
        "--rate-limit",
        metavar="RATE",
        help="`auto`: on a 429 wait as its Retry-After says (at most 60 s, 3 retries) and retry;"
        " or N/s, N/m, N/h, N/d to pace requests instead (429s then not retried)"
        f" (default: {DEFAULT_RATE_LIMIT})",
    )
    fuzz.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="FILTER",
        help="fuzz only matching operations (repeatable): operation-id:ID, path:/a/{b}, tag:T,"
        " or a bare ID (default: every operation)",
    )
    fuzz.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="FILTER",
        help="skip matching operations (repeatable) (default: none)",
    )
    fuzz.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="send VALUE for every parameter NAME (or LOCATION.NAME, e.g. path.team_id) in every"
        " case, repeatable; replaces a [tool.oaskit.fuzz.parameters] entry (default: none)",
    )
    fuzz.add_argument(
        "--fresh",
        action="append",
        default=[],
        metavar="TARGET",
        help="give header:NAME or body:/json/pointer (optionally OPERATION-ID=TARGET) a value no"
        " other case sent, in every case that carries it; repeatable (default: none)",
    )
    fuzz.add_argument(
        "--current",
        action="append",
        default=[],
        metavar="TARGET",
        help="send body:/request/pointer (optionally OPERATION-ID=TARGET) with the value at"
        " =/response/pointer of the last response for the same URL; repeatable (default: none)",
    )
    fuzz.add_argument(
        "--track-etags",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="send the ETag last seen for a URL as the If-Match of the next request to it"
        " (default: off)",
    )
    fuzz.add_argument(
        "--check-module",
        action="append",
        default=[],
        metavar="MODULE",
        help="import this module of your project and run the schemathesis checks it registers,"
        " repeatable (default: none)",
    )
    fuzz.add_argument(
        "--allow-nul",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="let generated strings hold U+0000, which JSON allows and many stores refuse"
        " (default: on)",
    )
    fuzz.add_argument(
        "--junit", type=Path, metavar="PATH", help="also write a JUnit XML report (default: none)"
    )
    fuzz.add_argument(
        "--html",
        type=Path,
        metavar="PATH",
        help="also write a one-file HTML report (default: none)",
    )
    fuzz.set_defaults(run=run)


@dataclass(frozen=True)
class _Target:
    """One spec to fuzz: its name in reports, its file, and the arguments that select it."""

    name: str
    spec: Path
    shown: str
    selector: tuple[str, ...]


def run(args: argparse.Namespace) -> int:
    """Run `oaskit fuzz` as `args` say; the exit code."""
    from oaskit.fuzz import (
        FuzzRun,
        FuzzUsageError,
        format_html,
        format_junit,
        format_report,
        run_fuzz,
    )

    project = _project(args)
    config = project.fuzz if project is not None else FuzzConfig()
    targets = _targets(args, project)
    url = args.url or config.url
    if url is None:
        raise UsageError("no URL to fuzz: pass --url or set url in [tool.oaskit.fuzz]")
    for flag, path in (("--junit", args.junit), ("--html", args.html)):
        # Refused before the run, not after minutes of fuzzing.
        if path is not None and not path.parent.is_dir():
            raise UsageError(f"{flag} {path}: no such folder {path.parent}")
    headers = _headers(args, config)
    parameters = _parameters(args, config)
    runs: list[FuzzRun] = []
    try:
        roots = ref_roots(project)
        options = [
            dataclasses.replace(
                _options(args, config, spec=target.spec, url=url, headers=headers),
                ref_roots=roots,
                parameters=parameters,
            )
            for target in targets
        ]
        planned = _narrow(targets, options, config=config, args=args)
        for target, planned_options in zip(targets, planned, strict=True):
            if len(targets) > 1:
                print(f"== {target.name}: {target.shown} ==")
            if planned_options is None:
                print("skipped: no selected operation is in this spec\n")
                continue
            # The live line is for a person watching; CI logs get the report and nothing else.
            report = run_fuzz(planned_options, progress=sys.stderr if sys.stderr.isatty() else None)
            print(format_report(report))
            if len(targets) > 1:
                print()
            runs.append(FuzzRun(target.name, report, replay_argv=_replay_argv(args, target)))
    except FuzzUsageError as exc:
        raise UsageError(str(exc)) from None
    failed = [run.name for run in runs if not run.report.ok]
    if len(targets) > 1:
        apis = f"{len(runs)} API" if len(runs) == 1 else f"{len(runs)} APIs"
        print(
            f"fuzz: {len(failed)} of {apis} failed ({', '.join(failed)})"
            if failed
            else f"fuzz: {apis} passed"
        )
    title = f"oaskit fuzz: {', '.join(run.name for run in runs)} against {_masked_url(url)}"
    if args.junit is not None:
        args.junit.write_text(format_junit(runs), encoding="utf-8")
    if args.html is not None:
        page = format_html(runs, title=title, command=_join(_command_line(args)))
        args.html.write_text(page, encoding="utf-8")
    return EXIT_FINDINGS if failed else EXIT_OK


def _project(args: argparse.Namespace) -> ProjectConfig | None:
    """The project around the working directory; needed unless `--spec` names the spec."""
    root = find_project(Path.cwd())
    if root is None:
        if args.spec is None:
            raise UsageError(
                "no --spec given and no pyproject.toml with [tool.oaskit] here or above"
            )
        return None
    return load_config(root)


def _targets(args: argparse.Namespace, project: ProjectConfig | None) -> list[_Target]:
    if args.spec is not None:
        if args.api is not None:
            raise UsageError("--api picks an entry of [[tool.oaskit.apis]]; drop it or --spec")
        if not args.spec.is_file():
            raise UsageError(f"{args.spec}: no such file")
        shown = args.spec.as_posix()
        return [_Target(shown, args.spec, shown, ("--spec", shown))]
    assert project is not None  # `_project` refuses a missing one without --spec
    apis = configured_apis(project)
    if args.api is not None:
        apis = tuple(api for api in apis if api.name == args.api)
        if not apis:
            known = ", ".join(api.name for api in configured_apis(project))
            raise UsageError(f"--api {args.api}: no such entry in [[tool.oaskit.apis]] ({known})")
    targets = []
    for api in apis:
        # Relative to the working directory, as reports show it, when it lies below it.
        shown = relative(project.root / api.spec, Path.cwd())
        spec = Path(shown)
        if not spec.is_file():
            raise UsageError(f"{shown} (the spec of API {api.name}): no such file")
        several = len(configured_apis(project)) > 1
        targets.append(_Target(api.name, spec, shown, ("--api", api.name) if several else ()))
    return targets


def _headers(args: argparse.Namespace, config: FuzzConfig) -> dict[str, str]:
    """`[tool.oaskit.fuzz.headers]`, then `--header`, then `--token`; later ones win by name."""
    given: dict[str, str] = {}
    for item in args.header:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header {item!r} is not NAME:VALUE")
        given[name.strip()] = value.strip()
    if args.token:
        given["Authorization"] = f"Bearer {args.token}"
    replaced = {name.lower() for name in given}
    # A header given on the command line is not expanded from the table, so a variable it names
    # need not be set.
    kept = {name: value for name, value in config.headers.items() if name.lower() not in replaced}
    return {**expand_headers(dataclasses.replace(config, headers=kept), os.environ), **given}


def _parameters(args: argparse.Namespace, config: FuzzConfig) -> dict[str, object]:
    """`[tool.oaskit.fuzz.parameters]`, then `--parameter`; later ones win by key."""
    given: dict[str, object] = {}
    for item in args.parameter:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--parameter {item!r} is not NAME=VALUE")
        given[name.strip()] = value
    # Not expanded from the table when the command line replaces it, as for headers.
    kept = {name: value for name, value in config.parameters.items() if name not in given}
    expanded = expand_parameters(dataclasses.replace(config, parameters=kept), os.environ)
    return {
        name: int(value) if isinstance(value, str) and _INTEGER.fullmatch(value) else value
        for name, value in {**expanded, **given}.items()
    }


def _options(
    args: argparse.Namespace, config: FuzzConfig, *, spec: Path, url: str, headers: dict[str, str]
) -> FuzzOptions:
    from oaskit.fuzz import CurrentTarget, FreshTarget, FuzzOptions, FuzzUsageError

    from_config: set[str] = set()

    def pick(name: str, given: Any, default: Any) -> Any:
        if given is not None:
            return given
        configured = getattr(config, name)
        if configured is not None:
            from_config.add(name)
            return configured
        return default

    checks_text = pick("checks", _split(args.checks), None)
    try:
        fresh = tuple(
            FreshTarget.parse(text) for text in pick("fresh", tuple(args.fresh) or None, ())
        )
        current = tuple(
            CurrentTarget.parse(text) for text in pick("current", tuple(args.current) or None, ())
        )
        return FuzzOptions(
            spec,
            base_url=url,
            headers=headers,
            max_examples=pick("max_examples", args.max_examples, DEFAULT_MAX_EXAMPLES),
            seed=pick("seed", args.seed, None),
            mode=pick("mode", args.mode, DEFAULT_MODE),
            phases=pick("phases", _split(args.phases), _split(DEFAULT_PHASES)),
            checks=None if checks_text in (None, (DEFAULT_CHECKS,)) else checks_text,
            workers=pick("workers", args.workers, DEFAULT_WORKERS),
            max_time=pick("max_time", args.max_time, None),
            rate_limit=pick("rate_limit", args.rate_limit, DEFAULT_RATE_LIMIT),
            include=_filters("include", args.include, config),
            exclude=_filters("exclude", args.exclude, config),
            fresh=fresh,
            track_etags=pick("track_etags", args.track_etags, False),
            current=current,
            check_modules=pick("check_modules", tuple(args.check_module) or None, ()),
            allow_nul=pick("allow_nul", args.allow_nul, True),
        )
    except FuzzUsageError as exc:
        if exc.option not in from_config:
            raise
        key = _CONFIG_KEYS[exc.option]
        value = getattr(config, exc.option)
        index = value.index(exc.value) if isinstance(value, tuple) and exc.value in value else None
        where = config.position(key, index)
        assert where is not None  # a value read from the table has a position
        raise SpecInputError(
            Finding("config-invalid", f"[tool.oaskit.fuzz] {key}: {exc}", where)
        ) from None


def _filters(key: str, given: list[str], config: FuzzConfig) -> tuple[OperationFilter, ...]:
    from oaskit.fuzz import FuzzUsageError, parse_operation_filter

    if given:
        return tuple(parse_operation_filter(text) for text in given)
    configured: tuple[str, ...] = getattr(config, key) or ()
    filters = []
    for index, text in enumerate(configured):
        try:
            filters.append(parse_operation_filter(text))
        except FuzzUsageError as exc:
            where = config.position(key, index)
            assert where is not None  # a value read from the table has a position
            raise SpecInputError(
                Finding("config-invalid", f"[tool.oaskit.fuzz] {key}: {exc}", where)
            ) from None
    return tuple(filters)


def _narrow(
    targets: Sequence[_Target],
    options: list[FuzzOptions],
    *,
    config: FuzzConfig,
    args: argparse.Namespace,
) -> list[FuzzOptions | None]:
    """Each target's options with only the filters that match its spec; None: nothing selected.

    With several APIs an operation filter usually names operations of one of them; it must
    match in some spec, or it is a typo. Every spec is loaded here, before any request is sent,
    so a broken one is refused first, not after the others have been fuzzed. One spec keeps its
    options: `run_fuzz` refuses filters that do not fit it, and only a filter from the table
    is checked here, to be reported at its place.
    """
    from oaskit.fuzz import load_spec, matching_filters, selected_operations

    from_table = [key for key in ("include", "exclude") if not getattr(args, key)]
    if len(targets) == 1 and not any(getattr(config, key) for key in from_table):
        return list(options)
    specs = [
        load_spec(target.spec, ref_roots=option.ref_roots)
        for target, option in zip(targets, options, strict=True)
    ]
    matched: set[OperationFilter] = set()
    for spec, option in zip(specs, options, strict=True):
        matched.update(matching_filters(spec, (*option.include, *option.exclude)))
    names = ", ".join(target.name for target in targets)
    for key in ("include", "exclude"):
        for index, item in enumerate(getattr(options[0], key)):
            if item in matched:
                continue
            if key in from_table:
                where = config.position(key, index)
                assert where is not None  # a value read from the table has a position
                message = f"[tool.oaskit.fuzz] {key}: {item} matches no operation in {names}"
                raise SpecInputError(Finding("config-invalid", message, where))
            raise UsageError(f"--{key} {item} matches no operation in {names}")
    if len(targets) == 1:
        return list(options)
    narrowed: list[FuzzOptions | None] = []
    for spec, option in zip(specs, options, strict=True):
        include = matching_filters(spec, option.include)
        exclude = matching_filters(spec, option.exclude)
        if (option.include and not include) or not selected_operations(
            spec, include=include, exclude=exclude
        ):
            narrowed.append(None)
        else:
            narrowed.append(dataclasses.replace(option, include=include, exclude=exclude))
    return narrowed


def _split(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(item.strip() for item in text.split(",") if item.strip())


def _command_line(args: argparse.Namespace) -> list[str]:
    """The command as given, credentials masked: `--token` and every `--header` value."""
    argv = ["oaskit", "fuzz"]
    if args.spec is not None:
        argv += ["--spec", args.spec.as_posix()]
    if args.api is not None:
        argv += ["--api", args.api]
    return [*argv, *_run_options(args), *_selection(args), *_outputs(args)]


def _replay_argv(args: argparse.Namespace, target: _Target) -> tuple[str, ...]:
    """The command that runs `target` again, minus seed, selection and report paths."""
    return ("oaskit", "fuzz", *target.selector, *_run_options(args))


def _run_options(args: argparse.Namespace) -> list[str]:
    argv = []
    if args.url is not None:
        argv += ["--url", _masked_url(args.url)]
    if args.token:
        argv += ["--token", MASK]
    for item in args.header:
        argv += ["--header", f"{item.partition(':')[0].strip()}: {MASK}"]
    for item in args.parameter:
        argv += ["--parameter", item]
    for item in args.fresh:
        argv += ["--fresh", item]
    for item in args.current:
        argv += ["--current", item]
    if args.track_etags is not None:
        argv.append("--track-etags" if args.track_etags else "--no-track-etags")
    for item in args.check_module:
        argv += ["--check-module", item]
    if args.allow_nul is not None:
        argv.append("--allow-nul" if args.allow_nul else "--no-allow-nul")
    for option, value in (
        ("--max-examples", args.max_examples),
        ("--mode", args.mode),
        ("--phases", args.phases),
        ("--checks", args.checks),
        ("--workers", args.workers),
        ("--max-time", args.max_time),
        ("--rate-limit", args.rate_limit),
    ):
        if value is not None:
            argv += [option, f"{value:g}" if isinstance(value, float) else str(value)]
    return argv


def _selection(args: argparse.Namespace) -> list[str]:
    argv = []
    if args.seed is not None:
        argv += ["--seed", str(args.seed)]
    for option, values in (("--include", args.include), ("--exclude", args.exclude)):
        for value in values:
            argv += [option, value]
    return argv


def _outputs(args: argparse.Namespace) -> list[str]:
    argv = []
    for option, path in (("--junit", args.junit), ("--html", args.html)):
        if path is not None:
            argv += [option, path.as_posix()]
    return argv


def _masked_url(url: str) -> str:
    # A URL may carry `user:password@`; reports and printed commands name the host only.
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=f"{MASK}@{parts.netloc.rpartition('@')[2]}").geturl()


def _join(argv: Sequence[str]) -> str:
    return shlex.join(argv)
