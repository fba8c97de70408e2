"""`embed-spec = true`: regen writes the bundled spec into the package, and keeps it current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from oaskit.cli import main
from tests._specs import CLEAN_SPEC

PYPROJECT = """\
[[tool.oaskit.apis]]
name = "items"
spec = "spec/openapi.yaml"
package = "out.items"
embed-spec = true
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "openapi.yaml").write_text(CLEAN_SPEC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_writes_the_bundle_that_oaskit_bundle_writes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["-q", "regen"]) == 0
    capsys.readouterr()
    assert main(["bundle", "spec/openapi.yaml", "--format", "json"]) == 0
    bundled = capsys.readouterr().out

    embedded = project / "out" / "items" / "openapi.json"
    assert embedded.read_text(encoding="utf-8") == bundled
    # The package hands it out like any resource of its own.
    code = (
        "import importlib.resources, json;"
        "print(json.loads(importlib.resources.files('out.items')"
        ".joinpath('openapi.json').read_text())['info']['title'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == json.loads(bundled)["info"]["title"]


def test_check_fails_when_the_embedded_spec_is_stale_or_edited(project: Path) -> None:
    assert main(["-q", "regen"]) == 0
    embedded = project / "out" / "items" / "openapi.json"

    embedded.write_text(embedded.read_text(encoding="utf-8").replace("Items", "Edited"))
    assert main(["-q", "regen", "--check", "--no-cache"]) == 1
    assert main(["-q", "regen", "--no-cache"]) == 0
    assert main(["-q", "regen", "--check", "--no-cache"]) == 0

    # A change in the spec reaches the embedded copy.
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("title: Items", "title: Goods"))
    assert main(["-q", "regen", "--check"]) == 1
    assert main(["-q", "regen"]) == 0
    assert json.loads(embedded.read_text(encoding="utf-8"))["info"]["title"] == "Goods"
