"""Client-to-server smoke run over real specs: `python scripts/smoke.py [--subset] [--jobs N]`.

Without `--subset`, the npm sample (tests/smoke/sample.py, fetched once into `.cache/`); with
it, the vendored specs and the feature spec that `make test` runs. Prints (or writes with
`--report`) per-spec pass counts, the overall rate and the failures grouped by cause; exits 1
when under `--min-rate`. `--peer openapi-python-client` runs the same calls through that
generator's clients instead (tests/smoke/peer.py), best effort.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

# Run as a file (`python scripts/smoke.py`), the repository root is not on sys.path.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.smoke.feature_spec import FEATURE_SPEC  # noqa: E402
from tests.smoke.harness import SpecResult  # noqa: E402
from tests.smoke.runner import pass_rate, report, run_many  # noqa: E402
from tests.smoke.sample import fetch_sample  # noqa: E402

SUBSET_SPECS = ROOT / "tests" / "smoke" / "specs"


def main(argv: list[str] | None = None) -> int:
    """The CLI; the exit status is 1 when the pass rate is under `--min-rate`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subset", action="store_true", help="the vendored specs only")
    parser.add_argument("--jobs", type=int, default=4, help="specs run at once (processes)")
    parser.add_argument("--report", type=Path, help="write the Markdown report here")
    parser.add_argument("--json", type=Path, help="write every operation's result as JSON")
    parser.add_argument("--min-rate", type=float, default=0.98, help="exit 1 below this rate")
    parser.add_argument("--only", action="append", default=[], help="spec names to keep")
    parser.add_argument(
        "--peer", choices=["openapi-python-client"], help="measure a peer generator instead"
    )
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="oaskit-smoke-") as folder:
        specs = _specs(options.subset, Path(folder))
        if options.only:
            specs = [(name, path) for name, path in specs if name in options.only]
        started = time.perf_counter()
        if options.peer:
            from tests.smoke.peer import run_peer  # only this stage needs it

            results = run_peer(specs, jobs=options.jobs)
            title = f"{options.peer} smoke"
        else:
            results = run_many(specs, jobs=options.jobs, progress=_progress)
            title = "oaskit smoke"
    text = report(results, title=title)
    text += f"\n\n{len(specs)} specs in {time.perf_counter() - started:.0f} s.\n"
    if options.report:
        options.report.write_text(text, encoding="utf-8")
    else:
        print(text)
    if options.json:
        rows = [
            {
                "spec": op.spec,
                "operation": op.operation,
                "method": op.method,
                "path": op.path,
                "status": op.status,
                "stage": op.stage,
                "reason": op.reason,
            }
            for result in results
            for op in result.operations
        ]
        options.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    rate = pass_rate(results)
    print(f"{rate:.1%} of operations pass", file=sys.stderr)
    return 0 if rate >= options.min_rate else 1


def _specs(subset: bool, folder: Path) -> list[tuple[str, Path]]:
    if subset:
        features = folder / "features.json"
        features.write_text(json.dumps(FEATURE_SPEC), encoding="utf-8")
        vendored = sorted(SUBSET_SPECS.glob("*.json"))
        return [(path.name, path) for path in vendored] + [("features", features)]
    fetched = fetch_sample()
    specs: list[tuple[str, Path]] = []
    for name, where in fetched.items():
        if isinstance(where, Path):
            specs.append((name, where))
        else:
            print(f"skipped {name}: {where}", file=sys.stderr)
    return specs


def _progress(result: SpecResult) -> None:
    print(
        f"{result.spec}: {result.count('pass')}/{len(result.operations)} pass "
        f"({result.seconds:.1f} s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
