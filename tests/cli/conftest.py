"""Run the CLI from inside a temporary folder, so every printed path is relative to it."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty temporary folder, made the working directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
