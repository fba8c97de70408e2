"""`oaskit bundle` on the project's specs and a spec with cycles across files: golden output,
one definition per target, every `$ref` local and resolving, valid OpenAPI, deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from oaskit.cli import main
from oaskit.spec import bundle_spec, parse_pointer, validate_bundle
from tests.bundle.conftest import EXPECTED, SPECS

UPDATE = os.environ.get("OASKIT_UPDATE_GOLDEN") == "1"
OASKIT = str(Path(sys.executable).with_name("oaskit"))


def bundled(name: str, tmp_path: Path, *, format: str = "yaml") -> Path:
    out = tmp_path / f"{name}.{format}"
    assert main(["-q", "bundle", str(SPECS[name]), "-o", str(out)]) == 0
    return out


def refs(node: Any) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        each = stack.pop()
        if isinstance(each, dict):
            if isinstance(each.get("$ref"), str):
                found.append(each["$ref"])
            stack.extend(each.values())
        elif isinstance(each, list):
            stack.extend(each)
    return found


def resolve(document: Any, ref: str) -> Any:
    node = document
    for token in parse_pointer(ref[1:]):
        node = node[int(token)] if isinstance(node, list) else node[str(token)]
    return node


@pytest.mark.parametrize("name", sorted(SPECS))
def test_matches_the_golden_bundle(name: str, tmp_path: Path) -> None:
    text = bundled(name, tmp_path).read_text(encoding="utf-8")

    expected = EXPECTED / f"{name}.yaml"
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_keeps_only_local_refs_that_resolve_and_validates(name: str, tmp_path: Path) -> None:
    out = bundled(name, tmp_path)
    document = yaml.safe_load(out.read_text(encoding="utf-8"))

    for ref in refs(document):
        assert ref.startswith("#/"), ref
        resolve(document, ref)
    # The bundle read back is one file, valid, and bundles to itself.
    again = bundle_spec(out)
    assert again.files == (out.resolve(),)
    assert again.problems == []
    assert [f for f in validate_bundle(again) if f.level.label == "error"] == []
    assert again.data == document


@pytest.mark.parametrize("name", sorted(SPECS))
def test_defines_each_target_once(name: str, tmp_path: Path) -> None:
    document = yaml.safe_load(bundled(name, tmp_path).read_text(encoding="utf-8"))
    components = document["components"]

    # No two components of a section hold the same definition (a target hoisted twice).
    for section, entries in components.items():
        if section == "examples":
            continue  # two examples may well show the same value
        bodies = Counter(json.dumps(entry, sort_keys=True) for entry in entries.values())
        twice = [body[:80] for body, count in bodies.items() if count > 1]
        assert twice == [], section
    # Nothing external is left inlined twice: every schema written in a file of its own is a
    # component, referenced rather than copied.
    text = json.dumps(document)
    for name_, schema in components.get("schemas", {}).items():
        if isinstance(schema, dict) and len(json.dumps(schema)) > 200:
            assert text.count(json.dumps(schema)) == 1, name_


def test_cycles_across_files_stay_references(tmp_path: Path) -> None:
    document = yaml.safe_load(bundled("cycles", tmp_path).read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]

    # Node -> Edge -> Node, and Node's `$ref: '#'` to itself, are references, not copies.
    assert schemas["Edge"]["properties"]["to"] == {"$ref": "#/components/schemas/Node"}
    assert schemas["Node"]["properties"]["edges"]["items"] == {"$ref": "#/components/schemas/Edge"}
    assert schemas["Node"]["properties"]["parent"] == {"$ref": "#/components/schemas/Node"}
    # A `$defs` entry is hoisted under its own name, and not left behind as a second copy.
    assert schemas["Node"]["properties"]["meta"] == {"$ref": "#/components/schemas/Meta"}
    assert "$defs" not in schemas["Node"]
    # Named components of a shared file keep their names, in the section of their kind.
    assert document["components"]["parameters"]["TreeId"]["name"] == "treeId"
    assert document["paths"]["/trees/{treeId}"]["parameters"] == [
        {"$ref": "#/components/parameters/TreeId"}
    ]
    assert document["components"]["responses"]["NotFound"]["description"] == "Nothing is there."


def test_names_pieces_of_a_shared_file_after_the_file_and_member(tmp_path: Path) -> None:
    document = yaml.safe_load(bundled("supermetrics", tmp_path).read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]

    team = schemas["Connector"]["properties"]["team_id"]
    assert team == {"$ref": "#/components/schemas/ConnectorPropertiesTeamId"}
    assert schemas["ConnectorPropertiesTeamId"]["type"] == "integer"


@pytest.mark.parametrize("name", ["connectors", "cycles"])
def test_is_the_same_in_any_process_and_as_json(name: str, tmp_path: Path) -> None:
    yaml_text = bundled(name, tmp_path).read_text(encoding="utf-8")
    json_out = bundled(name, tmp_path, format="json")
    outputs = set()
    for seed in ("0", "1", "4242"):
        done = subprocess.run(
            [OASKIT, "bundle", str(SPECS[name]), "--format", "yaml"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(done.stdout)

    assert outputs == {yaml_text}
    assert json.loads(json_out.read_text(encoding="utf-8")) == yaml.safe_load(yaml_text)
