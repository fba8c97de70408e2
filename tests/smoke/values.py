"""Deterministic JSON-like values valid for a JSON Schema (draft 2020-12 and the OAS 3.0 dialect).

One value per schema, the same every run: the smoke harness compares what a handler received
with what was sent, so nothing here may be random. `NoValueError` says why no value was made.
"""

from __future__ import annotations

import base64
import math
import re
from typing import Any, Literal
from urllib.parse import unquote

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

__all__ = ["Mode", "NoValueError", "Values"]

# `request`: readOnly members are left out (a client never sends them); `response`: writeOnly.
Mode = Literal["request", "response"]
# `$ref`s followed below one value before only required members are filled: recursive schemas
# (a tree node holding nodes) end, and big specs' values stay small.
_MAX_DEPTH = 4
# Deep enough that optional members are still worth their size.
_OPTIONAL_DEPTH = 2
_FORMATS: dict[str, str] = {
    "date": "2024-01-15",
    # RFC 3339 with `Z`: pydantic dumps a UTC datetime back the same way.
    "date-time": "2024-01-15T10:20:30Z",
    "time": "10:20:30",
    "uuid": "123e4567-e89b-42d3-a456-426614174000",
    "email": "smoke@example.com",
    "idn-email": "smoke@example.com",
    # With a path: a URL type adds a `/` to a bare origin, which would read as a changed value.
    "uri": "https://example.com/smoke",
    "url": "https://example.com/smoke",
    "iri": "https://example.com/smoke",
    "uri-reference": "https://example.com/smoke",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": base64.b64encode(b"smoke").decode("ascii"),
    "duration": "P1D",
}
_SETTINGS = settings(
    database=None,
    derandomize=True,
    max_examples=200,
    suppress_health_check=list(HealthCheck),
    deadline=None,
)


class NoValueError(Exception):
    """No value can be made for a schema; the message is the one-line reason."""


class Values:
    """Values for the schemas of one spec, whose `$ref`s are resolved against `root`."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self._patterns: dict[tuple[str, int, int | None], str] = {}

    def resolve(self, schema: Any) -> Any:
        """`schema` with its `$ref` chain followed (local references only)."""
        seen: set[str] = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in seen or not ref.startswith("#"):
                raise NoValueError(f"unresolvable $ref {ref}")
            seen.add(ref)
            target: Any = self.root
            # A pointer in a URI fragment is percent-encoded (RFC 6901 6): `%7Bid%7D`.
            for part in unquote(ref[1:]).split("/")[1:]:
                key = part.replace("~1", "/").replace("~0", "~")
                try:
                    target = target[int(key)] if isinstance(target, list) else target[key]
                except (KeyError, IndexError, ValueError, TypeError):
                    raise NoValueError(f"unresolvable $ref {ref}") from None
            # 3.1 allows siblings next to `$ref`; they narrow the target.
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **siblings} if siblings and isinstance(target, dict) else target
        return schema

    def value(
        self, schema: Any, *, mode: Mode, depth: int = 0, variant: int = 0, binary: bool = False
    ) -> Any:
        """A value valid for `schema`; `variant` makes distinct values (unique array items);
        `binary` makes `format: binary` strings bytes (multipart and octet-stream bodies)."""
        if depth > _MAX_DEPTH * 3:
            raise NoValueError("schema nested too deep")
        if schema is True or schema is None:
            return f"smoke{variant}"
        if schema is False:
            raise NoValueError("schema `false` admits nothing")
        if not isinstance(schema, dict):
            raise NoValueError(f"not a schema: {type(schema).__name__}")
        is_ref = "$ref" in schema
        schema = self.resolve(schema)
        depth += 1 if is_ref else 0
        if "allOf" in schema:
            schema = self._merge(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            choices = [item for item in schema["enum"] if item is not None] or schema["enum"]
            return choices[variant % len(choices)]
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                return self._first_member(schema, key, mode, depth, variant, binary)
        kind = self._type(schema)
        if kind == "object":
            return self._object(schema, mode, depth, variant, binary)
        if kind == "array":
            return self._array(schema, mode, depth, variant, binary)
        if kind == "string":
            return self._string(schema, variant, binary)
        if kind == "integer":
            return int(self._number(schema, variant, integer=True))
        if kind == "number":
            return self._number(schema, variant, integer=False)
        if kind == "boolean":
            return variant % 2 == 0
        if kind == "null":
            return None
        raise NoValueError(f"unknown type {kind!r}")

    def _type(self, schema: dict[str, Any]) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"] or ["null"]
            kind = kinds[0]
        if isinstance(kind, str):
            return kind
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
            return "number"
        return "string"

    def _merge(self, schema: dict[str, Any]) -> dict[str, Any]:
        """`allOf` as one schema: members' properties and required joined, the rest overlaid."""
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(merged.get("properties") or {})
        required: list[str] = list(merged.get("required") or [])
        for member in schema["allOf"]:
            part = self.resolve(member)
            if not isinstance(part, dict):
                continue
            if "allOf" in part:
                part = self._merge(part)
            properties.update(part.get("properties") or {})
            required.extend(r for r in part.get("required") or [] if r not in required)
            for key, item in part.items():
                if key not in ("properties", "required"):
                    merged.setdefault(key, item)
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged

    def _first_member(
        self, schema: dict[str, Any], key: str, mode: Mode, depth: int, variant: int, binary: bool
    ) -> Any:
        members = schema[key]
        # A null member last: a value is more telling than null, which a client drops.
        ordered = [m for m in members if self._maybe_type(m) != "null"] + [
            m for m in members if self._maybe_type(m) == "null"
        ]
        reasons: list[str] = []
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
        for member in ordered:
            try:
                resolved = self.resolve(member)
                if base.get("properties") and isinstance(resolved, dict):
                    # Members of an object that also lists properties itself add to them.
                    resolved = self._merge({"allOf": [base, resolved]})
                    # A `required` beside alternatives names members of the alternatives: only
                    # the chosen one's are required.
                    described = set(resolved.get("properties") or {})
                    resolved["required"] = [
                        r for r in resolved.get("required") or [] if r in described
                    ]
                return self.value(
                    resolved, mode=mode, depth=depth + 1, variant=variant, binary=binary
                )
            except NoValueError as exc:
                reasons.append(str(exc))
        raise NoValueError(f"no {key} member: " + "; ".join(reasons))

    def _maybe_type(self, schema: Any) -> str | None:
        try:
            resolved = self.resolve(schema)
        except NoValueError:
            return None
        return self._type(resolved) if isinstance(resolved, dict) else None

    def _object(
        self, schema: dict[str, Any], mode: Mode, depth: int, variant: int, binary: bool
    ) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        skip = "readOnly" if mode == "request" else "writeOnly"
        result: dict[str, Any] = {}
        for name, member in properties.items():
            try:
                resolved = self.resolve(member)
            except NoValueError:
                if name in required:
                    raise
                continue
            if isinstance(resolved, dict) and resolved.get(skip) is True:
                continue
            if name not in required and depth >= _OPTIONAL_DEPTH:
                # A client sends the defaults of members not given (models dump them), so a
                # scalar default is what the receiver sees anyway: the value says so.
                default = resolved.get("default") if isinstance(resolved, dict) else None
                if isinstance(default, str | int | float | bool) or default in ([], {}):
                    result[name] = default
                continue
            try:
                result[name] = self.value(
                    member, mode=mode, depth=depth + 1, variant=variant, binary=binary
                )
            except NoValueError:
                if name in required:
                    raise
        extra = schema.get("additionalProperties")
        for name in sorted(required - set(properties)):
            # Required yet never described (a spec slip the models still require): any value
            # the additional members allow, else text.
            schema_of = extra if isinstance(extra, dict) else {"type": "string"}
            result[name] = self.value(schema_of, mode=mode, depth=depth + 1, binary=binary)
        minimum = int(schema.get("minProperties") or 0)
        if (not properties and extra is None) or extra is True or extra == {}:
            # A free-form object: an empty one has no representation in a query or form.
            extra = {"type": "string"}
        if isinstance(extra, dict) and (not properties or len(result) < minimum):
            index = 0
            while len(result) < max(minimum, 1):
                result[f"key{index}"] = self.value(
                    extra, mode=mode, depth=depth + 1, variant=index, binary=binary
                )
                index += 1
        return result

    def _array(
        self, schema: dict[str, Any], mode: Mode, depth: int, variant: int, binary: bool
    ) -> list[Any]:
        low = int(schema.get("minItems") or 0)
        high = schema.get("maxItems")
        count = max(low, 1 if depth < _MAX_DEPTH else 0)
        if isinstance(high, int):
            count = min(count, high)
        items = schema.get("items", True)
        values = [
            self.value(items, mode=mode, depth=depth + 1, variant=variant + i, binary=binary)
            for i in range(count)
        ]
        if schema.get("uniqueItems") and len({repr(v) for v in values}) < len(values):
            raise NoValueError("cannot make unique array items")
        return values

    def _string(self, schema: dict[str, Any], variant: int, binary: bool) -> str | bytes:
        fmt = schema.get("format")
        if fmt == "binary":
            return f"smoke{variant}".encode() if binary else f"smoke{variant}"
        if isinstance(fmt, str) and fmt in _FORMATS:
            text = _FORMATS[fmt]
            if fmt == "uuid" and variant:
                text = text[:-4] + f"{variant:04d}"
            return text
        low = int(schema.get("minLength") or 0)
        high = schema.get("maxLength")
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            return self._matching(pattern, low, high if isinstance(high, int) else None, variant)
        text = f"smoke{variant}" if variant else "smoke"
        if len(text) < low:
            text += "x" * (low - len(text))
        if isinstance(high, int) and len(text) > high:
            text = text[:high] if high >= 1 else ""
        return text

    def _matching(self, pattern: str, low: int, high: int | None, variant: int) -> str:
        key = (pattern, low, high)
        if key not in self._patterns:
            try:
                regex = re.compile(pattern)
                strategy = st.from_regex(regex, fullmatch=True)
                self._patterns[key] = find(
                    strategy,
                    lambda s: (
                        low <= len(s) <= (high if high is not None else 1_000)
                        # Printable ASCII only: a path or header value of control characters
                        # tests the transport, not the generator.
                        and all(" " < c < "\x7f" for c in s)
                    ),
                    settings=_SETTINGS,
                )
            except (re.error, NoSuchExample, Unsatisfiable, ValueError) as exc:
                raise NoValueError(
                    f"pattern unsupported: {pattern!r} ({type(exc).__name__})"
                ) from None
        del variant  # one value per pattern: a pattern rarely admits unique variants cheaply
        return self._patterns[key]

    def _number(self, schema: dict[str, Any], variant: int, *, integer: bool) -> float:
        low = schema.get("minimum")
        high = schema.get("maximum")
        exclusive_low = schema.get("exclusiveMinimum")
        exclusive_high = schema.get("exclusiveMaximum")
        step = 1 if integer else 0.5
        # OAS 3.0 spells exclusive bounds as booleans next to minimum/maximum; 3.1 as numbers.
        if exclusive_low is True and isinstance(low, int | float):
            low = low + step
        elif isinstance(exclusive_low, int | float) and not isinstance(exclusive_low, bool):
            low = exclusive_low + step
        if exclusive_high is True and isinstance(high, int | float):
            high = high - step
        elif isinstance(exclusive_high, int | float) and not isinstance(exclusive_high, bool):
            high = exclusive_high - step
        value: float = 1 if integer else 1.5
        value += variant
        if isinstance(low, int | float) and value < low:
            value = low + variant
        if isinstance(high, int | float) and value > high:
            value = high
        multiple = schema.get("multipleOf")
        if isinstance(multiple, int | float) and multiple > 0:
            value = math.ceil(value / multiple) * multiple
            if isinstance(high, int | float) and value > high:
                value = math.floor(high / multiple) * multiple
            if integer or float(multiple).is_integer():
                value = round(value)
        if integer:
            if not float(value).is_integer():
                value = math.ceil(value)
            return int(value)
        return float(value)
