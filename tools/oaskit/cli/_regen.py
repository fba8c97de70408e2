"""`oaskit regen`: generate models, clients and server stubs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from oaskit.cli._common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    Output,
    UsageError,
    configured_apis,
    load_project,
    print_finding,
    ref_roots,
    relative,
)
from oaskit.config import READ_WRITE_MODELS, ApiConfig, find_project, load_config
from oaskit.emit import FormatError, sync_tree

__all__ = ["add_parser", "run"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit regen` and its options to `commands`."""
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
    regen.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `oaskit regen` as `args` say; the exit code."""
    from oaskit.pipeline import GenerationError, RegenCache, generate, regen_key

    output = Output.of(args)
    cache: RegenCache | None = None
    if args.spec is not None:
        if args.out is None:
            raise UsageError("--spec needs --out")
        root = Path.cwd()
        package = args.package or args.out.name
        if not package.replace(".", "_").isidentifier():
            raise UsageError(f"--package {package!r} is not a Python import name")
        api = ApiConfig(
            name=args.out.name,
            spec=args.spec,
            package=package,
            read_write_models=args.read_write_models or READ_WRITE_MODELS[0],
        )
        jobs = [(api, args.out)]
        templates: list[Path] = []
        # A spec given by path still reads its `$ref`s where the project around it allows.
        found = find_project(root)
        roots = ref_roots(load_config(found)) if found is not None else ()
    else:
        if args.out is not None or args.package is not None or args.read_write_models:
            raise UsageError("--out, --package and --read-write-models need --spec")
        project = load_project(output)
        root = project.root
        jobs = [(api, project.root / api.output_dir) for api in configured_apis(project)]
        templates = [project.root / project.templates] if project.templates else []
        roots = ref_roots(project)
        if not args.no_cache:
            # Stamps of earlier regens let an unchanged API skip generation entirely; a stamp
            # also holds the bytes it wrote, so a hand-edited file is still found by --check.
            cache = RegenCache(project.root / ".cache" / "oaskit" / "regen")
    apply = not (args.check or args.dry_run)
    stale = False
    failed = False
    for api, out_dir in jobs:
        spec_path = api.spec if api.spec.is_absolute() else root / api.spec
        source = relative(spec_path, root)
        key = ""
        if cache is not None:
            key = regen_key(
                name=api.name,
                package=api.package,
                source=source,
                templates=templates,
                read_write_models=api.read_write_models,
                validation_status=api.validation_status,
            )
            if cache.is_current(out_dir, key=key):
                output.detail(
                    f"regen: {api.name}: skipped, {relative(out_dir, root)}/ is as the last regen "
                    "left it (--no-cache regenerates it)"
                )
                continue
        output.detail(f"regen: {api.name}: generating {relative(out_dir, root)}/ from {source}")
        try:
            generation = generate(
                spec_path,
                name=api.name,
                package=api.package,
                source=source,
                templates=templates,
                read_write_models=api.read_write_models,
                ref_roots=roots,
                validation_status=api.validation_status,
            )
        except GenerationError as exc:
            for finding in exc.findings:
                print_finding(finding, root=root, stream=sys.stderr)
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
        if not result.changed:
            output.detail(f"regen: {api.name}: {relative(out_dir, root)}/ is current")
        _report_sync(result, root=root, apply=apply, check=args.check, output=output)
    if failed:
        return EXIT_USAGE
    if args.check and stale:
        print(
            "regen: generated code is stale; run `oaskit regen` and commit the result",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if args.check:
        output.status(f"regen: {len(jobs)} API(s) current")
    return EXIT_OK


def _report_sync(result: object, *, root: Path, apply: bool, check: bool, output: Output) -> None:
    from oaskit.emit import SyncResult

    assert isinstance(result, SyncResult)
    if check:
        sys.stdout.write(result.diff)
        return
    lines = [
        *(f"{'wrote' if apply else 'would write'} {relative(p, root)}" for p in result.written),
        *(f"{'removed' if apply else 'would remove'} {relative(p, root)}" for p in result.removed),
    ]
    for line in lines:
        # What a dry run would change is what it was asked for; what a run did is a summary.
        if apply:
            output.status(line, stream=sys.stdout)
        else:
            print(line)
