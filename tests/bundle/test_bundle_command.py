"""`oaskit bundle` as a user meets it: formats, names, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from oaskit.cli import main
from tests._specs import write_tree

ROOT = """\
openapi: {version}
info:
  title: Pets
  version: "1"
paths:
  /pets:
    $ref: ./paths/pets.yaml
components:
  schemas:
    Pet:
      description: The root's own Pet keeps its name.
      type: string
"""
PATHS = """\
get:
  operationId: listPets
  parameters:
    - $ref: ../lib/common.yaml#/Limit
  responses:
    "200":
      description: Pets.
      content:
        application/json:
          schema:
            type: object
            properties:
              cats:
                $ref: ../cats/Pet.yaml
              dogs:
                $ref: ../dogs/Pet.yaml
              again:
                $ref: ../cats/Pet.yaml
"""
FILES = {
    "openapi.yaml": ROOT.format(version="3.1.0"),
    "paths/pets.yaml": PATHS,
    "lib/common.yaml": "Limit:\n  name: limit\n  in: query\n  schema:\n    type: integer\n",
    "cats/Pet.yaml": "type: object\nproperties:\n  meows:\n    type: boolean\n",
    "dogs/Pet.yaml": "type: object\nproperties:\n  barks:\n    type: boolean\n",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def bundle(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["bundle", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_hoists_each_target_once_and_never_takes_a_name_in_use(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_tree(workdir, FILES)

    code, out, _ = bundle(str(spec), capsys=capsys)

    assert code == 0
    document = yaml.safe_load(out)
    schemas = document["components"]["schemas"]
    # The root's Pet stays; the two files named Pet.yaml become Pet2 and Pet3, each once.
    assert schemas["Pet"]["type"] == "string"
    members = document["paths"]["/pets"]["get"]["responses"]["200"]["content"]
    properties = members["application/json"]["schema"]["properties"]
    assert properties["cats"] == properties["again"] == {"$ref": "#/components/schemas/Pet2"}
    assert properties["dogs"] == {"$ref": "#/components/schemas/Pet3"}
    assert set(schemas["Pet2"]["properties"]) == {"meows"}
    # A piece of a file is named after the file and the member: lib/common.yaml#/Limit.
    assert document["paths"]["/pets"]["get"]["parameters"] == [
        {"$ref": "#/components/parameters/CommonLimit"}
    ]
    # A path item is written out in `paths`, where every reader looks for operations.
    assert document["paths"]["/pets"]["get"]["operationId"] == "listPets"
    assert "pathItems" not in document["components"]


def test_bundles_openapi_3_0_alike(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_tree(workdir, {**FILES, "openapi.yaml": ROOT.format(version="3.0.3")})

    code, out, _ = bundle(str(spec), capsys=capsys)

    assert code == 0
    document = yaml.safe_load(out)
    assert document["openapi"] == "3.0.3"
    assert document["paths"]["/pets"]["get"]["operationId"] == "listPets"
    assert set(document["components"]["schemas"]) == {"Pet", "Pet2", "Pet3"}


def test_picks_the_format_from_the_output_then_the_spec(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_tree(workdir, FILES)
    as_json = workdir / "pets.json"
    json_spec = workdir / "single.json"
    json_spec.write_text(json.dumps(yaml.safe_load(ROOT.format(version="3.1.0")) | {"paths": {}}))

    assert bundle(str(spec), "-o", str(as_json), capsys=capsys)[0] == 0
    code, out, _ = bundle(str(json_spec), capsys=capsys)
    forced = bundle(str(spec), "--format", "json", capsys=capsys)[1]

    assert json.loads(as_json.read_text(encoding="utf-8"))["info"]["title"] == "Pets"
    assert code == 0
    assert json.loads(out)["paths"] == {}
    assert json.loads(forced) == json.loads(as_json.read_text(encoding="utf-8"))


def test_writes_nothing_when_a_reference_is_broken(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_tree(workdir, FILES)
    (workdir / "dogs" / "Pet.yaml").unlink()
    out = workdir / "out.yaml"
    out.write_text("kept\n", encoding="utf-8")

    code, stdout, err = bundle(str(spec), "-o", str(out), capsys=capsys)

    assert code == 1
    assert stdout == ""
    assert "paths/pets.yaml:16:" in err
    assert "ref-unresolvable" in err
    assert "did you mean" in err or "Pet.yaml" in err
    assert out.read_text(encoding="utf-8") == "kept\n"


def test_refuses_to_overwrite_a_file_of_the_spec(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_tree(workdir, FILES)
    before = (workdir / "cats" / "Pet.yaml").read_text(encoding="utf-8")

    code, _, err = bundle(str(spec), "-o", "cats/Pet.yaml", capsys=capsys)

    assert code == 2
    assert "one of the spec's own files" in err
    assert (workdir / "cats" / "Pet.yaml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("../../outside.yaml", "ref-outside-root"),
        ("https://example.com/pet.yaml", "ref-remote"),
        ("file:///etc/passwd", "ref-remote"),
    ],
)
def test_refuses_references_that_leave_the_folder(
    workdir: Path, capsys: pytest.CaptureFixture[str], ref: str, code: str
) -> None:
    outside = workdir / "outside.yaml"
    outside.write_text("type: string\ndescription: TOPSECRET\n", encoding="utf-8")
    spec = write_tree(workdir / "api", {**FILES, "cats/Pet.yaml": f"$ref: {ref}\n"})

    status, out, err = bundle(str(spec), capsys=capsys)

    assert status == 2
    assert out == ""
    assert f" {code} " in err
    assert "cats/Pet.yaml:1:" in err
    # The file outside was never read: nothing of it is in the output or the message.
    assert "TOPSECRET" not in out + err
    assert "Traceback" not in err


def test_says_where_a_missing_spec_or_folder_is(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_tree(workdir, FILES)

    missing = bundle("nope.yaml", capsys=capsys)
    no_folder = bundle(str(spec), "-o", "no/such/folder/out.yaml", capsys=capsys)

    assert missing[0] == 2
    assert missing[2].startswith("nope.yaml:1:1 input-unreadable")
    assert no_folder[0] == 2
    assert "does not exist" in no_folder[2]
    assert not (workdir / "no").exists()
