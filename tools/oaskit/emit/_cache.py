"""The regen stamp: what one regen read and wrote, so an unchanged regen can skip all work.

A stamp lives outside the generated tree (in the project's git-ignored `.cache/oaskit/`), so it
never shows up in a commit. It holds a key (the digest of everything besides the spec that
decides the output: toolkit sources, templates, tool versions, API name and package), the sha256
of every spec file the bundle read and the sha256 of every file written. A tree is current only
when all three still match byte for byte, so editing a spec file, a template or a generated file
all make the next regen (and `--check`) do the full work again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from oaskit.emit._write import is_generated

__all__ = ["Stamp", "file_digest", "read_stamp", "stamp_is_current", "write_stamp"]

# Bumped whenever the stamp's layout or meaning changes, so older stamps are simply misses.
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Stamp:
    """The key of a regen, its spec files and its output files, each with its sha256."""

    key: str
    inputs: Mapping[str, str]
    outputs: Mapping[str, str]

    @classmethod
    def of(cls, key: str, *, inputs: Iterable[Path], files: Mapping[str, str]) -> Stamp:
        """The stamp of a regen that read `inputs` and produced `files`."""
        return cls(
            key=key,
            inputs={str(path): file_digest(path) or "" for path in sorted(inputs)},
            outputs={
                name: hashlib.sha256(text.encode("utf-8")).hexdigest()
                for name, text in sorted(files.items())
            },
        )


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_stamp(path: Path) -> Stamp | None:
    """The stamp stored at `path`; None when absent, unreadable or of another format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    key, inputs, outputs = data.get("key"), data.get("inputs"), data.get("outputs")
    if not (isinstance(key, str) and isinstance(inputs, dict) and isinstance(outputs, dict)):
        return None
    return Stamp(key=key, inputs=inputs, outputs=outputs)


def write_stamp(path: Path, stamp: Stamp) -> None:
    """Store `stamp` at `path` atomically (a reader sees the old stamp or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": _FORMAT,
        "key": stamp.key,
        "inputs": dict(stamp.inputs),
        "outputs": dict(stamp.outputs),
    }
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8")
    temporary.replace(path)


def stamp_is_current(stamp: Stamp, *, key: str, out_dir: Path) -> bool:
    """Whether a regen with `key` would leave `out_dir` exactly as it is."""
    if stamp.key != key or not stamp.outputs:
        return False
    for name, digest in stamp.inputs.items():
        if file_digest(Path(name)) != digest:
            return False
    for name, digest in stamp.outputs.items():
        if file_digest(out_dir / name) != digest:
            return False
    # A generated file the stamp does not list would be removed as stale by a real regen.
    return not any(
        path.is_file()
        and path.relative_to(out_dir).as_posix() not in stamp.outputs
        and is_generated(path)
        for path in out_dir.rglob("*.py")
    )
