"""Size benchmark: `oaskit lint` and `oaskit regen` on a generated 50 MB spec, YAML and JSON.

`python -m bench.size_bench [--megabytes N] [--no-write] [--output PATH]` from the repository
root. The spec is made here, deterministically: components with twenty documented properties
each and a path per component, until the JSON text reaches the size asked for; the YAML copy
holds the same document in block style, which the loader refuses at once (its YAML limit is
16 MiB, PyYAML composing in pure Python), and a 12 MB YAML spec under the limit shows what one
that is read costs. This is the size the issue names as one a hostile pull
request may bring: the point is that time and peak memory grow with the input, and stay within
the limits the loader enforces (bench/README.md). openapi-spec-validator (its own venv, as in the
lint benchmark) validates the JSON copy for comparison; regen has no peer here, as
datamodel-codegen is the regen benchmark's business on real specs. Each run is a separate
process, once (a 50 MB run is long). The section between the `bench:size` markers of
BENCHMARKS.md is rewritten; the rest of the file is left alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench._measure import Row, Sample, measure, meter, table
from bench._peers import peer_venv
from bench._results import Stopwatch, load_average, machine, say, write_section
from oaskit.spec._load import MAX_YAML_BYTES

__all__ = ["main", "make_spec"]

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "BENCHMARKS.md"
START_MARKER = "<!-- bench:size:start -->"
END_MARKER = "<!-- bench:size:end -->"
RUN_TIMEOUT_S = 1800.0
OSV_VERSION = "0.9.0"
ENV = {**os.environ, "NO_COLOR": "1"}
# Linters exit 1 on findings, a completed run; regen exits 0.
COMPLETED = frozenset({0, 1})
# Under the loader's YAML limit (oaskit.spec's MAX_YAML_BYTES, 16 MiB), with room to spare.
YAML_UNDER_LIMIT_MB = 12.0


def _component(index: int) -> dict[str, Any]:
    properties = {
        f"field{k}": {
            "type": ("string", "integer", "boolean")[k % 3],
            "description": f"Field {k} of record {index}: "
            + "a property described at length. " * 3,
        }
        for k in range(20)
    }
    return {
        "type": "object",
        "description": f"Record {index}, one of many.",
        "required": ["field0"],
        "properties": properties,
    }


def _operation(index: int) -> dict[str, Any]:
    reference = {"$ref": f"#/components/schemas/Record{index}"}
    return {
        "get": {
            "operationId": f"getRecord{index}",
            "summary": f"Record {index}",
            "tags": ["records"],
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "The record.",
                    "content": {"application/json": {"schema": reference}},
                },
                "404": {"description": "No such record."},
            },
        }
    }


def make_spec(megabytes: float) -> dict[str, Any]:
    """An OpenAPI 3.1 document whose JSON text is at least `megabytes` MB."""
    target = int(megabytes * 1_000_000)
    one = len(json.dumps(_component(0))) + len(json.dumps(_operation(0)))
    count = max(1, target // one + 1)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Size", "version": "1.0.0"},
        "tags": [{"name": "records", "description": "Records."}],
        "paths": {f"/records{i}/{{id}}": _operation(i) for i in range(count)},
        "components": {"schemas": {f"Record{i}": _component(i) for i in range(count)}},
    }


def _yaml_lines(value: Any, indent: int) -> Iterator[str]:
    """Block-style YAML for the JSON-like `value` (JSON strings are YAML double-quoted scalars)."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            name = json.dumps(key)
            if isinstance(item, dict | list) and item:
                yield f"{pad}{name}:"
                yield from _yaml_lines(item, indent + 2)
            else:
                yield f"{pad}{name}: {json.dumps(item)}"
    else:
        for item in value:
            if isinstance(item, dict) and item:
                lines = list(_yaml_lines(item, indent + 2))
                yield f"{pad}- {lines[0].lstrip()}"
                yield from lines[1:]
            else:
                yield f"{pad}- {json.dumps(item)}"


def _write_yaml(path: Path, spec: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for line in _yaml_lines(spec, 0):
            handle.write(line + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and rewrite the size section of BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.size_bench", description=__doc__)
    parser.add_argument("--megabytes", type=float, default=50.0, help="size of the JSON spec")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md")
    parser.add_argument("--output", type=Path, default=BENCHMARKS, help="the results file")
    args = parser.parse_args(argv)
    stopwatch = Stopwatch("bench.size_bench")
    load = load_average()
    oaskit = str(Path(sys.executable).parent / "oaskit")
    osv = peer_venv(
        "osv", [f"openapi-spec-validator=={OSV_VERSION}"], report=("openapi-spec-validator",)
    )
    version = metadata.version("oaskit")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="size-bench-") as name:
        folder = Path(name)
        spec_data = make_spec(args.megabytes)
        as_json = folder / "size.json"
        as_json.write_text(json.dumps(spec_data, indent=1), encoding="utf-8")
        # The same document as YAML is over the loader's YAML limit, which refuses it at once;
        # a copy just under the limit shows what a YAML spec that is read costs.
        as_yaml = folder / "size.yaml"
        _write_yaml(as_yaml, spec_data)
        under = folder / "under_limit.yaml"
        _write_yaml(under, make_spec(YAML_UNDER_LIMIT_MB))
        del spec_data
        runs: list[tuple[str, str, str, list[str], frozenset[int]]] = []
        for label, path in (("JSON", as_json), ("YAML", as_yaml), ("YAML", under)):
            spec = f"{label} {path.stat().st_size / 1_000_000:.0f} MB"
            refused = label == "YAML" and path.stat().st_size > MAX_YAML_BYTES
            # Over the YAML limit, exit 2 with `input-too-large` is the run completing as meant.
            done = frozenset({2}) if refused else COMPLETED
            lint = [oaskit, "lint", "--format", "json", str(path)]
            runs.append((spec, "oaskit lint", version, lint, done))
            out = folder / f"out_{path.stem}_{label.lower()}" / "size_api"
            regen = [oaskit, "regen", "--spec", str(path), "--out", str(out)]
            runs.append((spec, "oaskit regen", version, regen, done if refused else frozenset({0})))
            if label == "JSON":
                if osv.bin is None:
                    rows.append(Row(spec, "openapi-spec-validator", OSV_VERSION, note=osv.reason))
                else:
                    command = [str(osv.bin / "openapi-spec-validator"), str(path)]
                    shown = osv.versions.get("openapi-spec-validator", OSV_VERSION)
                    runs.append((spec, "openapi-spec-validator", shown, command, frozenset({0})))
        for spec, tool, shown, command, completed in runs:
            sample: Sample = measure(command, cwd=folder, env=ENV, timeout_s=RUN_TIMEOUT_S)
            figures = f"{sample.wall_s:.1f} s, {sample.peak_mib:.0f} MiB, exit {sample.code}"
            say(f"{tool} on {spec}: {figures}")
            note = "refused: over the YAML limit, as meant" if 2 in completed else ""
            rows.append(
                Row(
                    spec,
                    tool,
                    shown,
                    samples=(sample,),
                    completed=completed,
                    completed_note=note,
                )
            )
    lint_rows = sorted(
        (r for r in rows if r.tool != "oaskit regen"), key=lambda r: (r.spec, r.tool)
    )
    regen_rows = [r for r in rows if r.tool == "oaskit regen"]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join(
        [
            START_MARKER,
            "## Size",
            "",
            f"Written by `python -m bench.size_bench` on {stamp}; every figure comes from that run."
            f" A generated OpenAPI 3.1 spec of {args.megabytes:g} MB as compact JSON (written"
            " pretty-printed, hence larger in the table), the"
            " same document as block YAML (over the 16 MiB YAML limit: refused at once, exit 2, as"
            " meant) and a 12 MB YAML spec under it; each tool runs once per input as its own"
            " process."
            " oaskit lint runs its default rules; openapi-spec-validator validates the JSON copy;"
            " oaskit regen writes the whole package (models split into a lazily imported"
            " `models/` package). Wall time includes start-up; peak memory by " + meter() + ".",
            "",
            machine(load=load),
            "",
            *table(lint_rows, ours="oaskit lint"),
            "",
            *table(regen_rows, ours="oaskit regen"),
            END_MARKER,
        ]
    )
    print(section)
    if not args.no_write:
        write_section(args.output, section, start_marker=START_MARKER, end_marker=END_MARKER)
        say(f"wrote the size section of {args.output}")
    stopwatch.report()
    return 0 if all(row.failure is None for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
