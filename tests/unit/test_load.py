"""`oaskit.spec.load_document`: data plus 1-based positions, problems as values."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from oaskit.errors import Level, Location, SpecInputError
from oaskit.spec import _load, load_document
from oaskit.spec._load import MAX_DEPTH, _JsonPositions, _load_yaml
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


# Budgets and refusals for hostile input (issue #15): each a located SpecInputError.


def _refusal(path: Path) -> tuple[str, Location]:
    with pytest.raises(SpecInputError) as caught:
        load_document(path)
    return caught.value.finding.code, caught.value.finding.location


def test_raises_input_too_large_when_file_is_over_the_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_load, "MAX_BYTES", 64)
    path = write_tree(tmp_path, {"openapi.yaml": "x-pad: " + "a" * 80 + "\n"})

    assert _refusal(path) == ("input-too-large", Location(path))


def test_raises_input_too_deep_at_the_node_when_yaml_nests_past_the_limit(tmp_path: Path) -> None:
    deep = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH
    path = write_tree(tmp_path, {"openapi.yaml": deep})
    within = write_tree(tmp_path / "ok", {"openapi.yaml": deep.replace("[]", "", 1)})

    # The top-level mapping is level 0, so the list at column 4 + MAX_DEPTH - 1 is one too deep.
    assert _refusal(path) == ("input-too-deep", Location(path, 1, 4 + MAX_DEPTH - 1))
    assert load_document(within).data["a"] != []


def test_raises_input_too_deep_when_an_alias_puts_a_node_past_the_limit(tmp_path: Path) -> None:
    half = MAX_DEPTH // 2 + 1
    text = f"a: &deep {'[' * half}{']' * half}\nb: {'[' * half}*deep{']' * half}\n"
    path = write_tree(tmp_path, {"openapi.yaml": text})

    # Each half is within the limit as composed; built, `b` is twice as deep. Reported at the
    # alias that made it so.
    assert _refusal(path) == ("input-too-deep", Location(path, 2, 4 + half))


def test_raises_input_too_deep_at_the_node_when_json_nests_past_the_limit(tmp_path: Path) -> None:
    # Within the C parser's recursion guard, so only the depth check stops it.
    text = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    path = write_tree(tmp_path, {"openapi.json": text})

    assert _refusal(path) == ("input-too-deep", Location(path, 1, 7 + MAX_DEPTH - 1))


def test_raises_input_too_deep_when_json_nests_past_the_parsers_recursion_limit(
    tmp_path: Path,
) -> None:
    path = write_tree(tmp_path, {"openapi.json": "[" * 100_000 + "]" * 100_000})

    assert _refusal(path) == ("input-too-deep", Location(path, 1, MAX_DEPTH + 1))


def test_raises_input_too_large_at_the_alias_when_aliases_expand_past_the_budget(
    tmp_path: Path,
) -> None:
    # The "billion laughs": 10**9 strings from nine lines.
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        name, prev = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    path = write_tree(tmp_path, {"openapi.yaml": "\n".join(lines) + "\n"})

    code, location = _refusal(path)

    assert code == "input-too-large"
    # At an alias (`*x`), which the line of its anchor has none of before column 7.
    assert location.file == path
    assert location.line > 1
    assert path.read_text().splitlines()[location.line - 1][location.col - 1] == "*"


def test_expands_aliases_when_they_stay_within_the_budget(tmp_path: Path) -> None:
    text = "a: &a {type: string}\nb: [*a, *a, *a]\n"
    path = write_tree(tmp_path, {"openapi.yaml": text})

    assert load_document(path).data["b"] == [{"type": "string"}] * 3


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_raises_input_too_large_at_the_number_when_it_has_over_4300_digits(
    tmp_path: Path, suffix: str
) -> None:
    text = '{"x-n": [1, ' + "7" * 5000 + "]}"
    path = write_tree(tmp_path, {f"openapi.{suffix}": text})

    code, location = _refusal(path)

    assert (code, location) == ("input-too-large", Location(path, 1, 13))


@pytest.mark.parametrize(
    ("text", "col"),
    [
        ("a: !foo {type: string}\n", 4),
        ("a: !!python/object:os.system [x]\n", 4),
        ("a: !!python/name:os.system\n", 4),
        ("a: !!binary aGk=\n", 4),
        ("a: !!set {x: null}\n", 4),
        ("!!python/tuple [1]: x\n", 1),
    ],
)
def test_raises_input_syntax_at_the_node_when_yaml_has_a_non_json_tag(
    tmp_path: Path, text: str, col: int
) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": text})

    assert _refusal(path) == ("input-syntax", Location(path, 1, col))


def test_raises_input_syntax_when_a_mapping_key_is_a_mapping(tmp_path: Path) -> None:
    path = write_tree(tmp_path, {"openapi.yaml": "? {a: 1}\n: x\n"})

    assert _refusal(path) == ("input-syntax", Location(path, 1, 3))


def test_reads_the_document_when_it_starts_with_a_utf8_byte_order_mark(tmp_path: Path) -> None:
    # YAML 1.2 5.2 and RFC 8259 8.1 let a parser accept the mark; positions ignore it.
    path = tmp_path / "openapi.yaml"
    path.write_bytes(b"\xef\xbb\xbfopenapi: 3.1.0\n")

    document = load_document(path)

    assert document.data == {"openapi": "3.1.0"}
    assert document.positions[("openapi",)] == (1, 10)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_raises_input_unreadable_naming_the_encoding_when_file_is_utf16_or_32(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_bytes("openapi: 3.1.0\n".encode(encoding))

    with pytest.raises(SpecInputError) as caught:
        load_document(path)

    assert caught.value.finding.code == "input-unreadable"
    assert encoding.upper() in caught.value.finding.message


def test_locates_the_first_byte_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_bytes(b"openapi: 3.1.0\ntitle: \xc3\xa9\xff\n")

    assert _refusal(path) == ("input-unreadable", Location(path, 2, 9))


def test_raises_input_unreadable_without_blocking_when_the_file_is_a_fifo(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    os.mkfifo(path)

    # Opening a FIFO for reading would wait for a writer; the check is made before reading.
    with pytest.raises(SpecInputError) as caught:
        load_document(path)

    assert caught.value.finding.code == "input-unreadable"
    assert "FIFO" in caught.value.finding.message


def test_raises_input_unreadable_when_the_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(SpecInputError) as caught:
        load_document(tmp_path)

    assert caught.value.finding.code == "input-unreadable"
    assert "directory" in caught.value.finding.message


def test_raises_input_too_large_when_yaml_is_over_the_yaml_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_load, "MAX_YAML_BYTES", 64)
    yaml_path = write_tree(tmp_path, {"openapi.yaml": "x-pad: " + "a" * 80 + "\n"})
    json_path = write_tree(tmp_path, {"openapi.json": '{"x-pad": "' + "a" * 80 + '"}'})

    # JSON goes through the C parser, so the larger limit is its own.
    assert _refusal(yaml_path) == ("input-too-large", Location(yaml_path))
    assert load_document(json_path).data == {"x-pad": "a" * 80}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: 0x" + "f" * 4000 + "\n", "input-too-large"),
        ("a: !!int ten\n", "input-syntax"),
        ("a: !!float ten\n", "input-syntax"),
    ],
)
def test_raises_at_the_value_when_a_yaml_number_cannot_be_written_back(
    tmp_path: Path, text: str, code: str
) -> None:
    # 4000 hexadecimal digits pass `int()` but make over 4300 decimal ones, which `str()` refuses.
    path = write_tree(tmp_path, {"openapi.yaml": text})

    assert _refusal(path) == (code, Location(path, 1, 4))


KEYED = """\
openapi: 3.1.0
paths:
  /items:
    get: {}
  "/quoted?x":
    get: {}
components:
  schemas:
    Item: {type: object}
"""


def test_locates_keys_of_paths_and_components_when_loading_yaml(tmp_path: Path) -> None:
    document = load_document(write_tree(tmp_path, {"openapi.yaml": KEYED}))

    assert document.locate_key(("paths", "/items")) == Location(document.path, 3, 3)
    assert document.locate_key(("paths", "/quoted?x")) == Location(document.path, 5, 3)
    assert document.locate_key(("components", "schemas", "Item")) == Location(document.path, 9, 5)
    assert document.locate_key(("paths", "/items", "get")) == Location(document.path, 4, 5)
    # Deeper keys are not kept: the member's own position stands in.
    schema_type = ("components", "schemas", "Item", "type")
    assert document.locate_key(schema_type) == Location(document.path, 9, 18)


def test_locates_keys_at_any_depth_when_loading_json(tmp_path: Path) -> None:
    text = '{"paths": {"/items": {"get": {}}, "/b?x": {}}, "tags": [{"name": "t"}]}'
    document = load_document(write_tree(tmp_path, {"openapi.json": text}))

    assert document.locate_key(("paths", "/items")) == Location(document.path, 1, 12)
    assert document.locate_key(("paths", "/b?x")) == Location(document.path, 1, 35)
    assert document.locate_key(("paths", "/items", "get")) == Location(document.path, 1, 23)
    # An array item has no key: its own position.
    assert document.locate_key(("tags", 0)) == Location(document.path, 1, 57)
