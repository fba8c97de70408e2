"""`oaskit bundle`: one self-contained document from a multi-file spec."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from oaskit.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Output,
    UsageError,
    print_finding,
    ref_roots,
    relative,
)
from oaskit.config import find_project, load_config

if TYPE_CHECKING:
    from oaskit.spec import DumpFormat

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit bundle` and its options to `commands`."""
    bundle = commands.add_parser(
        "bundle",
        help="one self-contained document from a spec and the files it references",
        description=(
            "Write SPEC and every file it references as one document: each external $ref "
            "target becomes a component named after it, local $refs stay as written."
        ),
    )
    bundle.add_argument("spec", type=Path, help="the root spec file")
    bundle.add_argument(
        "-o", "--output", type=Path, help="write here instead of to stdout (replaced atomically)"
    )
    bundle.add_argument(
        "--format",
        choices=("json", "yaml"),
        help="output format (default: from the output file's suffix, else the spec's own)",
    )
    bundle.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `oaskit bundle` as `args` say; the exit code."""
    from oaskit.spec import bundle_spec, dump_document

    output = Output.of(args)
    cwd = Path.cwd()
    found = find_project(cwd)
    roots = ref_roots(load_config(found)) if found is not None else ()
    bundle = bundle_spec(args.spec, ref_roots=roots, hoist="all")
    if bundle.problems:
        # A reference that leads nowhere would be copied out broken: nothing is written.
        for finding in bundle.problems:
            print_finding(finding, root=cwd, stream=sys.stderr)
        output.status(f"bundle: {len(bundle.problems)} problem(s); nothing written")
        return EXIT_FINDINGS
    format: DumpFormat = args.format or _format_of(args.output) or _format_of(args.spec) or "yaml"
    text = dump_document(bundle.data, format)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    target = args.output
    if any(_same_file(target, source) for source in bundle.files):
        raise UsageError(f"-o {target} is one of the spec's own files; choose another output")
    _write_atomically(target, text)
    components = bundle.data.get("components") if isinstance(bundle.data, dict) else None
    count = sum(len(v) for v in components.values() if isinstance(v, dict)) if components else 0
    output.status(
        f"bundle: {len(bundle.files)} file(s) into {relative(target, cwd)}, {count} component(s)"
    )
    return EXIT_OK


def _format_of(path: Path | None) -> DumpFormat | None:
    if path is None:
        return None
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _write_atomically(target: Path, text: str) -> None:
    """Write `text` to `target` through a temporary file beside it: a failed write (a full
    disk, an interrupt) leaves the old file whole."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"-o {target}: the folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
