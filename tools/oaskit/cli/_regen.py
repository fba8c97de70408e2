"""`oaskit regen`: generate models, clients and server stubs."""

from __future__ import annotations

import argparse
import sys
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
    print_finding,
    ref_roots,
    relative,
)
from oaskit.config import READ_WRITE_MODELS, ApiConfig, find_project, load_config
from oaskit.emit import SyncResult

if TYPE_CHECKING:
    from oaskit.pipeline import RegenJob

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
    from oaskit.pipeline import RegenCache, regen

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
        apis = [(api, args.out)]
        templates: list[Path] = []
        # A spec given by path still reads its `$ref`s where the project around it allows.
        found = find_project(root)
        roots = ref_roots(load_config(found)) if found is not None else ()
    else:
        if args.out is not None or args.package is not None or args.read_write_models:
            raise UsageError("--out, --package and --read-write-models need --spec")
        project = load_project(output)
        root = project.root
        apis = [(api, project.root / api.output_dir) for api in configured_apis(project)]
        templates = [project.root / project.templates] if project.templates else []
        roots = ref_roots(project)
        if not args.no_cache:
            # Stamps of earlier regens let an unchanged API skip generation entirely; a stamp
            # also holds the bytes it wrote, so a hand-edited file is still found by --check.
            cache = RegenCache(project.root / ".cache" / "oaskit" / "regen")
    jobs = [_job(api, out_dir, root=root) for api, out_dir in apis]
    apply = not (args.check or args.dry_run)
    stale = False
    failed = False

    def starting(job: RegenJob) -> None:
        where = relative(job.out_dir, root)
        output.detail(f"regen: {job.name}: generating {where}/ from {job.source}")

    outcomes = regen(
        jobs,
        apply=apply,
        root=root,
        templates=templates,
        ref_roots=roots,
        cache=cache,
        starting=starting,
    )
    for outcome in outcomes:
        job = outcome.job
        where = relative(job.out_dir, root)
        if outcome.skipped:
            output.detail(
                f"regen: {job.name}: skipped, {where}/ is as the last regen left it "
                "(--no-cache regenerates it)"
            )
        elif outcome.format_error is not None:
            print(
                f"oaskit: generated code for {job.name} does not parse: {outcome.format_error}",
                file=sys.stderr,
            )
            failed = True
        elif outcome.sync is None:
            for finding in outcome.findings:
                print_finding(finding, root=root, stream=sys.stderr)
            failed = True
        else:
            stale = stale or outcome.sync.changed
            if not outcome.sync.changed:
                output.detail(f"regen: {job.name}: {where}/ is current")
            _report_sync(outcome.sync, root=root, apply=apply, check=args.check, output=output)
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


def _job(api: ApiConfig, out_dir: Path, *, root: Path) -> RegenJob:
    from oaskit.pipeline import RegenJob

    spec_path = api.spec if api.spec.is_absolute() else root / api.spec
    return RegenJob(
        name=api.name,
        spec_path=spec_path,
        source=relative(spec_path, root),
        package=api.package,
        out_dir=out_dir,
        read_write_models=api.read_write_models,
        validation_status=api.validation_status,
        embed_spec=api.embed_spec,
    )


def _report_sync(
    result: SyncResult, *, root: Path, apply: bool, check: bool, output: Output
) -> None:
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
