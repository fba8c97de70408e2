"""`oaskit regen` in a project skips unchanged APIs, and never at the cost of exactness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import oaskit.pipeline
from oaskit.cli import main
from tests._specs import CLEAN_SPEC

PYPROJECT = """\
[tool.oaskit]
templates = "templates"

[[tool.oaskit.apis]]
name = "items"
spec = "spec/openapi.yaml"
package = "out.items"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one API, regenerated once (so it has a stamp), as the working directory."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "openapi.yaml").write_text(CLEAN_SPEC, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["regen"]) == 0
    return tmp_path


@pytest.fixture
def generations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The spec of every full generation from now on."""
    calls: list[Path] = []
    real = oaskit.pipeline.generate

    def counting(spec_path: Path, **options: Any) -> oaskit.pipeline.Generation:
        calls.append(spec_path)
        return real(spec_path, **options)

    monkeypatch.setattr(oaskit.pipeline, "generate", counting)
    return calls


def test_skips_generation_when_nothing_changed(
    project: Path, generations: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    assert main(["regen"]) == 0
    assert main(["regen", "--check"]) == 0

    assert generations == []
    assert capsys.readouterr() == ("", "regen: 1 API(s) current\n")
    assert list((project / ".cache" / "oaskit" / "regen").glob("items-*.json"))


def test_regenerates_when_a_spec_file_changes(
    project: Path, generations: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(CLEAN_SPEC.replace("title: Items", "title: Things"), encoding="utf-8")
    capsys.readouterr()

    assert main(["regen"]) == 0

    assert len(generations) == 1
    assert "wrote out/items/client.py" in capsys.readouterr().out


def test_regenerates_when_a_template_changes(
    project: Path, generations: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "templates" / "package").mkdir()
    (project / "templates" / "package" / "__init__.py.jinja").write_text(
        '{{ api.header }}\n"""Overridden."""\n', encoding="utf-8"
    )
    capsys.readouterr()

    assert main(["regen"]) == 0

    assert len(generations) == 1
    assert capsys.readouterr().out == "wrote out/items/__init__.py\n"


def test_check_fails_when_a_generated_file_was_edited_by_hand(
    project: Path, generations: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    client = project / "out" / "items" / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    capsys.readouterr()

    assert main(["regen", "--check"]) == 1

    assert "-# edited" in capsys.readouterr().out
    assert len(generations) == 1


def test_check_fails_when_a_stale_generated_file_appears(
    project: Path, generations: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    header = (project / "out" / "items" / "client.py").read_text(encoding="utf-8").splitlines()[0]
    (project / "out" / "items" / "extra.py").write_text(f"{header}\nx = 1\n", encoding="utf-8")
    capsys.readouterr()

    assert main(["regen", "--check"]) == 1

    assert "a/out/items/extra.py" in capsys.readouterr().out


def test_regenerates_when_no_cache_is_given(project: Path, generations: list[Path]) -> None:
    assert main(["regen", "--no-cache"]) == 0

    assert len(generations) == 1
