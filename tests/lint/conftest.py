"""Fixtures for lint tests: a project folder holding one spec and a `[tool.oaskit]` table."""

from __future__ import annotations

from pathlib import Path

import pytest

CLEAN = (Path(__file__).parent / "cases" / "clean" / "openapi.yaml").read_text(encoding="utf-8")

PROJECT = """\
[tool.oaskit]

[[tool.oaskit.apis]]
name = "pets"
spec = "spec/openapi.yaml"
package = "generated.pets"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project (the working directory) whose spec is the clean case."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "openapi.yaml").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    return tmp_path


def set_spec(root: Path, old: str, new: str) -> None:
    """Replace `old` (which must occur) by `new` in the project's spec."""
    path = root / "spec" / "openapi.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_lint(root: Path, table: str) -> None:
    """Append `table` (TOML under `[tool.oaskit.lint]`) to the project's pyproject.toml."""
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + table)
