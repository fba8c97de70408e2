"""No code from a spec ever runs: spec text reaches generated code as data (issue #15).

Each test writes a spec whose strings try to leave their place in the generated code (close a
docstring or a string, end a comment line, pick the file's encoding), regenerates, then imports
every generated module in a fresh interpreter and drives the client (httpx.MockTransport) and the
server (create_app + TestClient). A payload that ran would touch the canary file; the docstrings,
names and values must hold the spec's text (or, for names, its sanitised form).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from oaskit.cli import main
from oaskit.ir import comment, docstring, docstring_line, literal, snake_name
from oaskit.pipeline import GenerationError, check_compiles, generate_package
from tests.functional._importable import generated_package

# Slash-free, so it also fits in a file name; the canary's path comes from the environment.
CODE = '__import__("pathlib").Path(__import__("os").environ["OASKIT_CANARY"]).touch()'
# Every way out of a context that text was ever pasted into, each followed by the code.
PAYLOADS = {
    "docstring": f'x"""; {CODE}; """',
    "docstring-single": f"x'''; {CODE}; '''",
    "trailing-quote": f'x"; {CODE}; "',
    "string": f"x'; {CODE}; '",
    "newline": f"x\n{CODE}\n#",
    "carriage-return": f"x\r{CODE}\r#",
    "line-separator": f"x\u2028{CODE}\u2029#",
    "form-feed": f"x\x0c{CODE}\x0b#",
    "next-line": f"x\x85{CODE}\x1c#",
    "backslash": f"x\\\n{CODE}\\",
    "escapes": f'\\N{{QUOTATION MARK}}\\x22\\x22\\x22; {CODE}; \\"',
    "f-string": f"/{{{CODE}}}",
    "jinja": f"{{{{ {CODE} }}}}{{% if true %}}{CODE}{{% endif %}}",
    "nul": f"x\x00{CODE}",
}
# The positions of a spec that reach generated code; `build_spec` takes a string for each.
POSITIONS = (
    "title",
    "version",
    "tag",
    "tag_description",
    "path",
    "operation_id",
    "summary",
    "description",
    "query",
    "header",
    "cookie",
    "parameter_description",
    "response_description",
    "response_header",
    "security",
    "server",
    "schema",
    "schema_title",
    "schema_description",
    "property",
    "property_description",
    "default",
    "pattern",
    "example",
    "enum",
)


def path_text(text: str) -> str:
    """`text` as `build_spec` puts it in a path key: without `#` and `?`, which regen refuses
    there (no request reaches such a path, `spec/_path_keys`)."""
    return text.replace("#", "").replace("?", "")


def build_spec(texts: Mapping[str, str]) -> dict[str, Any]:
    """An OpenAPI 3.1 document with `texts[position]` at each of `POSITIONS`.

    A schema name must match `^[a-zA-Z0-9._-]+$` (the OAS schema refuses others), so it keeps
    only those characters of its text; a pattern must be a regular expression, so its text is
    matched literally (`re.escape`, which adds backslashes of its own); a path key starts with `/`.
    """
    pattern = re.escape(texts["pattern"])
    schema = "".join(c for c in texts["schema"] if c.isascii() and (c.isalnum() or c in "._-"))
    schema = f"S{schema}"
    ref = {"$ref": f"#/components/schemas/{schema}"}
    parameters = [
        {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}},
        {
            "name": texts["query"],
            "in": "query",
            "description": texts["parameter_description"],
            "schema": {
                "type": "string",
                "enum": [texts["enum"], "plain"],
                "default": texts["default"],
                "examples": [texts["example"]],
            },
        },
        {
            "name": texts["header"],
            "in": "header",
            "schema": {"type": "string", "pattern": pattern},
        },
        {"name": texts["cookie"], "in": "cookie", "schema": {"type": "string"}},
    ]
    response = {
        "description": texts["response_description"],
        "headers": {texts["response_header"]: {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": ref}},
    }
    operation = {
        "operationId": texts["operation_id"],
        "summary": texts["summary"],
        "description": texts["description"],
        "tags": [texts["tag"]],
        "security": [{texts["security"]: []}, {}],
        "responses": {"200": response, "default": {"description": texts["description"]}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": texts["title"], "version": texts["version"]},
        "servers": [{"url": texts["server"]}],
        "tags": [{"name": texts["tag"], "description": texts["tag_description"]}],
        "paths": {
            "/items/{itemId}/" + path_text(texts["path"]): {
                "get": {**operation, "parameters": parameters},
                "post": {
                    **operation,
                    "operationId": texts["operation_id"] + "Post",
                    "parameters": parameters[:1],
                    "requestBody": {"content": {"application/json": {"schema": ref}}},
                },
            }
        },
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
            "schemas": {
                schema: {
                    "type": "object",
                    "title": texts["schema_title"],
                    "description": texts["schema_description"],
                    "properties": {
                        texts["property"]: {
                            "type": "string",
                            "description": texts["property_description"],
                            "title": texts["schema_title"],
                            "default": texts["default"],
                            "pattern": pattern,
                            "examples": [texts["example"]],
                        },
                        "choice": {"type": "string", "enum": [texts["enum"], "plain"]},
                    },
                }
            },
        },
    }


def write_package(root: Path, files: Mapping[str, str], *, package: str) -> None:
    """Write a generated package below `root`."""
    for relative, text in files.items():
        target = root / package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


# Run in a fresh interpreter: imports every module of the package, calls every client method of
# both clients on a mock transport and every documented route of the server. Prints what the
# package holds (docstrings, model strings, requested paths) as JSON.
_EXERCISE = r"""
import asyncio, enum, inspect, json, re, sys, urllib.parse
from pathlib import Path
import httpx
from pydantic import BaseModel

root, package = Path(sys.argv[1]), sys.argv[2]
sys.path.insert(0, str(root))
report = {"docs": [], "strings": [], "names": [], "paths": [], "errors": []}
modules = {}
for file in sorted((root / package).rglob("*.py")):
    parts = file.relative_to(root).with_suffix("").parts
    name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    modules[name] = __import__(name, fromlist=["_"])
for module in modules.values():
    report["docs"].append(module.__doc__ or "")
    for value in vars(module).values():
        if not (inspect.isclass(value) and value.__module__ == module.__name__):
            continue
        report["names"].append(value.__name__)
        report["docs"].append(value.__doc__ or "")
        for member, attribute in vars(value).items():
            report["names"].append(member)
            if inspect.isfunction(attribute):
                report["docs"].append(attribute.__doc__ or "")
        if issubclass(value, enum.Enum):
            report["strings"].extend(str(m.value) for m in value)
        if issubclass(value, BaseModel):
            report["names"].extend(value.model_fields)
            for field in value.model_fields.values():
                found = [field.alias, field.description, field.title, field.default]
                found += list(field.examples or [])
                found += [getattr(m, "pattern", None) for m in field.metadata]
                report["strings"].extend(s for s in found if isinstance(s, str))

client_module = modules[package + ".client"]
sent = []
def answer(request):
    sent.append(urllib.parse.unquote(request.url.raw_path.decode("ascii").split("?")[0]))
    return httpx.Response(200, json={})
def arguments(method):
    values = {}
    for parameter in list(inspect.signature(method).parameters.values())[1:]:
        if parameter.default is inspect.Parameter.empty:
            values[parameter.name] = {} if parameter.name == "body" else "v"
    return values
for name in dir(client_module):
    cls = getattr(client_module, name)
    # The generated clients, not the runtime's base classes they import.
    own = inspect.isclass(cls) and cls.__module__ == client_module.__name__
    if not (own and name.endswith("Client")):
        continue
    is_async = name.startswith("Async")
    transport = httpx.MockTransport(answer)
    client = cls("http://testserver", transport=transport)
    for method_name, method in vars(cls).items():
        if method_name.startswith(("_", "iter_")) or method_name in ("close", "etag"):
            continue
        try:
            call = method(client, **arguments(method))
            if is_async:
                asyncio.run(call)
        except Exception as exc:  # a payload that ran would show as the canary, not here
            report["errors"].append(f"{name}.{method_name}: {type(exc).__name__}: {exc}")
report["paths"] = sent

server = modules[package + ".server"]
from fastapi.responses import Response
from fastapi.testclient import TestClient
class Implementation:
    def __getattr__(self, name):
        async def handler(request, **arguments):
            return server.Reply(204)
        return handler
    async def authenticate(self, request, *, scheme, scopes):
        return None
    def render_error(self, request, error):
        return Response(status_code=error.status)
app = server.create_app(Implementation())
statuses = []
with TestClient(app, raise_server_exceptions=False) as http:
    for path, methods in server.PATHS.items():
        url = urllib.parse.quote(re.sub(r"\{itemId\}", "v", path), safe="/")
        for method in methods:
            headers = {"content-type": "application/json"}
            response = http.request(method, url, headers=headers, content=b"{}")
            statuses.append(response.status_code)
report["statuses"] = statuses
print(json.dumps(report))
"""


def exercise(root: Path, package: str, *, canary: Path) -> dict[str, Any]:
    """Import and drive the package below `root` in a fresh interpreter; what it holds."""
    result = subprocess.run(
        [sys.executable, "-c", _EXERCISE, str(root), package],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "OASKIT_CANARY": str(canary)},
        cwd=root,
    )
    assert not canary.exists(), f"a spec string ran as code:\n{result.stderr}"
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _all(text: str) -> dict[str, str]:
    return dict.fromkeys(POSITIONS, text)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_spec_strings_stay_data_when_they_try_to_leave_their_context(
    tmp_path: Path, payload: str
) -> None:
    """Every position at once holds the payload; importing and driving the package runs none."""
    spec = build_spec(_all(payload))
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    files = generate_package(spec_path, name="attack", package="attack", source=payload)
    write_package(tmp_path, files, package="attack")
    canary = tmp_path / "canary"
    report = exercise(tmp_path, "attack", canary=canary)

    one_line = " ".join(payload.split())
    # Docstrings read back as the spec's text: title and version, tag, path, operation id.
    assert any(one_line in doc for doc in report["docs"])
    assert any(f"`{one_line}`" in doc for doc in report["docs"])  # tag and operation id
    # Models keep descriptions, titles, defaults, examples, patterns, aliases and enum values.
    assert payload in report["strings"]
    # Every name the spec chose is an identifier, none a dunder, none with the payload's code.
    spec_names = [n for n in report["names"] if not n.startswith("_")]
    assert all(n.isidentifier() and "(" not in n for n in spec_names)
    assert not any(n.startswith("__") and "import" in n for n in report["names"])
    # The client sends the spec's path: a `{`, `%` or newline in it stays in the path.
    assert f"/items/v/{path_text(payload)}" in report["paths"]
    assert report["statuses"], "the server answered no route"
    # Whatever the path holds, the server routes it (Starlette reads nothing in it as its own).
    assert 404 not in report["statuses"], report["statuses"]


def test_header_comment_holds_the_file_name_when_it_has_a_newline_and_quotes(
    tmp_path: Path,
) -> None:
    """The spec's file name is one line of the header comment, whatever it holds."""
    name = f"x\"'\n{CODE}\r\u2028#.json"
    spec_path = tmp_path / name
    spec_path.write_text(json.dumps(build_spec(_all("plain"))), encoding="utf-8")
    files = generate_package(spec_path, name="named", package="named", source=spec_path.name)
    write_package(tmp_path, files, package="named")
    exercise(tmp_path, "named", canary=tmp_path / "canary")
    for text in files.values():
        if text:
            first = text.split("\n", 1)[0]
            assert first.startswith("# Code generated by oaskit from x\"'\\n__import__")
            assert first.endswith(". DO NOT EDIT.")


def test_file_name_cannot_choose_the_encoding_when_it_declares_utf_7(tmp_path: Path) -> None:
    """PEP 263: `coding: utf-7` on line 1 would decode `+ACIAIgAi-` in the title as `\"\"\"`."""
    # In UTF-7, `+ACIAIgAi-` is `"""` and `+AAo-` a newline: harmless text in UTF-8.
    title = f"+ACIAIgAi-+AAo-{CODE}+AAo-+ACIAIgAi-"
    spec_path = tmp_path / "api coding: utf-7 .json"
    spec_path.write_text(json.dumps(build_spec(_all(title))), encoding="utf-8")
    files = generate_package(spec_path, name="seven", package="seven", source=spec_path.name)
    write_package(tmp_path, files, package="seven")
    report = exercise(tmp_path, "seven", canary=tmp_path / "canary")
    assert any(title in doc for doc in report["docs"])
    assert "coding :" in files["client.py"].split("\n", 1)[0]


def test_generation_fails_with_a_located_finding_when_a_module_does_not_compile() -> None:
    """A module Python cannot compile is a finding at the generated file and line."""
    with pytest.raises(GenerationError) as raised:
        check_compiles(
            {"ok.py": "x = 1\n", "bad.py": "x = 1\n'''\n", "py.typed": ""}, package="p.q"
        )
    (finding,) = raised.value.findings
    assert finding.code == "generated-code-invalid"
    assert (finding.location.file, finding.location.line) == (Path("p/q/bad.py"), 2)


def test_regen_exits_2_and_writes_nothing_when_a_template_writes_invalid_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An override template whose output does not compile stops regen before any write."""
    templates = tmp_path / "templates" / "package"
    templates.mkdir(parents=True)
    # Parses for ruff (it formats it), yet no Python compiles it.
    (templates / "__init__.py.jinja").write_text(
        '{{ api.header }}\n"""Doc."""\nx = 1\nfrom __future__ import annotations\n',
        encoding="utf-8",
    )
    (tmp_path / "spec.json").write_text(json.dumps(build_spec(_all("plain"))), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oaskit]\ntemplates = "templates"\n[[tool.oaskit.apis]]\nname = "demo"\n'
        'spec = "spec.json"\npackage = "out.demo"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    code = main(["regen", "--no-cache"])
    assert code == 2
    assert "generated-code-invalid" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# What a built-in template may print without an escaping filter: names, annotations and numbers
# the IR derived (never spec text pasted), and the header, which the IR escapes itself.
_DERIVED = re.compile(
    r"(api\.(header|package|client_class)|tag\.protocol|error\.(name|status)"
    r"|op\.(name|parameters_type|return_annotation|idempotency_parameter|method|retryable)"
    # Python source the IR wrote with `literal` for every string in it.
    r"|op\.client_url|op\.body\.(shape|encoding)|p\.(shape|validated_annotation|default|explode|allow_reserved)"
    r"|op\.body\.(annotation|handler_annotation|model|required|validated_type)|r\.(model|parse_type)|p\.(python_name|annotation)"
    r"|op\.pagination\.(cursor_parameter|item_annotation)|name|aw|ad"
    r"|client_class\((true|false)\)|\"[^\"]*\"( if .*)?"
    # The models: class, member and field names, annotations and defaults the IR wrote (spec
    # strings in them through `literal`), and the modules that hold them.
    r"|model\.(name|root|base)|member\.(name|value)|field\.(name|annotation|default)"
    r"|path|module|\w+ \| join\(\", \"\)"
    # The docstring macro, whose own expressions are checked like the rest.
    r"|op_docstring\(op\.doc(, server=True)?\))"
)
_ESCAPED = re.compile(r".*\|\s*(pyrepr|docstring|docline|oneline)")


def test_built_in_templates_print_spec_text_only_through_an_escaping_filter() -> None:
    """House rule 15 for templates: every `{{ … }}` escapes, or prints what the IR derived."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    unescaped = [
        f"{path.name}: {{{{ {expression} }}}}"
        for path in sorted(templates.rglob("*.jinja"))
        for expression in re.findall(r"\{\{-?\s*(.*?)\s*-?\}\}", path.read_text(encoding="utf-8"))
        if not (_ESCAPED.fullmatch(expression) or _DERIVED.fullmatch(expression))
    ]
    assert not unescaped


_TRICKY = [
    '"""',
    'ends with "',
    '"starts',
    "ends with \\",
    "\\N{BULLET} \\x41 \\u0041 \\",
    "NUL \x00 and \ud800 lone",
    "lines\nand\rbreaks\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    "\U0001f600 {{ x }} {% if %} '''",
]


@pytest.mark.parametrize("text", _TRICKY)
def test_escaped_text_reads_back_when_compiled(text: str) -> None:
    """A docstring or literal reads back as the text; a comment stays one line."""
    for one_line in (True, False):
        body = docstring(text, one_line=one_line)
        module = compile(f'"""{body}"""\n', "m", "exec", dont_inherit=True)
        expected = " ".join(text.split()) if one_line else text
        assert module.co_consts[0] == expected
    # One line of a multi-line docstring (`ir/_docs`): its indentation kept, nothing else.
    lines = [docstring_line(f"  {text}"), docstring_line(text)]
    assert all(len(line.splitlines()) == 1 for line in lines)
    module = compile('"""\n' + "\n".join(lines) + '\n"""\n', "m", "exec", dont_inherit=True)
    expected_lines = [f"  {' '.join(text.split())}", " ".join(text.split())]
    assert module.co_consts[0] == "\n" + "\n".join(expected_lines) + "\n"
    assert eval(literal(text)) == text
    line = f"# {comment(text)}"
    assert len(line.splitlines()) == 1
    assert compile(f"{line}\nx = 1\n", "m", "exec", dont_inherit=True).co_names == ("x",)
    assert "coding" not in comment("coding: utf-7").replace("coding :", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("__class__", "class_"), ("1abc", "n_1abc"), ("\ufb01le", "file"), ("\uff29\uff46", "if_")],
)
def test_names_are_sanitised_identifiers_when_spec_names_are_not(text: str, expected: str) -> None:
    """snake_name: NFKC first, ASCII only, no dunder, no leading digit, no keyword."""
    assert snake_name(text) == expected


def test_members_stay_apart_when_their_names_differ_only_by_nfkc(tmp_path: Path) -> None:
    """`aªb` is `aab` to Python (PEP 3131): both properties and both enum values survive."""
    both = ["aab", "a\u00aab"]
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "nfkc", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "Pair": {
                    "type": "object",
                    "properties": {
                        **{name: {"type": "string"} for name in both},
                        "kind": {"type": "string", "enum": both},
                    },
                }
            }
        },
    }
    with generated_package(tmp_path, spec, name="nfkc", package="nfkc_pkg"):
        models = importlib.import_module("nfkc_pkg.models")
        # JSON: the models are strict, so from Python an enum member would have to be passed.
        body = {"aab": "first", "a\u00aab": "second", "kind": both[1]}
        pair = models.Pair.model_validate_json(json.dumps(body))
        assert pair.model_dump(mode="json", by_alias=True, exclude_unset=True) == {
            "aab": "first",
            "a\u00aab": "second",
            "kind": "a\u00aab",
        }
        assert [member.value for member in models.PairKind] == both


@pytest.mark.parametrize("position", ["title", "enum", "property", "query", "summary"])
def test_regen_refuses_a_lone_surrogate_with_a_finding_when_json_spells_one(
    tmp_path: Path, position: str
) -> None:
    """RFC 7493 2.1: `"\\ud800"` is no text; a located finding, never a traceback or bad code."""
    texts = {**_all("plain"), position: "lone \ud800"}
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(build_spec(texts), indent=1), encoding="utf-8")
    with pytest.raises(GenerationError) as raised:
        generate_package(spec_path, name="lone", package="lone", source="spec.json")
    (finding,) = raised.value.findings
    assert finding.code in ("spec-lone-surrogate", "models-unsupported")
    assert finding.location.file == spec_path.resolve() or finding.location.file == spec_path
    assert finding.location.line > 1
