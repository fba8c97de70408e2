"""Pydantic v2 models through datamodel-code-generator, used as a library."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from oaskit._collector import collector_paused
from oaskit.ir import class_name, identifier
from oaskit.render._enum_members import clear_str_attributes
from oaskit.render._errors import ModelsError
from oaskit.render._order import in_dependency_order
from oaskit.render._read_write import with_direction_variants
from oaskit.render._toplevel import top_level
from oaskit.spec import pattern_plan, python_compiles

__all__ = ["ModelsError", "render_models"]


def render_models(
    spec: dict[str, Any], *, header: str, base_class: str, split_read_write: bool = True
) -> str:
    """The source of `models.py` for a bundled spec, unformatted.

    With `split_read_write`, a schema with readOnly or writeOnly members (or one that refers to
    such a schema) becomes `<Name>Request` and `<Name>Response` models, without the base model.
    """
    if not _named_schemas(spec):
        # datamodel-codegen reads only `components/schemas` and refuses a spec without one
        # ("Models not found"); OAS 3.1 4.8.1 makes `components` optional, and inline schemas
        # have no models (the IR types them `Any`). The module still exists: the client and
        # server import it.
        return _NO_MODELS.format(header=header)
    prepared = _faithful(_undotted(_schemas_only(spec)))
    if split_read_write:
        prepared = with_direction_variants(prepared)
    with collector_paused():
        aliases = _normalised_member_names(prepared)
        source = _generate(prepared, header=header, base_class=base_class, aliases=aliases)
    if not isinstance(source, str):
        raise ModelsError("datamodel-code-generator produced a package of modules, not one module")
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        # JSON may spell a lone surrogate (`"\ud800"`), which datamodel-codegen writes raw in
        # an enum value and no UTF-8 file can hold: a finding at the schema, not a traceback.
        raise _surrogate_error(prepared) from None
    # Renaming enum members keeps every line where it was: one scan of the statements serves both.
    statements = top_level(source)
    return in_dependency_order(clear_str_attributes(source, statements), statements)


_NO_MODELS = '{header}\n\n"""No models: the spec names no schemas under `components/schemas`."""\n'


def _named_schemas(spec: dict[str, Any]) -> bool:
    components = spec.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return isinstance(schemas, dict) and bool(schemas)


def _generate(
    prepared: dict[str, Any], *, header: str, base_class: str, aliases: dict[str, str]
) -> object:
    # Imported here: `oaskit.render` is imported by every regen, and one whose stamp shows
    # nothing changed renders nothing.
    from datamodel_code_generator import (
        InputFileType,
        PythonVersion,
        TargetPydanticVersion,
        generate,
    )
    from datamodel_code_generator.enums import DataModelType

    return generate(
        prepared,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        # 2.14 made MISSING public (`from pydantic import MISSING`); older targets import it
        # from pydantic.experimental, which 2.14 deprecates with a warning at import time.
        target_pydantic_version=TargetPydanticVersion.V2_14,
        base_class=base_class,
        custom_file_header=header,
        # Our own naming, so the IR can name the same classes without reading this output.
        custom_class_name_generator=class_name,
        use_annotated=True,
        field_constraints=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        # Absent and null differ (PUT keeps absent members, null deletes): MISSING tells them apart.
        use_missing_sentinel=True,
        # `= Side.RIGHT`, not `= "RIGHT"`, which mypy rejects for a field typed `Side`.
        set_default_enum_member=True,
        strict_nullable=True,
        keep_model_order=True,
        disable_timestamp=True,
        enable_version_header=False,
        formatters=[],
        aliases=aliases or None,
    )


def _normalised_member_names(spec: dict[str, Any]) -> dict[str, str]:
    """A field name of our own for every property name Python would read as another (NFKC).

    datamodel-codegen keeps a property name that is an identifier as the field's name, but
    Python normalises identifiers (PEP 3131): `aªb` is `aab`, so properties `aab` and `aªb`
    would become one field and one of them would never be read. These get an ASCII name and
    keep the spec's as their alias; datamodel-codegen numbers a clash with another field.
    """
    names: dict[str, str] = {}
    stack: list[Any] = [spec.get("components")]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            properties = current.get("properties")
            if isinstance(properties, dict):
                for name in properties:
                    text = str(name)
                    if unicodedata.normalize("NFKC", text) != text:
                        names[text] = identifier(text, default="field", digit_prefix="field_") + "_"
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return names


def _surrogate_error(spec: dict[str, Any]) -> ModelsError:
    components = spec.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    error = ModelsError(
        "a schema holds a lone surrogate (JSON `\\ud800`), which no model can spell"
    )
    for name, schema in (schemas or {}).items():
        if _has_surrogate(name) or _has_surrogate(schema):
            error.schema = str(name)
            break
    return error


def _has_surrogate(node: Any) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, str):
            if any("\ud800" <= char <= "\udfff" for char in current):
                return True
        elif isinstance(current, dict):
            stack.extend(current.keys())
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return False


_SCHEMAS = "#/components/schemas/"
# Where a schema may point with `$ref` for `_schemas_only` to drop the operations.
_COMPONENTS = "#/components/"


def _schemas_only(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` without its operations (`paths: {}`, no webhooks), which datamodel-codegen never
    reads with the schemas scope: two thirds of GitHub's 13 MB that the steps before it would
    walk and copy. `spec` itself when a schema refers to something outside the components."""
    components = spec.get("components")
    if not isinstance(components, dict) or any(
        not ref.startswith(_COMPONENTS) for ref in _refs(components)
    ):
        return spec
    reduced = {key: value for key, value in spec.items() if key not in ("paths", "webhooks")}
    reduced["paths"] = {}
    return reduced


def _refs(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _undotted(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with no dot in a schema name, `$ref`s following; `spec` itself when none has one.

    datamodel-code-generator reads `account.settings` as model `settings` of module `account`
    and emits a package of modules (Stripe's spec has 47 such names). `class_name` reads a dot
    as a word break, like `_`, so `account_settings` keeps the class name the IR gives it.
    """
    components = spec.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict) or not any("." in str(name) for name in schemas):
        return spec
    renamed: dict[str, str] = {}
    taken = {str(name) for name in schemas}
    for name in map(str, schemas):
        if "." in name:
            new = name.replace(".", "_")
            while new in taken:
                new += "_"
            taken.add(new)
            renamed[name] = new
    refs = {_SCHEMAS + _escape(old): _SCHEMAS + _escape(new) for old, new in renamed.items()}
    copy: dict[str, Any] = _rewrite(spec, refs)
    copy["components"]["schemas"] = {
        renamed.get(str(name), name): value for name, value in copy["components"]["schemas"].items()
    }
    return copy


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _rewrite(node: Any, refs: dict[str, str]) -> Any:
    # A copy of `node` with every `$ref` in `refs` replaced; literal data is copied unchanged.
    if isinstance(node, dict):
        copy = {key: _rewrite(value, refs) for key, value in node.items()}
        ref = copy.get("$ref")
        if isinstance(ref, str) and ref in refs:
            copy["$ref"] = refs[ref]
        return copy
    if isinstance(node, list):
        return [_rewrite(item, refs) for item in node]
    return node


_URL_FORMATS = frozenset({"uri", "url"})
# JSON Schema 2020-12 Validation 6.1.1: the Python types of each instance type.
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}
# What declares an object's members or its shape some other way.
_MEMBER_KEYWORDS = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "unevaluatedProperties",
        "propertyNames",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "$ref",
        "discriminator",
        "enum",
        "const",
    }
)


def _faithful(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` as datamodel-codegen can model it faithfully; `spec` itself when nothing changes.

    - A `default` that no instance of its schema could be is dropped: one that is no URL on a
      `format: uri` string (GitHub's `""`: the field is typed `AnyUrl`, which mypy then rejects),
      or one of another JSON type than the schema's `type` (shipengine's `[]` for an object).
      pydantic validates defaults, so the model would refuse every instance without the member.
    - An object schema that declares no members at all (`{type: object}`, `properties: {}`:
      Google's `Empty`) takes any, as JSON
      Schema says it does (2020-12 Core 10.3.2.3); datamodel-codegen would make it a model with
      no fields that drops every member it is given.
    - A `pattern` is written for the engine that will run it (`_portable_patterns`).
    """
    spec = _portable_patterns(spec)
    components = spec.get("components")
    found = components.get("schemas") if isinstance(components, dict) else None
    schemas: dict[str, Any] = found if isinstance(found, dict) else {}
    if not _has_fix(spec, schemas):
        return spec
    copy: dict[str, Any] = _fixed(spec, schemas)
    return copy


def _fix(node: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    """`node` changed as `_faithful` says, or None when it needs no change."""
    changed: dict[str, Any] | None = None
    if "default" in node and (_is_bad_url_default(node) or _is_mistyped_default(node, schemas)):
        changed = dict(node)
        del changed["default"]
    declared = {k for k in _MEMBER_KEYWORDS & node.keys() if k != "properties" or node[k]}
    if node.get("type") == "object" and not declared:
        changed = dict(node) if changed is None else changed
        changed["additionalProperties"] = True
    return changed


def _declared_type(node: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """The node's `type`, or that of the component its `$ref` (or lone `allOf` member) names."""
    for _ in range(8):
        if "type" in node:
            return node["type"]
        members = node.get("allOf")
        if isinstance(members, list) and len(members) == 1 and isinstance(members[0], dict):
            node = members[0]
            continue
        ref = node.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#/components/schemas/")):
            return None
        target = schemas.get(ref.removeprefix("#/components/schemas/"))
        if not isinstance(target, dict):
            return None
        node = target
    return None


def _is_mistyped_default(node: dict[str, Any], schemas: dict[str, Any]) -> bool:
    kinds = _declared_type(node, schemas)
    names = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(names, list) or not names:
        return False
    if not all(isinstance(n, str) and n in _JSON_TYPES for n in names):
        return False
    if node.get("nullable") is True:
        names = [*names, "null"]  # OAS 3.0
    default = node["default"]
    allowed = tuple(t for name in names for t in _JSON_TYPES[name])
    # `True` is an `int` to Python, never an integer to JSON.
    return (isinstance(default, bool) and bool not in allowed) or not isinstance(default, allowed)


def _is_bad_url_default(node: dict[str, Any]) -> bool:
    default, kind = node.get("default"), node.get("format")
    # A property may be named `format` or `default` (Asana's is): then the value is a schema.
    return (
        isinstance(kind, str)
        and kind in _URL_FORMATS
        and isinstance(default, str)
        and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", default)
    )


# Keywords whose values are instances, not schemas: nothing in them is changed.
_INSTANCE_KEYWORDS = frozenset({"default", "example", "examples", "enum", "const"})


def _has_fix(node: Any, schemas: dict[str, Any]) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if _fix(current, schemas) is not None:
                return True
            stack.extend(v for k, v in current.items() if k not in _INSTANCE_KEYWORDS)
        elif isinstance(current, list):
            stack.extend(current)
    return False


def _fixed(node: Any, schemas: dict[str, Any]) -> Any:
    # Copies only the nodes on the way to a change; the rest is shared with `node`.
    if isinstance(node, dict):
        copy: dict[str, Any] | None = None
        for key, value in node.items():
            if not isinstance(value, dict | list) or key in _INSTANCE_KEYWORDS:
                continue
            new = _fixed(value, schemas)
            if new is not value:
                copy = dict(node) if copy is None else copy
                copy[key] = new
        fixed = _fix(copy if copy is not None else node, schemas)
        return fixed if fixed is not None else (node if copy is None else copy)
    if isinstance(node, list):
        items = [_fixed(item, schemas) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    return node


def _portable_patterns(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with every `pattern` one its model can compile; `spec` itself when none changes.

    pydantic-core compiles `Field(pattern=...)` with Rust's `regex`, which lacks look-around
    and backreferences and reads some ECMA-262 differently (`[[A-Z0-9]`): such a pattern made
    the class, and so the package, fail to import. `pattern_plan` decides each one:
    - one Rust compiles stays, or is written as ECMA-262 reads it where Rust then compiles it;
    - one only Python's `re` compiles is written for `re`. datamodel-codegen then gives its
      model `regex_engine="python-re"` (it does so for every pattern it finds Rust refuses):
      every pattern of that model runs on `re`, which backtracks where Rust's engine is
      linear, so a hostile input can be slow. Only models with such a pattern pay that;
    - one neither compiles is dropped (lint's `pattern-is-portable` reports it).
    A model compiles its bases' fields with its own config, and a root model's pattern may be
    inlined where it is used, so a pattern `re` cannot compile (`\\p{L}`) is also dropped from
    every schema connected by `$ref` to one that needs `re`.
    """
    components = spec.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if not isinstance(schemas, dict) or not any(
        pattern_plan(pattern) != ("rust", pattern) for pattern in _patterns(schemas)
    ):
        return spec
    python = _python_families(schemas)
    new = {name: _with_patterns(schema, name in python) for name, schema in schemas.items()}
    if all(new[name] is schema for name, schema in schemas.items()):
        return spec
    assert isinstance(components, dict)
    return {**spec, "components": {**components, "schemas": new}}


def _patterns(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("pattern"), str):
                yield current["pattern"]
            stack.extend(v for k, v in current.items() if k not in _INSTANCE_KEYWORDS)
        elif isinstance(current, list):
            stack.extend(current)


def _python_families(schemas: dict[str, Any]) -> set[str]:
    """The schemas `$ref`-connected to one with a pattern only Python's `re` compiles."""
    parent = {str(name): str(name) for name in schemas}

    def find(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    needing: list[str] = []
    for name, schema in schemas.items():
        for ref in _refs(schema):
            if ref.startswith(_SCHEMAS):
                target = ref[len(_SCHEMAS) :].split("/", 1)[0].replace("~1", "/").replace("~0", "~")
                if target in parent:
                    parent[find(str(name))] = find(target)
        if any(pattern_plan(pattern).engine == "python" for pattern in _patterns(schema)):
            needing.append(str(name))
    roots = {find(name) for name in needing}
    return {name for name in parent if find(name) in roots}


def _with_patterns(node: Any, python: bool) -> Any:
    # Copies only the nodes on the way to a change; the rest is shared with `node`.
    if isinstance(node, list):
        items = [_with_patterns(item, python) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] | None = None
    for key, value in node.items():
        if isinstance(value, dict | list) and key not in _INSTANCE_KEYWORDS:
            new = _with_patterns(value, python)
            if new is not value:
                copy = dict(node) if copy is None else copy
                copy[key] = new
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        written = _model_pattern(pattern, python)
        if written != pattern:
            copy = dict(node) if copy is None else copy
            if written is None:
                del copy["pattern"]
            else:
                copy["pattern"] = written
    return node if copy is None else copy


def _model_pattern(pattern: str, python: bool) -> str | None:
    """The pattern a model writes for `pattern` (None: none), `python` if its model may use `re`."""
    plan = pattern_plan(pattern)
    if plan.engine == "rust":
        return None if python and not python_compiles(plan.source) else plan.source
    if plan.engine == "python":
        # datamodel-codegen chooses `python-re` for a model by its own reading of the pattern;
        # an empty look-ahead, which matches everywhere, makes sure it sees one that needs it.
        return plan.source if _selects_python_re(plan.source) else "(?=)" + plan.source
    return None


def _selects_python_re(pattern: str) -> bool:
    try:
        from datamodel_code_generator._regex_syntax import needs_python_engine
    except ImportError:  # pragma: no cover - a datamodel-codegen without the module
        return re.search(r"\\(\\?<?[=!]", pattern) is not None
    return needs_python_engine(pattern, row="model")
