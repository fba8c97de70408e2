"""`ir/_docs`: Google-style docstrings of operations from `summary` and `description`."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from oaskit.ir import OperationDoc, build_api
from oaskit.ir._docs import MAX_DESCRIPTION_LINES, WIDTH
from oaskit.pipeline import generate_package


def _spec(operation: dict[str, Any]) -> dict[str, Any]:
    operation = {
        "operationId": "getItem",
        "responses": {"200": {"description": "The item."}},
        **operation,
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {"/items/{itemId}": {"get": operation}},
    }


def _doc(**operation: Any) -> OperationDoc:
    api = build_api(_spec(operation), name="t", source="t.yaml", package="t")
    return api.operations[0].doc


def _lines(doc: OperationDoc) -> list[str]:
    lines = [line for paragraph in doc.paragraphs for line in paragraph]
    lines += [line for entry in (*doc.args, *doc.raises) for line in entry.lines]
    return [*lines, *doc.returns]


def test_first_line_is_the_summary_with_a_period_when_there_is_one() -> None:
    doc = _doc(summary="Get an item", description="Reads one item.\n\nBy its id.")
    assert doc.first_line == "Get an item."
    assert doc.paragraphs == (("Reads one item.",), ("By its id.",))


def test_first_line_is_the_first_sentence_when_only_a_description_is_given() -> None:
    doc = _doc(description="Reads one item by its id. Another organization's is not found.")
    assert doc.first_line == "Reads one item by its id."
    assert doc.paragraphs == (("Reads one item by its id. Another organization's is not found.",),)


def test_description_of_one_sentence_is_not_repeated_below_the_first_line() -> None:
    doc = _doc(description="Reads one item.")
    assert doc.first_line == "Reads one item."
    assert doc.paragraphs == ()


def test_summary_equal_to_the_description_is_not_repeated() -> None:
    assert _doc(summary="Reads one item", description="Reads one item.").paragraphs == ()


def test_first_line_is_method_and_path_when_there_is_no_text() -> None:
    doc = _doc(responses={"204": {"description": ""}})
    assert doc.first_line == "GET /items/{itemId}"
    assert doc.paragraphs == ()


def test_long_first_sentence_is_cut_at_a_word_when_it_does_not_fit() -> None:
    doc = _doc(description="word " * 60)
    assert len(doc.first_line) <= WIDTH - 14
    assert doc.first_line.endswith("word...")


def test_markdown_is_wrapped_lists_and_code_kept_html_dropped_when_described() -> None:
    description = (
        "# Heading\n\nA <b>bold</b> claim &amp; a [link](https://x.test) for "
        + "long text " * 20
        + "\n\n- first item\n- second item that goes on "
        + "and on " * 15
        + "\n\n```\ncode line\n```\n\nprojects/<project>/items<br/>next line"
    )
    doc = _doc(summary="S", description=description)
    heading, prose, items, code, *tail = doc.paragraphs
    assert heading == ("Heading",)
    assert prose[0].startswith("A bold claim & a link (https://x.test) for long text")
    assert all(len(line) <= WIDTH - 8 for paragraph in doc.paragraphs for line in paragraph)
    assert items[0] == "- first item"
    assert items[1].startswith("- second item")
    assert items[2].startswith("  ")  # continuation under the item's text
    assert not items[2].startswith("   ")
    assert code == ("    code line",)
    assert tail == [("projects/<project>/items",), ("next line",)]


def test_description_is_bounded_when_it_is_very_long() -> None:
    doc = _doc(summary="S", description="\n\n".join(f"Paragraph {i}." for i in range(100)))
    lines = [line for paragraph in doc.paragraphs for line in paragraph]
    assert len(lines) + len(doc.paragraphs) - 1 <= MAX_DESCRIPTION_LINES
    assert lines[-1].endswith("...")


def test_args_describe_each_parameter_and_the_body_when_described_or_not() -> None:
    doc = _doc(
        parameters=[
            {"name": "itemId", "in": "path", "required": True, "description": "The item's id."},
            {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
        ],
        requestBody={
            "description": "The new item.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    )
    assert [(entry.name, entry.text) for entry in doc.args] == [
        ("item_id", "The item's id."),
        ("body", "The new item."),
        ("x_trace", "The `X-Trace` header parameter."),
    ]
    assert doc.args[0].lines == ("item_id: The item's id.",)


def test_returns_and_raises_follow_the_documented_responses() -> None:
    doc = _doc(
        responses={
            "200": {"description": "The item."},
            "404": {"description": "No such item " + "really " * 20},
            "default": {"description": "Anything else."},
        }
    )
    assert doc.returns == ("The item.",)
    assert [entry.name for entry in doc.raises] == ["NotFoundError", "ApiResponseError"]
    assert doc.raises[0].lines[0].startswith("NotFoundError: (404) No such item")
    assert all(line.startswith("    ") for line in doc.raises[0].lines[1:])
    assert all(len(line) <= WIDTH - 12 for line in _lines(doc))
    assert doc.error_statuses == ("404", "default")
    assert doc.handler_raises == (
        "ApiError: To answer with an error; the spec documents 404, default.",
    )


_HOSTILE = [
    'ends """ here',
    '"""',
    'ends with "',
    "back\\slash \\N{BULLET} \\x22\\",
    "carriage\rreturn",
    "line\u2028separator\u2029paragraph",
    "NUL \x00 and \x85 next line",
]


@pytest.mark.parametrize("text", _HOSTILE)
def test_docstrings_read_back_and_hold_no_code_when_the_text_is_hostile(
    tmp_path: Path, text: str
) -> None:
    """Summary, description, parameter and response text stay inside the docstrings."""
    spec = _spec(
        {
            "summary": text,
            "description": f"{text}\n\n- {text}\n\n```\n{text}\n```",
            "parameters": [
                {
                    "name": "itemId",
                    "in": "path",
                    "required": True,
                    "description": text,
                    "schema": {"type": "string"},
                }
            ],
            "responses": {"200": {"description": text}, "404": {"description": text}},
        }
    )
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    files = generate_package(spec_path, name="t", package="t", source="t.yaml")
    word = " ".join(text.split()).split()[0]
    for module in ("client.py", "server.py"):
        tree = ast.parse(files[module])
        methods = [
            node
            for cls in tree.body
            if isinstance(cls, ast.ClassDef)
            for node in cls.body
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.name == "get_item"
        ]
        assert methods
        for method in methods:
            body = method.body
            # The docstring, then code of ours: no statement came from the text.
            assert isinstance(body[0], ast.Expr)
            assert isinstance(body[0].value, ast.Constant)
            doc = body[0].value.value
            assert isinstance(doc, str)
            assert word in doc
            assert "Args:" in doc
            assert all(len(line) <= 100 for line in files[module].splitlines() if '"' not in line)
