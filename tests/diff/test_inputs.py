"""Each side of `oaskit diff` as a file or `REV:path`, and `--base REV` over configured APIs."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path, PurePosixPath

import pytest

from oaskit.diff import Revision, RevisionError, parse_input
from tests.diff.conftest import Git, Oaskit, Snapshot, write

ROOT = """\
    openapi: 3.1.0
    info: {title: Items, version: "1"}
    paths:
      /items:
        get:
          operationId: listItems
          responses:
            "200":
              description: The items.
              content:
                application/json:
                  schema:
                    $ref: components/schemas/Item.yaml
        post:
          operationId: createItem
          requestBody:
            content:
              application/json:
                schema:
                  $ref: components/schemas/Item.yaml
          responses:
            "201":
              description: Created.
    """
ITEM = """\
    type: object
    properties:
      id:
        type: string
      note:
        type: string
    """
ITEM_WITHOUT_NOTE = ITEM.replace("      note:\n        type: string\n", "")
PYPROJECT = """\
    [tool.oaskit]

    [[tool.oaskit.apis]]
    name = "items"
    spec = "spec/openapi.yaml"
    package = "items_api"
    """


@pytest.fixture
def history(workdir: Path, git: Git) -> Path:
    """Two commits of a two-file spec: the second drops `note` from Item (a warning each way)."""
    write(workdir, {"spec/openapi.yaml": ROOT, "spec/components/schemas/Item.yaml": ITEM})
    git("add", "-A")
    git("commit", "--quiet", "-m", "first")
    write(workdir, {"spec/components/schemas/Item.yaml": ITEM_WITHOUT_NOTE})
    git("commit", "--quiet", "-am", "second")
    return workdir


def test_places_changes_at_both_revisions_when_sides_are_revisions(
    oaskit: Oaskit, history: Path, snapshot: Snapshot
) -> None:
    run = oaskit(
        "diff", "--fail-on", "warning", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml"
    )

    assert run.code == 1
    assert "  base: HEAD~1:spec/components/schemas/Item.yaml:5:3\n" in run.out
    assert "  head: HEAD:spec/components/schemas/Item.yaml:1:1\n" in run.out
    # The snippet is the revision's text, read while it was unpacked.
    assert "    5 |   note:\n" in run.out
    snapshot("revisions", run.transcript())


def test_reads_paths_from_the_repository_top_when_run_in_a_subfolder(
    oaskit: Oaskit, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(history / "spec" / "components")

    run = oaskit(
        "diff", "--fail-on", "warning", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml"
    )

    assert run.code == 1
    assert "  base: HEAD~1:spec/components/schemas/Item.yaml:5:3\n" in run.out


def test_compares_the_working_tree_with_a_revision_when_one_side_is_a_file(
    oaskit: Oaskit, history: Path
) -> None:
    write(history, {"spec/components/schemas/Item.yaml": ITEM})

    run = oaskit("diff", "--format", "json", "HEAD:spec/openapi.yaml", "spec/openapi.yaml")

    document = json.loads(run.out)
    assert run.code == 0
    assert document["compared"] == [
        {"api": None, "base": "HEAD:spec/openapi.yaml", "head": "spec/openapi.yaml"}
    ]
    heads = {(c["rule"], c["head"]["file"], c["head"]["line"]) for c in document["changes"]}
    assert heads == {
        ("request-property-added", "spec/components/schemas/Item.yaml", 5),
        ("response-property-added", "spec/components/schemas/Item.yaml", 5),
    }


def test_annotates_the_checkout_path_when_head_is_a_revision(oaskit: Oaskit, history: Path) -> None:
    run = oaskit("diff", "--format", "github", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml")

    assert run.code == 0
    assert run.out.splitlines()[0] == (
        "::warning file=spec/components/schemas/Item.yaml,line=1,col=1,"
        "title=request-property-removed::request `Item`: property `note` removed "
        "(POST /items; base: HEAD~1:spec/components/schemas/Item.yaml:5:3)"
    )


def test_takes_the_base_at_the_same_path_when_base_and_one_spec_are_given(
    oaskit: Oaskit, history: Path
) -> None:
    run = oaskit("diff", "--base", "HEAD~1", "--format", "json", "spec/openapi.yaml")

    document = json.loads(run.out)
    assert document["compared"] == [
        {"api": None, "base": "HEAD~1:spec/openapi.yaml", "head": "spec/openapi.yaml"}
    ]
    assert document["summary"]["levels"] == {"error": 0, "warning": 2, "info": 0}


def test_compares_every_configured_api_when_only_base_is_given(
    oaskit: Oaskit, history: Path, git: Git
) -> None:
    write(history, {"pyproject.toml": PYPROJECT})
    git("add", "pyproject.toml")
    git("commit", "--quiet", "-m", "config")

    run = oaskit("diff", "--base", "HEAD~2", "--format", "json")

    document = json.loads(run.out)
    assert run.code == 0
    assert document["compared"] == [
        {"api": "items", "base": "HEAD~2:spec/openapi.yaml", "head": "spec/openapi.yaml"}
    ]
    assert sorted(
        (c["rule"], c["api"], c["base"]["file"], c["head"]["file"]) for c in document["changes"]
    ) == [
        (
            "request-property-removed",
            "items",
            "HEAD~2:spec/components/schemas/Item.yaml",
            "spec/components/schemas/Item.yaml",
        ),
        (
            "response-property-removed",
            "items",
            "HEAD~2:spec/components/schemas/Item.yaml",
            "spec/components/schemas/Item.yaml",
        ),
    ]


def test_reports_a_new_api_as_info_when_the_base_has_no_spec_for_it(
    oaskit: Oaskit, history: Path
) -> None:
    write(
        history,
        {
            "pyproject.toml": PYPROJECT
            + '\n[[tool.oaskit.apis]]\nname = "pets"\nspec = "pets/openapi.yaml"\n'
            + 'package = "pets_api"\n',
            "pets/openapi.yaml": ROOT.replace("components/schemas/Item.yaml", "item.yaml"),
            "pets/item.yaml": ITEM,
        },
    )

    run = oaskit("diff", "--base", "HEAD")

    assert run.code == 0
    assert run.out == (
        "info api-added\n"
        "  new API pets: HEAD:pets/openapi.yaml does not exist, so nothing in it can break\n"
        "  base: (no spec)\n"
        "  head: pets/openapi.yaml:1:1\n"
        "    1 | openapi: 3.1.0\n"
        "      | ^\n"
    )
    assert run.err == "diff: 0 errors, 0 warnings, 1 info\n"


def test_places_a_load_error_at_the_revision_when_its_spec_is_broken(
    oaskit: Oaskit, history: Path, git: Git
) -> None:
    write(history, {"spec/openapi.yaml": "openapi: 3.1.0\npaths: [\n"})
    git("commit", "--quiet", "-am", "broken")

    run = oaskit("diff", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml")

    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("HEAD:spec/openapi.yaml:3:1 input-syntax not valid YAML")
    assert run.err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (("--", "--output=/tmp/x:spec/openapi.yaml", "spec/openapi.yaml"), "starts with '-'"),
        (("--base=--output=/tmp/x",), "starts with '-'"),
        (("--base=-c", "spec/openapi.yaml"), "starts with '-'"),
        (("HEAD:../outside.yaml", "spec/openapi.yaml"), "stay inside it"),
        (("HEAD:/etc/passwd", "spec/openapi.yaml"), "stay inside it"),
        (("HEAD:spec/../../x.yaml", "spec/openapi.yaml"), "stay inside it"),
        ((":spec/openapi.yaml", "spec/openapi.yaml"), "names no revision"),
        (("no-such-branch:spec/openapi.yaml", "spec/openapi.yaml"), "names no commit"),
        (("HEAD^{tree}:spec/openapi.yaml", "spec/openapi.yaml"), "names no commit"),
        (("HEAD:spec/missing.yaml", "spec/openapi.yaml"), "does not exist"),
        (("HEAD:spec", "spec/openapi.yaml"), "is a tree"),
        (("--base", "no-such-branch"), "names no commit"),
    ],
)
def test_exits_2_with_a_reason_when_a_revision_or_path_is_hostile(
    oaskit: Oaskit, history: Path, argv: tuple[str, ...], reason: str
) -> None:
    write(history, {"pyproject.toml": PYPROJECT})

    run = oaskit("diff", *argv)

    assert run.code == 2
    assert run.err.startswith("oaskit: ")
    assert reason in run.err
    assert run.err.count("\n") == 1


def test_reads_the_committed_files_when_attributes_would_leave_them_out_of_an_archive(
    oaskit: Oaskit, history: Path, git: Git
) -> None:
    write(history, {".gitattributes": "spec/components export-ignore\n*.yaml export-subst\n"})
    git("add", ".gitattributes")
    git("commit", "--quiet", "-m", "attributes")

    run = oaskit("diff", "--format", "json", "HEAD~2:spec/openapi.yaml", "HEAD:spec/openapi.yaml")

    assert run.code == 0
    assert json.loads(run.out)["summary"]["levels"]["warning"] == 2


def test_leaves_a_link_out_when_it_leads_out_of_the_revision(
    oaskit: Oaskit, history: Path, git: Git
) -> None:
    schemas = history / "spec" / "components" / "schemas"
    (schemas / "Secret.yaml").symlink_to("/etc/passwd")
    (schemas / "Escape.yaml").symlink_to("../../../../outside.yaml")
    (schemas / "Alias.yaml").symlink_to("Item.yaml")
    root = (history / "spec" / "openapi.yaml").read_text(encoding="utf-8")
    write(history, {"spec/openapi.yaml": root.replace("schemas/Item.yaml", "schemas/Alias.yaml")})
    git("add", "-A")
    git("commit", "--quiet", "-m", "links")

    # A link inside the tree reads as the file it names.
    assert oaskit("diff", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml").code == 0
    write(history, {"spec/openapi.yaml": root.replace("schemas/Item.yaml", "schemas/Secret.yaml")})
    git("commit", "--quiet", "-am", "secret")

    run = oaskit("diff", "--format", "json", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml")

    assert run.code == 2
    problems = json.loads(run.out)["problems"]
    assert {p["code"] for p in problems} == {"ref-unresolvable"}
    assert {p["file"] for p in problems} == {"HEAD:spec/openapi.yaml"}
    assert "root:" not in run.out


def test_removes_the_unpacked_revision_when_the_diff_ends(
    oaskit: Oaskit, history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    assert oaskit("diff", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml").code == 0
    assert oaskit("diff", "HEAD:spec/missing.yaml", "HEAD:spec/openapi.yaml").code == 2
    assert list(scratch.iterdir()) == []


def test_needs_a_repository_when_a_side_is_a_revision(oaskit: Oaskit, workdir: Path) -> None:
    write(workdir, {"spec/openapi.yaml": ROOT})

    run = oaskit("diff", "HEAD:spec/openapi.yaml", "spec/openapi.yaml")

    assert run.code == 2
    assert run.err.startswith("oaskit: not inside a git repository")


def test_reads_a_file_when_its_name_looks_like_a_revision(tmp_path: Path) -> None:
    named = tmp_path / "main:openapi.yaml"
    named.write_text("openapi: 3.1.0\n", encoding="utf-8")

    assert parse_input(str(named)) == named
    assert parse_input(str(tmp_path / "main:other.yaml")) == Revision(
        str(tmp_path / "main"), PurePosixPath("other.yaml")
    )
    assert parse_input("origin/main:./spec//openapi.yaml") == Revision(
        "origin/main", PurePosixPath("spec/openapi.yaml")
    )


@pytest.mark.parametrize("text", ["main:", "main:.", "-x:spec.yaml", "a\x1bb:spec.yaml", "m:a\0b"])
def test_refuses_a_revision_input_when_it_cannot_name_a_file(text: str) -> None:
    with pytest.raises(RevisionError):
        parse_input(text)
