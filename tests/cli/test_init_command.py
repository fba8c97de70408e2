"""`oaskit init [SPEC]`: a `[tool.oaskit]` table for the spec, appended to ./pyproject.toml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from oaskit.config import ApiConfig, load_config
from tests._specs import CLEAN_SPEC, write
from tests.cli.conftest import Run, Snapshot

Oaskit = Callable[..., Run]

EXISTING = """\
[project]
name = "shop"
version = "1.0"

[tool.ruff]
line-length = 100"""


def test_creates_pyproject_with_the_table_when_folder_has_none(
    workdir: Path, oaskit: Oaskit, snapshot: Snapshot
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    run = oaskit("init")

    snapshot("new_file", run.transcript())
    snapshot("new_file.pyproject", (workdir / "pyproject.toml").read_text(encoding="utf-8"))
    # The spec's folder is the project root, so the name comes from `info.title: Items`.
    assert load_config(workdir).apis == (
        ApiConfig(name="items", spec=Path("openapi.yaml"), package="items"),
    )
    assert oaskit("lint").code == 0


def test_appends_the_table_and_keeps_every_byte_when_pyproject_has_no_table(
    workdir: Path, oaskit: Oaskit, snapshot: Snapshot
) -> None:
    write("openapi.yaml", CLEAN_SPEC)
    (workdir / "pyproject.toml").write_text(EXISTING, encoding="utf-8")

    run = oaskit("init", "openapi.yaml")

    text = (workdir / "pyproject.toml").read_text(encoding="utf-8")
    assert run.code == 0
    assert text.startswith(EXISTING + "\n\n[tool.oaskit]\n")
    snapshot("existing_file", run.transcript())
    snapshot("existing_file.pyproject", text)


def test_keeps_crlf_line_endings_when_pyproject_uses_them(workdir: Path, oaskit: Oaskit) -> None:
    write("openapi.yaml", CLEAN_SPEC)
    original = EXISTING.replace("\n", "\r\n").encode() + b"\r\n"
    (workdir / "pyproject.toml").write_bytes(original)

    assert oaskit("init").code == 0

    written = (workdir / "pyproject.toml").read_bytes()
    assert written.startswith(original + b"\r\n[tool.oaskit]\r\n")
    assert b"\n" not in written.replace(b"\r\n", b"")


def test_exits_2_and_changes_nothing_when_pyproject_has_the_table(
    workdir: Path, oaskit: Oaskit, snapshot: Snapshot
) -> None:
    write("openapi.yaml", CLEAN_SPEC)
    before = EXISTING + '\n\n[tool.oaskit.lint]\nextend-select = ["ALL"]\n'
    (workdir / "pyproject.toml").write_text(before, encoding="utf-8")

    run = oaskit("init", "openapi.yaml")

    snapshot("existing_table", run.transcript())
    assert run.code == 2
    assert (workdir / "pyproject.toml").read_text(encoding="utf-8") == before


def test_finds_the_one_root_spec_under_spec_when_no_spec_is_given(
    workdir: Path, oaskit: Oaskit
) -> None:
    write("spec/pets/openapi.yaml", CLEAN_SPEC)
    # Referenced files have no top-level `openapi`, so they are not candidates.
    write("spec/pets/components/schemas/Pet.yaml", "type: object\n")

    run = oaskit("init")

    assert run.code == 0, run.err
    # The spec's folder names the API, not its title.
    assert load_config(workdir).apis == (
        ApiConfig(name="pets", spec=Path("spec/pets/openapi.yaml"), package="pets"),
    )


def test_exits_2_listing_them_when_several_specs_are_found(
    workdir: Path, oaskit: Oaskit, snapshot: Snapshot
) -> None:
    write("openapi.json", '{"openapi": "3.1.0", "info": {"title": "A", "version": "1"}}')
    write("specs/billing.yaml", CLEAN_SPEC)
    write("specs/notes.yaml", "title: not a spec\n")

    run = oaskit("init")

    snapshot("several_specs", run.transcript())
    assert not (workdir / "pyproject.toml").exists()


def test_exits_2_when_no_spec_is_found(workdir: Path, oaskit: Oaskit, snapshot: Snapshot) -> None:
    write("spec/notes.yaml", "title: not a spec\n")

    snapshot("no_spec", oaskit("init").transcript())


def test_exits_2_when_spec_lies_outside_the_folder(
    workdir: Path, oaskit: Oaskit, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("openapi.yaml", CLEAN_SPEC)
    (workdir / "project").mkdir()
    monkeypatch.chdir(workdir / "project")

    run = oaskit("init", "../openapi.yaml")

    snapshot("outside", run.transcript())
    assert not (workdir / "project" / "pyproject.toml").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("not_yaml", "openapi: 3.1.0\ntags: [a, b\ninfo: {}\n"),
        ("swagger", 'swagger: "2.0"\ninfo: {title: T, version: "1"}\npaths: {}\n'),
    ],
)
def test_exits_2_at_the_place_when_spec_does_not_load(
    workdir: Path, oaskit: Oaskit, snapshot: Snapshot, name: str, text: str
) -> None:
    write("openapi.yaml", text)

    run = oaskit("init", "openapi.yaml")

    snapshot(f"broken_spec_{name}", run.transcript())
    assert not (workdir / "pyproject.toml").exists()


def test_writes_into_the_projects_package_when_it_has_a_src_layout(
    workdir: Path, oaskit: Oaskit, snapshot: Snapshot
) -> None:
    write("openapi.yaml", CLEAN_SPEC)
    write("src/my_shop/__init__.py", "")
    # The folder regen would take holds hand-written code, so init takes the next name.
    write("src/my_shop/items/client.py", "print('mine')\n")
    (workdir / "pyproject.toml").write_text('[project]\nname = "My-Shop"\n', encoding="utf-8")

    run = oaskit("init")

    snapshot("src_layout", run.transcript())
    (api,) = load_config(workdir).apis
    assert (api.package, api.output_dir) == ("my_shop.items_2", Path("src/my_shop/items_2"))
    dry_run = oaskit("regen", "--dry-run")
    assert "would write src/my_shop/items_2/client.py" in dry_run.out.splitlines()


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Pet Store — v2 (beta)", "pet_store_v2_beta"),
        ("2FA Service", "api_2fa_service"),
        ("class", "class_"),
        ("Ünïcode Café", "unicode_cafe"),
        ("———", "api"),
    ],
)
def test_derives_an_identifier_when_the_name_comes_from_the_title(
    workdir: Path, oaskit: Oaskit, title: str, name: str
) -> None:
    write("openapi.yaml", CLEAN_SPEC.replace("title: Items", f'title: "{title}"'))

    assert oaskit("init").code == 0

    (api,) = load_config(workdir).apis
    assert (api.name, api.package) == (name, name)


def test_exits_2_when_pyproject_writes_tool_as_an_inline_table(
    workdir: Path, oaskit: Oaskit
) -> None:
    write("openapi.yaml", CLEAN_SPEC)
    before = "tool = { ruff = { line-length = 100 } }\n"
    (workdir / "pyproject.toml").write_text(before, encoding="utf-8")

    run = oaskit("init")

    assert run.code == 2
    assert run.err.startswith("oaskit: pyproject.toml cannot take a [tool.oaskit] table")
    assert (workdir / "pyproject.toml").read_text(encoding="utf-8") == before


def test_prints_nothing_when_quiet(workdir: Path, oaskit: Oaskit) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    run = oaskit("-q", "init")

    assert (run.code, run.out, run.err) == (0, "", "")
    assert (workdir / "pyproject.toml").is_file()
