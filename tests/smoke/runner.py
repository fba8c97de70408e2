"""Many specs through the harness, in worker processes, and the report of the results.

Each spec runs in a process of its own (spawned, so no thread or import state is copied): a
generator crash or a hang in one spec cannot take the others with it, and `jobs` run at once.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.smoke.harness import OpResult, SpecResult, run_spec

__all__ = ["failures", "pass_rate", "report", "run_many"]

# A spec whose run takes longer is reported as failed at every operation: a hang, not a result.
SPEC_TIMEOUT_S = 600.0


def run_many(
    specs: Sequence[tuple[str, Path]],
    *,
    jobs: int = 1,
    progress: Callable[[SpecResult], None] | None = None,
) -> list[SpecResult]:
    """Every `(label, path)` through `run_spec`, in the given order."""
    if jobs <= 1:
        results = []
        for label, path in specs:
            result = run_spec(path, label=label)
            if progress:
                progress(result)
            results.append(result)
        return results
    context = multiprocessing.get_context("spawn")
    by_label: dict[str, SpecResult] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(run_spec, path, label=label): label for label, path in specs}
        for future in concurrent.futures.as_completed(futures, timeout=SPEC_TIMEOUT_S * len(specs)):
            label = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # a worker that died: every operation of its spec fails
                result = SpecResult(
                    label,
                    (
                        OpResult(
                            label, "*", "", "", "fail", "crash", f"{type(exc).__name__}: {exc}"
                        ),
                    ),
                    0.0,
                )
            if progress:
                progress(result)
            by_label[label] = result
    return [by_label[label] for label, _ in specs]


def failures(results: Sequence[SpecResult]) -> list[OpResult]:
    """Every operation that did not pass (failed or skipped)."""
    return [op for result in results for op in result.operations if op.status != "pass"]


def pass_rate(results: Sequence[SpecResult]) -> float:
    """Passed operations over all operations (skips count as not passed)."""
    total = sum(len(r.operations) for r in results)
    passed = sum(r.count("pass") for r in results)
    return passed / total if total else 1.0


def report(results: Sequence[SpecResult], *, title: str = "oaskit smoke") -> str:
    """Markdown: per-spec counts, the overall rate, and failures grouped by stage and cause."""
    lines = [
        f"# {title}",
        "",
        "| spec | ops | pass | fail | skip | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        lines.append(
            f"| {result.spec} | {len(result.operations)} | {result.count('pass')} | "
            f"{result.count('fail')} | {result.count('skip')} | {result.seconds:.1f} |"
        )
    total = sum(len(r.operations) for r in results)
    passed = sum(r.count("pass") for r in results)
    lines += ["", f"**{passed}/{total} operations pass ({pass_rate(results):.1%}).**", ""]
    grouped: dict[str, list[OpResult]] = defaultdict(list)
    for op in failures(results):
        grouped[f"{op.stage}: {cause(op.reason)}"].append(op)
    if grouped:
        lines += ["## Failures by cause", ""]
    for key, ops in sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])):
        specs = Counter(op.spec for op in ops)
        lines.append(f"### {len(ops)} x {key}")
        lines.append("")
        lines.append("Specs: " + ", ".join(f"{spec} ({n})" for spec, n in specs.most_common()))
        for op in ops[:3]:
            lines.append(f"- {op.line()}")
        if len(ops) > 3:
            lines.append(f"- … and {len(ops) - 3} more")
        lines.append("")
    return "\n".join(lines)


def cause(reason: str) -> str:
    """A reason with its operation-specific details dropped, to group failures by."""
    text = reason
    for marker in ("sync only: ", "async only: ", "sync: "):
        text = text.removeprefix(marker)
    text = text.split(" | async: ")[0]
    if text.startswith("["):  # a media type label
        text = text.split("] ", 1)[-1]
    # The first clause names the problem; what follows names the value or the path.
    for separator in (": sent ", " failed with ", " at ", "; "):
        if separator in text:
            head, tail = text.split(separator, 1)
            text = head + separator.rstrip() + (" …" if tail else "")
            break
    return text[:160]
