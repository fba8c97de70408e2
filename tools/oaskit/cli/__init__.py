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
from typing import Any, NoReturn

from oaskit.cli import _bundle, _diff, _fuzz, _init, _lint, _regen, _rules
from oaskit.cli._common import EXIT_OK, EXIT_USAGE, UsageError, print_finding
from oaskit.errors import Finding, Location, SpecInputError

__all__ = ["main", "run"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run `oaskit` with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.quiet and args.verbose:
            parser.error("-q/--quiet and -v/--verbose cannot be combined")
    except SystemExit as exc:
        # argparse exits on --help, --version and bad arguments; the caller gets a code instead.
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE if exc.code else EXIT_OK
    try:
        code: int = args.run(args)
    except SpecInputError as exc:
        print_finding(exc.finding, root=Path.cwd(), stream=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"oaskit: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("oaskit: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        # The last line of defence: input is hostile (a spec from a pull request), and a
        # traceback is neither a located finding nor an exit code CI can tell from a finding.
        # OASKIT_TRACEBACK=1 lets the exception through, for a bug report.
        if os.environ.get("OASKIT_TRACEBACK"):
            raise
        print_finding(_unexpected(exc, args), root=Path.cwd(), stream=sys.stderr)
        return EXIT_USAGE
    return code


def _unexpected(exc: Exception, args: argparse.Namespace) -> Finding:
    """`exc` as a one-line finding at the input it was working on (the first spec given)."""
    given = getattr(args, "spec", None) or next(iter(getattr(args, "specs", None) or ()), None)
    where = Location(Path(given)) if given else Location(Path("pyproject.toml"))
    if isinstance(exc, RecursionError):
        message = "the input is nested too deeply to process"
        code = "input-too-deep"
    elif isinstance(exc, MemoryError):
        message = "the input needs more memory than there is"
        code = "input-too-large"
    elif isinstance(exc, OSError):
        message = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
        code = "io-error"
    else:
        # Only the exception's type: its text may quote input (a file outside the root).
        message = (
            f"oaskit failed on this input ({type(exc).__name__}); "
            "OASKIT_TRACEBACK=1 shows where, for a bug report"
        )
        code = "internal-error"
    return Finding(code, message, where)


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


class _Version(argparse.Action):
    """`--version`: the installed distribution's version, read only when asked for.

    importlib.metadata takes about 30 ms to import, a cost every other command would pay if the
    version string were built with the parser.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        from importlib import metadata

        try:
            version = metadata.version("oaskit")
        except metadata.PackageNotFoundError:
            version = "unknown (the oaskit distribution is not installed)"
        print(f"oaskit {version}")
        parser.exit()


def _add_verbosity(parser: argparse.ArgumentParser, *, default: Any) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="print findings and errors only"
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="also say what is read, written and skipped",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oaskit", description="Spec-first OpenAPI toolkit.")
    parser.add_argument(
        "-V", "--version", action=_Version, help="print the version of oaskit and exit"
    )
    _add_verbosity(parser, default=False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (_init, _lint, _regen, _bundle, _diff, _fuzz, _rules):
        command.add_parser(commands)
    for subparser in commands.choices.values():
        # Also accepted after the command (`oaskit lint -q`); SUPPRESS keeps the subparser from
        # resetting a `-q` given before it.
        _add_verbosity(subparser, default=argparse.SUPPRESS)
    return parser
