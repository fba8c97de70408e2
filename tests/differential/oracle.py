"""Helpers for the differential test: oaskit's models beside datamodel-code-generator's.

oaskit renders pydantic models from its own IR; datamodel-code-generator (dmcg), which oaskit
used before, is kept as an oracle. For one spec this module builds both sets of models, a
self-contained JSON Schema (2020-12) for every component schema, instances drawn from it with
hypothesis-jsonschema plus mutations of them, and compares which instances each model takes.
The JSON Schema itself (format checking off: 2020-12 Validation 7.2.1 makes `format` an
annotation) says which side is right when the two disagree.
"""

from __future__ import annotations

import copy
import importlib
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, cast

import jsonschema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.internal.conjecture import providers
from hypothesis.internal.conjecture import utils as cu
from hypothesis.internal.constants_ast import Constants
from hypothesis_jsonschema import from_schema
from pydantic import TypeAdapter, ValidationError

from oaskit.ir import class_name
from oaskit.pipeline import generate_package
from oaskit.spec import bundle_spec

__all__ = [
    "GOLDEN_SPECS",
    "SMOKE_SPECS",
    "UNKNOWN_MEMBER",
    "Comparison",
    "Disagreement",
    "accepts",
    "compare_spec",
    "component_schemas",
    "draw_instances",
    "json_schemas",
    "load_spec",
    "mutations",
    "to_json_schema",
    "undotted",
    "validator",
    "without_formats",
    "write_dmcg_module",
    "write_oaskit_package",
]

_TESTS = Path(__file__).resolve().parent.parent
GOLDEN_SPECS: tuple[Path, ...] = tuple(
    _TESTS / "golden" / "specs" / f"{name}.yaml"
    for name in ("pets", "widgets", "shop", "media", "auth")
)
SMOKE_SPECS: tuple[Path, ...] = tuple(sorted((_TESTS / "smoke" / "specs").glob("*.json")))

# Valid instances drawn per component schema, and instances drawn with every `format` removed
# (2020-12 Validation 7.2.1: without the format-assertion vocabulary any string passes).
VALID_PER_SCHEMA = 15
FORMATLESS_PER_SCHEMA = 5
# How many times hypothesis may draw to find them (duplicates are dropped).
_DRAWS = 40

_SCHEMAS_PREFIX = "#/components/schemas/"
_DEFS_PREFIX = "#/$defs/"
# OAS keywords that are no JSON Schema keywords (OAS 3.0.3 4.7.24 and 3.1 4.8.24 fixed fields).
_OAS_ONLY = frozenset({"discriminator", "xml", "example", "externalDocs", "nullable"})
# Keywords whose value is a map of names to schemas, one schema, a list of schemas, or an
# instance (2020-12 Core 10, Validation 6): the walk knows which is which, so a property
# named `example` or `xml` is never mistaken for a keyword.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_SCHEMA_ONE = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "unevaluatedItems",
        "unevaluatedProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
    }
)
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
# A member name no schema of the specs declares or matches with `patternProperties`.
UNKNOWN_MEMBER = "oaskitDifferentialUnknownMember"


def load_spec(spec_path: Path) -> dict[str, Any]:
    """The spec at `spec_path` as one document (multi-file specs bundled)."""
    data = bundle_spec(spec_path).data
    assert isinstance(data, dict)
    return data


def component_schemas(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec's `components/schemas`, empty when it has none (OAS 3.1 4.8.1)."""
    components = spec.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else {}


# --- JSON Schema -------------------------------------------------------------------------


def _is_oas30(spec: dict[str, Any]) -> bool:
    return str(spec.get("openapi", "")).startswith("3.0")


def to_json_schema(node: Any, *, oas30: bool) -> Any:
    """A schema of the spec as a JSON Schema 2020-12 schema.

    `$ref`s to `#/components/schemas/` point at `#/$defs/`. For OAS 3.0 (3.0.3 4.7.24): a
    `$ref`'s siblings are dropped (4.7.23), `nullable: true` adds "null" to `type` (only
    when `type` is given, as 3.0.3 says), and a
    boolean `exclusiveMinimum`/`exclusiveMaximum` (JSON Schema Wright-00) becomes the number
    form (2020-12 Validation 6.2.3/6.2.5). OAS-only keywords are dropped.
    """
    if isinstance(node, bool) or not isinstance(node, dict):
        return node
    if oas30 and "$ref" in node:
        # OAS 3.0.3 4.7.23: a Reference Object's other fields "SHALL be ignored".
        node = {"$ref": node["$ref"]}
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in _OAS_ONLY or key.startswith("x-"):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: to_json_schema(sub, oas30=oas30) for name, sub in value.items()}
        elif key in _SCHEMA_ONE:
            result[key] = to_json_schema(value, oas30=oas30)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            result[key] = [to_json_schema(sub, oas30=oas30) for sub in value]
        elif key == "$ref" and isinstance(value, str) and value.startswith(_SCHEMAS_PREFIX):
            result[key] = _DEFS_PREFIX + value[len(_SCHEMAS_PREFIX) :]
        else:
            result[key] = copy.deepcopy(value)
    if oas30:
        if node.get("nullable") is True and "type" in result:
            kinds = result["type"] if isinstance(result["type"], list) else [result["type"]]
            if "null" not in kinds:
                result["type"] = [*kinds, "null"]
        for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            flag = result.get(exclusive)
            if isinstance(flag, bool):
                del result[exclusive]
                if flag and bound in result:
                    result[exclusive] = result.pop(bound)
    return result


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


def _reachable(name: str, defs: dict[str, Any]) -> dict[str, Any]:
    """The `$defs` entries `defs[name]` refers to, directly or not, itself included."""
    seen: dict[str, Any] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in defs:
            continue
        seen[current] = defs[current]
        for ref in _refs(defs[current]):
            if ref.startswith(_DEFS_PREFIX):
                target = ref[len(_DEFS_PREFIX) :].split("/", 1)[0]
                todo.append(target.replace("~1", "/").replace("~0", "~"))
    return seen


def json_schemas(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A self-contained JSON Schema 2020-12 for every component schema, by component name.

    Each is the component's schema with the components it refers to under `$defs` (only those,
    so a recursive component elsewhere does not stop hypothesis-jsonschema from drawing).
    """
    oas30 = _is_oas30(spec)
    defs = {
        str(name): to_json_schema(schema, oas30=oas30)
        for name, schema in component_schemas(spec).items()
    }
    result: dict[str, dict[str, Any]] = {}
    for name, converted in defs.items():
        root: dict[str, Any] = (
            dict(converted) if isinstance(converted, dict) else {"allOf": [converted]}
        )
        reachable = _reachable(name, defs)
        root["$defs"] = {**root.get("$defs", {}), **reachable}
        result[name] = root
    return result


def without_formats(node: Any) -> Any:
    """`node` with no `format` keyword in any schema (instances are copied as they are)."""
    if isinstance(node, list):
        return [without_formats(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "format" and isinstance(value, str):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            result[key] = {name: without_formats(sub) for name, sub in value.items()}
        elif key in _SCHEMA_ONE or (key in _SCHEMA_LISTS and isinstance(value, list)):
            result[key] = without_formats(value)
        else:
            result[key] = value
    return result


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A 2020-12 validator for `schema` with no format checker (Validation 7.2.1)."""
    return jsonschema.Draft202012Validator(schema)


# --- instances ---------------------------------------------------------------------------


class _LegacyMany:
    """hypothesis-jsonschema 0.23's view of `hypothesis.internal.conjecture.utils.many`.

    hypothesis-jsonschema 0.23.1 (the newest release) draws an object's members with
    `elements = many(data, ...)`, `while elements.more():` and `elements.reject()`; in the
    hypothesis installed here (6.170) `many` is a context manager to iterate (`with many(...)
    as e: for _ in e:`) and `more` is gone, so every object schema failed with AttributeError.
    This adapter gives the old calls over the new class, and `_legacy_many` puts it where
    hypothesis-jsonschema looks, only while drawing.
    """

    def __init__(self, data: Any, min_size: int, max_size: float, average_size: float) -> None:
        self._many = cu.many(data, min_size=min_size, max_size=max_size, average_size=average_size)
        self._many.__enter__()
        self._elements = iter(self._many)

    def more(self) -> bool:
        """Whether to draw one more element (the old `many.more`)."""
        if next(self._elements, _DONE) is _DONE:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        """Do not count the element being drawn (the old `many.reject`)."""
        self._many.reject(why)


_DONE = object()


@contextmanager
def _legacy_many() -> Iterator[None]:
    """hypothesis-jsonschema's `cu.many` is `_LegacyMany` while in use; see that class."""
    if hasattr(cu.many, "more"):  # a hypothesis with the old API: nothing to adapt
        yield
        return
    names = importlib.import_module("hypothesis_jsonschema._from_schema").__dict__
    saved = names["cu"]
    names["cu"] = SimpleNamespace(many=_LegacyMany)
    try:
        yield
    finally:
        names["cu"] = saved


@contextmanager
def _no_local_constants() -> Iterator[None]:
    """Draws that do not depend on which modules the process has imported.

    Now and then hypothesis draws a constant found in the source of "local" modules (any
    module outside the standard library and site-packages: these tests, the packages generated
    before): the instances `derandomize=True` draws then depend on what ran before in the
    process. While in use, hypothesis knows no local constants (its own global ones remain).
    """
    names = providers.__dict__
    saved = names["_get_local_constants"]
    names["_get_local_constants"] = Constants
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        names["_get_local_constants"] = saved
        providers.CONSTANTS_CACHE.cache.clear()


def _strategy_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    # hypothesis-jsonschema reads drafts 4 to 7 (`$defs` is only a place its `$ref`s point
    # to) and rewrites the schema it is given in place: it gets a copy.
    strategy: st.SearchStrategy[Any] = from_schema(copy.deepcopy(schema))
    return strategy


def draw_instances(schema: dict[str, Any], count: int) -> list[Any]:
    """Up to `count` distinct instances drawn from `schema`, the same on every run.

    (The same under pytest on every run, and the same in a plain interpreter on every run; the
    two sets differ for a few schemas, for a reason not pinned down.)

    Raises whatever hypothesis-jsonschema raises for a schema it cannot draw from (recursive
    `$ref`, a regex Python cannot read, a keyword it refuses) or hypothesis for one no
    instance satisfies.
    """
    strategy = _strategy_for(schema)
    found: list[Any] = []
    seen: set[str] = set()

    @settings(
        derandomize=True,
        max_examples=_DRAWS,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        key = json.dumps(value, sort_keys=True)
        if key not in seen:
            seen.add(key)
            found.append(value)
        if len(found) >= count:
            raise _Enough

    with _legacy_many(), _no_local_constants(), suppress(_Enough):
        collect()
    return found[:count]


class _Enough(Exception):  # noqa: N818 - a signal, no error
    """Raised in a hypothesis test to stop drawing: `count` instances were found."""


def _other_type(value: Any) -> Any:
    """A value of another JSON type than `value` (2020-12 Validation 6.1.1)."""
    if isinstance(value, bool):
        return 1
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return 1
    if value is None:
        return ""
    if isinstance(value, list):
        return {}
    return []


def mutations(instance: Any, schema: dict[str, Any]) -> list[Any]:
    """Instances derived from a valid `instance`, most of them invalid.

    An object loses each required member (Validation 6.5.3), gets each member's value
    replaced by one of another JSON type (Validation 6.1.1) and by null, and gets an unknown
    member, at the top and in each member that is an object or an array of objects (those
    decide `additionalProperties`, Core 10.3.2.3, of inline schemas). Any other instance is
    replaced by one of another type. An array's first item is mutated as an object is.
    """
    result: list[Any] = [_other_type(instance)]
    if isinstance(instance, dict):
        required = _required_names(schema)
        for name, value in instance.items():
            if name in required:
                result.append({k: v for k, v in instance.items() if k != name})
            result.append({**instance, name: _other_type(value)})
            if value is not None:
                result.append({**instance, name: None})
            nested = _with_unknown_member(value)
            if nested is not None:
                result.append({**instance, name: nested})
        result.append({**instance, UNKNOWN_MEMBER: 1})
    elif isinstance(instance, list) and instance and isinstance(instance[0], dict):
        first = instance[0]
        for name, value in first.items():
            result.append([{**first, name: _other_type(value)}, *instance[1:]])
        result.append([{**first, UNKNOWN_MEMBER: 1}, *instance[1:]])
    return result


def _with_unknown_member(value: Any) -> Any:
    """`value` with an unknown member in it or in its first item, or None if no object."""
    if isinstance(value, dict):
        return {**value, UNKNOWN_MEMBER: 1}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [{**value[0], UNKNOWN_MEMBER: 1}, *value[1:]]
    return None


def _required_names(schema: dict[str, Any]) -> set[str]:
    """Names some `required` of the schema, its `$ref` or its in-place applicators lists."""
    names: set[str] = set()
    defs = schema.get("$defs", {})
    stack: list[Any] = [schema]
    visited: set[int] = set()
    while stack:
        current = stack.pop()
        if not isinstance(current, dict) or id(current) in visited:
            continue
        visited.add(id(current))
        required = current.get("required")
        if isinstance(required, list):
            names.update(str(name) for name in required)
        ref = current.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS_PREFIX):
            stack.append(defs.get(ref[len(_DEFS_PREFIX) :]))
        for key in ("allOf", "anyOf", "oneOf"):
            members = current.get(key)
            if isinstance(members, list):
                stack.extend(members)
    return names


# --- models ------------------------------------------------------------------------------


def accepts(obj: object, text: str) -> bool:
    """Whether the model or type alias `obj` validates the JSON `text`.

    A model (RootModel too) validates with `model_validate_json`; a type alias or an enum
    class with a `TypeAdapter`.
    """
    validate: Callable[[str], object] | None = getattr(obj, "model_validate_json", None)
    try:
        if validate is not None:
            validate(text)
        else:
            TypeAdapter(cast(Any, obj)).validate_json(text)
    except ValidationError:
        return False
    return True


@contextmanager
def _importable(root: Path, names: tuple[str, ...]) -> Iterator[None]:
    """`root` on sys.path while in use; afterwards no module under `names` stays imported."""
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        for module in [
            m for m in sys.modules if any(m == n or m.startswith(f"{n}.") for n in names)
        ]:
            del sys.modules[module]


def write_oaskit_package(spec_path: Path, root: Path, package: str) -> None:
    """oaskit's package for `spec_path` in `root/package`, one model per component schema."""
    files = generate_package(
        spec_path,
        name=package,
        package=package,
        source=spec_path.name,
        read_write_models="shared",
    )
    for relative, text in files.items():
        target = root / package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _rewrite_refs(node: Any, refs: dict[str, str]) -> Any:
    if isinstance(node, dict):
        result = {key: _rewrite_refs(value, refs) for key, value in node.items()}
        ref = result.get("$ref")
        if isinstance(ref, str) and ref in refs:
            result["$ref"] = refs[ref]
        return result
    if isinstance(node, list):
        return [_rewrite_refs(item, refs) for item in node]
    return node


def undotted(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with no dot in a schema name, `$ref`s following (oaskit's old workaround).

    dmcg reads `a.b` as model `b` of module `a` and writes a package; `class_name` reads a
    dot as a word break like `_`, so `a_b` keeps the class name oaskit gives `a.b`.
    """
    schemas = component_schemas(spec)
    if not any("." in str(name) for name in schemas):
        return spec
    taken = {str(name) for name in schemas}
    renamed: dict[str, str] = {}
    for name in map(str, schemas):
        if "." in name:
            new = name.replace(".", "_")
            while new in taken:
                new += "_"
            taken.add(new)
            renamed[name] = new
    refs = {
        _SCHEMAS_PREFIX + _escape(old): _SCHEMAS_PREFIX + _escape(new)
        for old, new in renamed.items()
    }
    result: dict[str, Any] = _rewrite_refs(spec, refs)
    result["components"]["schemas"] = {
        renamed.get(str(name), name): value
        for name, value in result["components"]["schemas"].items()
    }
    return result


def write_dmcg_module(spec: dict[str, Any], root: Path, module: str, base_class: str) -> bool:
    """dmcg's models for `spec` as `root/module.py`, as oaskit generated them before its IR.

    False when the spec has no component schemas: dmcg refuses such a spec ("Models not
    found") and there is nothing to compare.
    """
    if not component_schemas(spec):
        return False
    spec_file = root / f"{module}.spec.json"
    spec_file.write_text(json.dumps(undotted(spec)), encoding="utf-8")
    with warnings.catch_warnings():
        # "format of 'json-path' not understood": dmcg types such a string `str`, as it
        # should (2020-12 Validation 7.2.3 lets an implementation ignore unknown formats).
        warnings.simplefilter("ignore", UserWarning)
        source = _dmcg_source(spec_file, base_class)
    if not isinstance(source, str):
        raise AssertionError("datamodel-code-generator wrote a package of modules, not one")
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    return True


def _dmcg_source(spec_file: Path, base_class: str) -> object:
    """dmcg's output for `spec_file`, with the options oaskit passed it before the IR rendered
    models (`git log -- tools/oaskit/render/_models.py`).

    Those options also hold for this test: strict types from `base_class`, `MISSING` for an
    absent member, `None` only where the schema allows null (`strict_nullable`).
    """
    from datamodel_code_generator import (
        InputFileType,
        PythonVersion,
        TargetPydanticVersion,
        generate,
    )
    from datamodel_code_generator.enums import DataModelType

    return generate(
        spec_file,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        target_pydantic_version=TargetPydanticVersion.V2_14,
        base_class=base_class,
        custom_class_name_generator=class_name,
        use_annotated=True,
        field_constraints=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        use_missing_sentinel=True,
        set_default_enum_member=True,
        strict_nullable=True,
        keep_model_order=True,
        disable_timestamp=True,
        enable_version_header=False,
        formatters=[],
    )


# --- comparison --------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """One instance the two models judge differently; `valid` is the JSON Schema's verdict."""

    spec: str
    component: str
    instance: Any
    oaskit_accepts: bool
    dmcg_accepts: bool
    valid: bool

    def describe(self) -> str:
        """One line: who accepts, which is right, and the instance."""
        right = "oaskit" if self.oaskit_accepts == self.valid else "dmcg"
        ours = "accepts" if self.oaskit_accepts else "refuses"
        theirs = "accepts" if self.dmcg_accepts else "refuses"
        return (
            f"{self.spec} {self.component}: oaskit {ours}, dmcg {theirs}, JSON Schema "
            f"{'valid' if self.valid else 'invalid'} ({right} is right): "
            f"{json.dumps(self.instance)[:300]}"
        )


@dataclass
class Comparison:
    """What comparing one spec found; the counts feed the report."""

    spec: str
    components: int = 0
    paired: list[str] = field(default_factory=list)
    unpaired: dict[str, str] = field(default_factory=dict)
    not_drawn: dict[str, str] = field(default_factory=dict)
    drawn: list[str] = field(default_factory=list)
    instances: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)

    def disagreeing(self) -> set[str]:
        """The components with at least one disagreement."""
        return {d.component for d in self.disagreements}

    def summary(self) -> str:
        """One line of counts."""
        return (
            f"{self.spec}: {self.components} components, {len(self.paired)} paired, "
            f"{len(self.drawn)} drawn, {self.instances} instances, "
            f"{len(self.disagreements)} disagreements in {sorted(self.disagreeing())}"
        )


def _pairing(
    schemas: dict[str, Any], oaskit_models: ModuleType, dmcg_models: ModuleType | None
) -> tuple[dict[str, str], dict[str, str]]:
    """Component name → class name for the pairs, and component name → why not for the rest.

    A class name two components share is numbered by both generators, and a class of dmcg's
    beside a numbered twin (`Name1`, `Name2`) may be another schema's model: both skipped.
    """
    by_class: dict[str, list[str]] = {}
    for name in map(str, schemas):
        by_class.setdefault(class_name(name), []).append(name)
    pairs: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for cls, names in by_class.items():
        for name in names:
            if len(names) > 1:
                skipped[name] = f"class name {cls} shared by {names}"
            elif dmcg_models is None or not hasattr(dmcg_models, cls):
                skipped[name] = f"dmcg has no {cls}"
            elif not hasattr(oaskit_models, cls):
                skipped[name] = f"oaskit has no {cls}"
            elif any(hasattr(dmcg_models, f"{cls}{sep}{n}") for sep in ("", "_") for n in (1, 2)):
                skipped[name] = f"dmcg numbered {cls}"
            else:
                pairs[name] = cls
    return pairs, skipped


def compare_spec(spec_path: Path, root: Path, tag: str) -> Comparison:
    """Generate both model sets for `spec_path` under `root` and compare them.

    `tag` makes the module names unique in `sys.modules`; they leave it on return.
    """
    spec = load_spec(spec_path)
    schemas = component_schemas(spec)
    comparison = Comparison(spec=spec_path.name, components=len(schemas))
    package, module = f"oaskit_diff_{tag}", f"dmcg_diff_{tag}"
    write_oaskit_package(spec_path, root, package)
    has_dmcg = write_dmcg_module(spec, root, module, f"{package}._base.ApiModel")
    with _importable(root, (package, module)):
        oaskit_models = importlib.import_module(f"{package}.models")
        dmcg_models = importlib.import_module(module) if has_dmcg else None
        pairs, comparison.unpaired = _pairing(schemas, oaskit_models, dmcg_models)
        comparison.paired = sorted(pairs)
        documents = json_schemas(spec)
        for name, cls in pairs.items():
            assert dmcg_models is not None
            _compare_component(
                comparison,
                name,
                documents[name],
                getattr(oaskit_models, cls),
                getattr(dmcg_models, cls),
            )
    return comparison


def _compare_component(
    comparison: Comparison, name: str, schema: dict[str, Any], ours: object, theirs: object
) -> None:
    try:
        valid = draw_instances(schema, VALID_PER_SCHEMA)
    except (HypothesisException, jsonschema.SchemaError, ValueError, TypeError) as error:
        comparison.not_drawn[name] = f"{type(error).__name__}: {str(error)[:200]}"
        return
    # Extra instances: the formatted draw succeeded, so the schema counts as drawn anyway.
    with suppress(HypothesisException, jsonschema.SchemaError, ValueError, TypeError):
        valid += draw_instances(without_formats(schema), FORMATLESS_PER_SCHEMA)
    comparison.drawn.append(name)
    check = validator(schema)
    instances: list[Any] = []
    seen: set[str] = set()
    for instance in valid:
        for candidate in (instance, *mutations(instance, schema)):
            text = json.dumps(candidate)
            if text not in seen:
                seen.add(text)
                instances.append(candidate)
    for instance in instances:
        text = json.dumps(instance)
        comparison.instances += 1
        oaskit_ok, dmcg_ok = accepts(ours, text), accepts(theirs, text)
        if oaskit_ok != dmcg_ok:
            comparison.disagreements.append(
                Disagreement(
                    spec=comparison.spec,
                    component=name,
                    instance=instance,
                    oaskit_accepts=oaskit_ok,
                    dmcg_accepts=dmcg_ok,
                    valid=check.is_valid(instance),
                )
            )
