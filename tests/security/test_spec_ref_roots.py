"""`[tool.oaskit] ref-roots`: the folders a spec's `$ref`s may read besides its own (issue #15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oaskit.cli import main
from oaskit.config import load_config
from oaskit.errors import Location, SpecInputError
from oaskit.lint import lint_spec
from oaskit.spec import bundle_spec
from tests._specs import write_tree

SPEC = """\
openapi: 3.1.0
info: {title: Items, version: "1"}
paths: {}
components:
  schemas:
    Common: {$ref: ../../common-schemas/Common.yaml}
"""


def _project(tmp_path: Path, table: str) -> Path:
    write_tree(
        tmp_path,
        {
            "project/pyproject.toml": "[tool.oaskit]\n" + table,
            "project/spec/api/openapi.yaml": SPEC,
            "project/common-schemas/Common.yaml": "type: string\n",
        },
    )
    return tmp_path / "project"


def test_reads_ref_roots_relative_to_the_project_root(tmp_path: Path) -> None:
    root = _project(tmp_path, 'ref-roots = ["common-schemas"]\n')

    config = load_config(root)
    spec = root / "spec" / "api" / "openapi.yaml"
    bundle = bundle_spec(spec, ref_roots=[root / folder for folder in config.ref_roots])

    assert config.ref_roots == (Path("common-schemas"),)
    assert bundle.problems == []
    assert bundle.data["components"]["schemas"]["Common"] == {"type": "string"}


def test_refuses_the_ref_when_its_folder_is_not_a_ref_root(tmp_path: Path) -> None:
    root = _project(tmp_path, "")
    spec = root / "spec" / "api" / "openapi.yaml"

    with pytest.raises(SpecInputError) as caught:
        bundle_spec(spec, ref_roots=[root / folder for folder in load_config(root).ref_roots])

    assert caught.value.finding.code == "ref-outside-root"
    assert caught.value.finding.location == Location(spec.resolve(), 6, 20)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('ref-roots = "common"\n', "ref-roots must be a list of folders"),
        ("ref-roots = [1]\n", "ref-roots must be a list of folders"),
        ('ref-roots = [""]\n', "ref-roots must be a list of folders"),
        ('ref-root = ["common"]\n', "did you mean 'ref-roots'?"),
    ],
)
def test_raises_config_invalid_at_the_key_when_ref_roots_is_not_a_list_of_folders(
    tmp_path: Path, table: str, message: str
) -> None:
    root = _project(tmp_path, table)

    with pytest.raises(SpecInputError) as caught:
        load_config(root)

    finding = caught.value.finding
    assert finding.code == "config-invalid"
    assert (finding.location.file, finding.location.line) == (root / "pyproject.toml", 2)
    assert message in finding.message


def test_lints_the_spec_when_lint_spec_is_given_the_ref_roots(tmp_path: Path) -> None:
    root = _project(tmp_path, 'ref-roots = ["common-schemas"]\n')
    spec = root / "spec" / "api" / "openapi.yaml"
    allowed = [root / folder for folder in load_config(root).ref_roots]

    with pytest.raises(SpecInputError):
        lint_spec(spec)
    assert [f.code for f in lint_spec(spec, ref_roots=allowed) if f.code.startswith("ref-")] == []


@pytest.mark.parametrize(
    "argv",
    [
        ["lint"],
        ["lint", "spec/api/openapi.yaml"],
        ["regen", "--check"],
        ["regen", "--spec", "spec/api/openapi.yaml", "--out", "out/items_api"],
    ],
)
def test_commands_read_ref_roots_from_the_project_when_run_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """The CLI hands `ref-roots` to every command; without it the same `$ref` is refused."""
    apis = '[[tool.oaskit.apis]]\nname = "items"\nspec = "spec/api/openapi.yaml"\n'
    apis += 'package = "items_api"\n'
    allowed = _project(tmp_path / "allowed", 'ref-roots = ["common-schemas"]\n\n' + apis)
    refused = _project(tmp_path / "refused", apis)

    monkeypatch.chdir(allowed)
    if argv[0] == "regen":
        assert main(["regen"] if argv == ["regen", "--check"] else argv) == 0
    assert main(argv) == 0
    monkeypatch.chdir(refused)
    assert main(argv) == 2
