"""`oaskit fuzz`: property-test a running implementation with schemathesis."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oaskit.cli._common import EXIT_FINDINGS, EXIT_OK, UsageError

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit fuzz` and its options to `commands`."""
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
    fuzz.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `oaskit fuzz` as `args` say; the exit code."""
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
            raise UsageError(f"--header {item!r} is not NAME:VALUE")
        headers[name.strip()] = value.strip()
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    if not args.spec.is_file():
        raise UsageError(f"{args.spec}: no such file")
    checks = (
        None
        if args.checks == "all"
        else tuple(c.strip() for c in args.checks.split(",") if c.strip())
    )
    for option, target in (("--junit", args.junit), ("--html", args.html)):
        # Refused before the run, not after minutes of fuzzing.
        if target is not None and not target.parent.is_dir():
            raise UsageError(f"{option} {target}: no such folder {target.parent}")
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
        raise UsageError(str(exc)) from None
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
