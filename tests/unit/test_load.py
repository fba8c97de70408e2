"""`oaskit.spec.load_document`: data plus 1-based positions, problems as values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oaskit.errors import Level, Location, SpecInputError
from oaskit.spec import load_document
from oaskit.spec._load import _JsonPositions, _load_yaml
from tests._specs import write_tree

NESTED = """\
openapi: 3.1.0
info:
  title: Items
  version: "1"
tags:
  - name: first
  - name: second
    description: The second tag.
"""


def test_records_positions_of_nested_values_when_loading_yaml(tmp_path: Path) -> None:
    document = load_document(write_tree(tmp_path, {"openapi.yaml": NESTED}))

    assert document.positions[()] == (1, 1)
    assert document.positions[("openapi",)] == (1, 10)
    assert document.positions[("info", "title")] == (3, 10)
    assert document.positions[("info", "version")] == (4, 12)
    assert document.positions[("tags", 1, "description")] == (8, 18)


def test_records_positions_of_list_items_when_loading_yaml(tmp_path: Path) -> None:
    document = load_document(write_tree(tmp_path, {"openapi.yaml": NESTED}))

    # A list item is where its mapping starts, after the `- `.
    assert document.positions[("tags", 0)] == (6, 5)
    assert document.positions[("tags", 1)] == (7, 5)
    assert document.locate(("tags", 1, "name")) == Location(tmp_path / "openapi.yaml", 7, 11)


def test_locates_nearest_ancestor_when_pointer_is_unknown(tmp_path: Path) -> None:
    document = load_document(write_tree(tmp_path, {"openapi.yaml": NESTED}))

    assert document.locate(("tags", 1, "missing", "deeper")) == document.locate(("tags", 1))


def test_reports_duplicate_key_at_second_key_when_mapping_repeats_a_key(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path,
        {
            "openapi.yaml": """\
            openapi: 3.1.0
            info:
              title: One
              version: "1"
              title: Two
            """
        },
    )

    document = load_document(path)

    assert [(p.code, p.message, p.location, p.level) for p in document.problems] == [
        ("duplicate-key", "duplicate key 'title'", Location(path, 5, 3), Level.ERROR)
    ]
    assert document.data["info"]["title"] == "Two"


def test_raises_input_syntax_at_bad_line_when_yaml_is_broken(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": "openapi: 3.1.0\ntags: [a, b\ninfo: {}\n"})

    with pytest.raises(SpecInputError) as caught:
        load_document(path)

    assert caught.value.finding.code == "input-syntax"
    assert caught.value.finding.location.file == path
    assert caught.value.finding.location.line == 3
    assert caught.value.finding.message.startswith("not valid YAML or JSON: ")


def test_keeps_string_when_date_is_unquoted(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path, {"openapi.yaml": "released: 2024-01-02\nat: 2024-01-02T03:04:05Z\n"}
    )

    document = load_document(path)

    assert document.data == {"released": "2024-01-02", "at": "2024-01-02T03:04:05Z"}


def test_turns_keys_into_strings_when_yaml_keys_are_numbers(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": "responses:\n  200: {}\n  true: {}\n"})

    document = load_document(path)

    assert list(document.data["responses"]) == ["200", "true"]


def test_loads_data_and_positions_when_input_is_json(tmp_path: Path) -> None:
    path = write_tree(
        tmp_path, {"openapi.json": '{\n  "openapi": "3.0.3",\n  "tags": [{"name": "a"}]\n}\n'}
    )

    document = load_document(path)

    assert document.data == {"openapi": "3.0.3", "tags": [{"name": "a"}]}
    assert document.positions[("tags", 0, "name")] == (3, 21)


def test_loads_json_when_it_is_indented_with_tabs(tmp_path: Path) -> None:
    # RFC 8259 allows tabs as whitespace; json.dumps(indent="\t") and Go's MarshalIndent emit them.
    data = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(data, indent="\t"), encoding="utf-8")

    document = load_document(path)

    assert document.data == data


def test_raises_spec_input_error_at_tag_when_yaml_has_unknown_tag(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": "openapi: 3.1.0\ninfo: !custom value\n"})

    with pytest.raises(SpecInputError) as caught:
        load_document(path)

    assert caught.value.finding.location.line == 2


def test_raises_spec_input_error_when_yaml_alias_is_recursive(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": "openapi: 3.1.0\nloop: &loop [*loop]\n"})

    with pytest.raises(SpecInputError):
        load_document(path)


def test_raises_input_unreadable_when_file_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"

    with pytest.raises(SpecInputError) as caught:
        load_document(path)

    assert caught.value.finding.code == "input-unreadable"
    assert caught.value.finding.location == Location(path, 1, 1)


def test_raises_input_unreadable_when_file_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_bytes(b"title: \xff\xfe\n")

    with pytest.raises(SpecInputError) as caught:
        load_document(path)

    assert caught.value.finding.code == "input-unreadable"


# Escapes, a raw line separator inside a string, a number in exponent form, empty containers,
# nested arrays, odd spacing and a minified stretch: the cases where a position could drift.
AWKWARD_JSON = (
    '{\n  "openapi" :"3.0.3",\n\t"info": {"title": "A \\"quoted\\" \\u00e9 title",'
    ' "version": "1"},\n  "x-sep": "before\u2028after", "x-num": [1, -2.5e3, true, null],\n'
    '  "paths": {"/a/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}},\n'
    '  "tags"  :  [ {"name":"a"},{"name":"b","description":"\\ud83d\\ude00"} ],\n'
    '  "components": {"schemas": {}, "examples": {"e": {"value": [[], [{}], [[1]]]}}}\n}\n'
)


def test_finds_the_same_positions_as_yaml_when_json_is_loaded_lazily(tmp_path: Path) -> None:
    # The JSON path finds positions on demand; the YAML path (which read JSON before) records
    # each while composing. Both must agree on every node.
    path = tmp_path / "openapi.json"
    path.write_text(AWKWARD_JSON, encoding="utf-8")

    lazy = load_document(path)
    composed = _load_yaml(path, AWKWARD_JSON.replace("\t", " "))

    # The values are JSON's (RFC 8259), where YAML 1.1 read `-2.5e3` as a string and left a
    # surrogate pair unjoined.
    assert lazy.data == json.loads(AWKWARD_JSON)
    assert isinstance(lazy.positions, _JsonPositions)
    assert dict(composed.positions) == {
        pointer: lazy.positions[pointer] for pointer in lazy.positions
    }
    assert set(lazy.positions) == set(composed.positions)


def test_falls_back_to_nearest_ancestor_when_json_pointer_is_missing(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.json": '{\n  "tags": [\n    {"name": "a"}\n  ]\n}\n'})

    document = load_document(path)

    assert ("tags", 0, "missing") not in document.positions
    assert ("tags", "0") not in document.positions
    assert document.locate(("tags", 0, "missing")) == Location(path, 3, 5)
    assert document.locate(("tags", 7)) == Location(path, 2, 11)


def test_reports_duplicate_key_when_json_repeats_a_key(tmp_path: Path) -> None:
    # `json` would keep the last value silently; such a file takes the YAML path, which reports.
    path = write_tree(tmp_path, {"openapi.json": '{\n  "a": 1,\n  "a": 2\n}\n'})

    document = load_document(path)

    assert [(p.code, p.location) for p in document.problems] == [
        ("duplicate-key", Location(path, 3, 3))
    ]


def test_reads_nan_as_yaml_did_when_json_has_a_non_json_constant(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.json": '{"x": NaN}'})

    assert load_document(path).data == {"x": "NaN"}
