"""BENCHMARKS.md: one section per benchmark, each between its own markers."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_section"]

_PREAMBLE = (
    "# Benchmarks\n\nThe latest figures of each benchmark, one section each, rewritten by the"
    " command the section names (`make bench`). Each section sits between its own"
    " `<!-- bench:NAME:start -->` / `<!-- bench:NAME:end -->` markers; a runner replaces only"
    " its own.\n"
)


def write_section(path: Path, section: str, *, start_marker: str, end_marker: str) -> None:
    """Replace (or append) the section between the markers, leaving every other section alone."""
    # Read right before writing: other benchmarks own other sections of the same file.
    text = path.read_text(encoding="utf-8") if path.exists() else _PREAMBLE
    start, end = text.find(start_marker), text.find(end_marker)
    if start != -1 and end > start:
        text = text[:start] + section + text[end + len(end_marker) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    partial = path.with_name(f".{path.name}.{start_marker.strip('<!- >').replace(':', '-')}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # atomic: a reader never sees half a file
