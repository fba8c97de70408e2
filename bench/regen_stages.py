"""oaskit regen of one spec, stage by stage, in one process: seconds and share of each stage.

`python -m bench.regen_stages SPEC [--package NAME] [--json PATH]` from the repository root.
The stages are those `oaskit.pipeline.generate()` times itself (its `timings`), and then the
write of `oaskit regen --no-cache`, into a temporary folder:

- import: the stage modules, which `generate()` imports when it starts;
- load + bundle: `oaskit.spec.bundle_spec`;
- validate: `oaskit.spec.validate_bundle`, then `unroutable_paths` (regen's own refusal);
- IR: `oaskit.ir.build_api`;
- render: `oaskit.render.render_code`;
- format + compile: `oaskit.emit.format_tree`, with `check_compiles` while ruff runs;
- output scan: the scan of the formatted files for lone surrogates;
- write: `oaskit.emit.sync_tree` into an empty folder, as regen writes its output.

The table goes to stdout; `--json` also writes the figures to a file (bench/regen_bench.py runs
this module in a subprocess and reads them from there). Each figure is one run's; the caller
takes medians over runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["STAGES", "StageTimes", "main", "time_stages"]

ROOT = Path(__file__).resolve().parent.parent
STAGES = (
    "import",
    "load + bundle",
    "validate",
    "IR",
    "render",
    "format + compile",
    "output scan",
    "write",
)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StageTimes:
    """Seconds per stage (in `STAGES` order) of one regen, and how many files it wrote."""

    spec: str
    seconds: dict[str, float]
    files: int

    @property
    def total(self) -> float:
        """The stages' sum."""
        return sum(self.seconds.values())

    def share(self, stage: str) -> float:
        """The stage's fraction of the total."""
        return self.seconds[stage] / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        """The figures as JSON data."""
        return {"spec": self.spec, "seconds": self.seconds, "files": self.files}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StageTimes:
        """The figures from `to_json`'s data."""
        seconds = {stage: float(data["seconds"][stage]) for stage in STAGES}
        return cls(str(data["spec"]), seconds, int(data["files"]))


def time_stages(
    spec: Path, *, package: str | None = None, read_write_models: str = "split"
) -> StageTimes:
    """Regenerate `spec` stage by stage into a temporary folder; seconds per stage.

    `name` and `package` are what `oaskit regen --spec SPEC --out …/PACKAGE` gives
    (`<stem>_api` by default), `source` the spec as regen names it from the working folder.
    Raises `oaskit.pipeline.GenerationError` when the spec is refused, as regen would.
    """
    package = package or _package(spec)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    from oaskit.emit import sync_tree
    from oaskit.pipeline import generate

    source = _relative(spec, Path.cwd())
    # `generate` times its own stages (its `import` lap starts when it is called).
    import_started = time.perf_counter()
    generation = generate(
        spec,
        name=package,
        package=package,
        source=source,
        read_write_models=read_write_models,
        timings=seconds,
    )
    seconds["import"] += import_started - started
    ordered = dict(sorted(generation.files.items()))
    with tempfile.TemporaryDirectory(prefix="regen-stages-") as scratch:
        out_dir = Path(scratch) / package
        written = time.perf_counter()
        sync_tree(out_dir, ordered, apply=True, display_root=Path(scratch))
        seconds["write"] = time.perf_counter() - written
    return StageTimes(spec.name, {stage: seconds[stage] for stage in STAGES}, len(ordered))


def table(times: Sequence[StageTimes]) -> list[str]:
    """Markdown: one row per stage, seconds and share per spec (medians when several runs)."""
    by_spec: dict[str, list[StageTimes]] = {}
    for run in times:
        by_spec.setdefault(run.spec, []).append(run)
    medians = {spec: median_times(runs) for spec, runs in by_spec.items()}
    header = "| stage | " + " | ".join(f"{spec} s | {spec} share" for spec in medians) + " |"
    lines = [header, "| --- |" + " ---: | ---: |" * len(medians)]
    for stage in STAGES:
        cells = " | ".join(
            f"{run.seconds[stage]:.2f} | {run.share(stage):.0%}" for run in medians.values()
        )
        lines.append(f"| {stage} | {cells} |")
    totals = " | ".join(f"**{run.total:.2f}** | 100%" for run in medians.values())
    lines.append(f"| **all stages** | {totals} |")
    return lines


def median_times(runs: Sequence[StageTimes]) -> StageTimes:
    """Each stage's median over `runs` (of one spec)."""
    seconds = {stage: statistics.median(run.seconds[stage] for run in runs) for stage in STAGES}
    return StageTimes(runs[0].spec, seconds, runs[0].files)


def main(argv: Sequence[str] | None = None) -> int:
    """Time the stages of one regen; print the table, and write the figures with `--json`."""
    parser = argparse.ArgumentParser(prog="python -m bench.regen_stages", description=__doc__)
    parser.add_argument("spec", type=Path, help="the spec to regenerate")
    parser.add_argument("--package", help="the package name (default: <spec stem>_api)")
    parser.add_argument(
        "--read-write-models", choices=("split", "shared"), default="split", help="as regen's"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here, as JSON")
    args = parser.parse_args(argv)
    times = time_stages(args.spec, package=args.package, read_write_models=args.read_write_models)
    if args.json is not None:
        args.json.write_text(json.dumps(times.to_json()), encoding="utf-8")
    print(f"{times.spec}: {times.files} files")
    print("\n".join(table([times])))
    return 0


def _package(spec: Path) -> str:
    name = "".join(c if c.isalnum() else "_" for c in spec.stem.lower()).strip("_") or "spec"
    return f"{name}_api" if not name[0].isdigit() else f"api_{name}"


def _relative(path: Path, root: Path) -> str:
    # As oaskit's CLI names the source in the generated files' headers.
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


if __name__ == "__main__":
    sys.exit(main())
