"""Pinned npm packages installed once into a cache folder, bounded in time.

An unreachable registry ends the install with a clear failure after at most the given timeout,
never a hang: npm's own fetches give up after 30 s and one retry (its defaults retry for minutes).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["installed_version", "locked", "npm_install"]

_FETCH = ["--fetch-timeout=30000", "--fetch-retries=1", "--fetch-retry-maxtimeout=30000"]


def installed_version(home: Path, package: str) -> str | None:
    """The version of `package` installed below `home`, if any."""
    manifest = home / "node_modules" / package / "package.json"
    try:
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None
    return version if isinstance(version, str) else None


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` so concurrent sessions install only once."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def npm_install(
    home: Path, pins: Mapping[str, str], *, timeout: float, env: Mapping[str, str] | None = None
) -> None:
    """Install `pins` (name → version) into `home` unless exactly those are there already."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (Node.js's package manager; Debian package npm)")
    home.mkdir(parents=True, exist_ok=True)
    with locked(home / ".install.lock"):
        if all(installed_version(home, name) == version for name, version in pins.items()):
            return
        # --ignore-scripts: the packages ship built; nothing of theirs needs to run.
        command = [npm, "install", "--prefix", str(home), "--no-audit", "--no-fund"]
        command += [*_FETCH, "--ignore-scripts", *(f"{n}@{v}" for n, v in pins.items())]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env={**os.environ, **(env or {}), "npm_config_update_notifier": "false"},
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"npm install of {', '.join(pins)} took over {timeout:.0f} s")
        if done.returncode != 0:
            pytest.fail(f"npm install of {', '.join(pins)} failed:\n{done.stdout}\n{done.stderr}")
