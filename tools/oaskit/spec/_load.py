"""Load YAML or JSON documents, remembering where every node came from."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oaskit.errors import Finding, Level, Location, SpecInputError

__all__ = ["Document", "Pointer", "load_document"]

# A JSON pointer as a tuple of tokens; cheaper to build and hash than strings.
Pointer = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 timestamps: OpenAPI values are JSON values."""


# Unquoted dates would otherwise become `datetime` objects, which JSON Schema
# (and every JSON consumer of the bundled spec) does not know.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(slots=True)
class Document:
    """One parsed file: its data and the position of every node, by pointer."""

    path: Path
    data: Any
    # YAML records every node's position while composing; JSON finds one only when asked.
    positions: Mapping[Pointer, tuple[int, int]] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    def locate(self, pointer: Pointer) -> Location:
        """The position of `pointer`, or of its nearest ancestor that has one."""
        probe = pointer
        while probe not in self.positions and probe:
            probe = probe[:-1]
        line, col = self.positions.get(probe, (1, 1))
        return Location(self.path, line, col)

    def resolve(self, pointer: Pointer) -> Any:
        """The node at `pointer`; raises KeyError when it does not exist."""
        node = self.data
        for token in pointer:
            if isinstance(node, dict):
                if token not in node:
                    raise KeyError(token)
                node = node[token]
            elif isinstance(node, list):
                # Pointers parsed from a `$ref` carry list indexes as strings (RFC 6901 4).
                index = int(token) if isinstance(token, str) and token.isdigit() else token
                if not isinstance(index, int) or not 0 <= index < len(node):
                    raise KeyError(token)
                node = node[index]
            else:
                raise KeyError(token)
        return node


def load_document(path: Path) -> Document:
    """Parse `path`; an unreadable or unparsable file raises SpecInputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SpecInputError(
            Finding("input-unreadable", f"cannot read file: {reason}", Location(path))
        ) from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        document = _load_json(path, text)
        if document is not None:
            return document
        # RFC 8259 allows tabs between tokens, YAML does not; a raw tab cannot occur inside a
        # valid JSON string, so turning each into a space keeps every line and column.
        text = text.replace("\t", " ")
    return _load_yaml(path, text)


def _load_yaml(path: Path, text: str) -> Document:
    """`text` composed by PyYAML, the position of every node recorded on the way."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid syntax"
        raise SpecInputError(
            Finding("input-syntax", f"not valid YAML or JSON: {reason}", Location(path, line, col))
        ) from None
    except yaml.YAMLError as exc:
        raise SpecInputError(
            Finding("input-syntax", f"not valid YAML or JSON: {exc}", Location(path))
        ) from None
    document = Document(path=path, data=None)
    if root is not None:
        try:
            positions: dict[Pointer, tuple[int, int]] = {}
            document.positions = positions
            document.data = _Builder(document, positions).build(root, ())
        except yaml.MarkedYAMLError as exc:
            # Values are constructed after composing: an unknown tag (`!custom`) fails here.
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            reason = exc.problem or exc.context or "invalid value"
            raise SpecInputError(
                Finding(
                    "input-syntax", f"not valid YAML or JSON: {reason}", Location(path, line, col)
                )
            ) from None
    return document


class _Builder:
    """Turns a composed YAML node tree into plain data plus a position map."""

    def __init__(self, document: Document, positions: dict[Pointer, tuple[int, int]]) -> None:
        self._document = document
        self._positions = positions
        self._constructor = _Loader("")
        # Collections being built right now: an alias to one of them is a cycle (`a: &a [*a]`).
        self._open: set[int] = set()

    def build(self, node: yaml.Node, pointer: Pointer) -> Any:
        """Plain data for `node`, recording positions below `pointer`."""
        self._positions[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._constructor.construct_object(node, deep=True)
        if id(node) in self._open:
            # JSON has no cycles, so such a document cannot be used at all.
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
            message = "not valid YAML or JSON: an alias refers to a node that contains it"
            raise SpecInputError(
                Finding("input-syntax", message, Location(self._document.path, line, col))
            )
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._build_mapping(node, pointer)
            return [self.build(item, (*pointer, index)) for index, item in enumerate(node.value)]
        finally:
            self._open.discard(id(node))

    def _build_mapping(self, node: yaml.MappingNode, pointer: Pointer) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                # `<<:` merge keys are YAML 1.1 only and silently change meaning elsewhere.
                self._problem(key_node, "yaml-merge-key", "YAML merge keys (<<) are not supported")
                continue
            key = self._constructor.construct_object(key_node, deep=True)
            # JSON object keys are strings; YAML would let `200:` be an int.
            name = (
                key
                if isinstance(key, str)
                else str(key).lower()
                if isinstance(key, bool)
                else str(key)
            )
            if name in result:
                self._problem(key_node, "duplicate-key", f"duplicate key {name!r}")
            result[name] = self.build(value_node, (*pointer, name))
        return result

    def _problem(self, node: yaml.Node, code: str, message: str) -> None:
        location = Location(
            self._document.path, node.start_mark.line + 1, node.start_mark.column + 1
        )
        self._document.problems.append(Finding(code, message, location, Level.ERROR))


class _NotPlainJsonError(ValueError):
    """JSON that the YAML path must read: duplicate keys, NaN or Infinity."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        # The YAML path reports each duplicate at its key; `json` would keep the last silently.
        raise _NotPlainJsonError("duplicate key")
    return result


def _no_constant(name: str) -> Any:
    # `NaN` and `Infinity` are not JSON (RFC 8259 6); YAML reads them as strings, as before.
    raise _NotPlainJsonError(name)


def _load_json(path: Path, text: str) -> Document | None:
    """`text` through the C JSON parser, positions found on demand; None when it needs YAML.

    Composing 13 MB of JSON with PyYAML takes most of a minute; `json` takes a fraction of a
    second. Findings need the position of a few nodes only, so those are found in the text when
    asked. Anything `json` rejects (and JSON with duplicate keys or NaN) takes the YAML path,
    which reports it exactly as before.
    """
    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    return Document(path=path, data=data, positions=_JsonPositions(text, data))


# JSON whitespace (RFC 8259 2) and the characters PyYAML's reader counts as line breaks (YAML
# 1.2 5.4 plus its 1.1 extras), so lines match what the YAML path reported for the same text;
# `read_text` has already turned every CR and CRLF into LF.
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_LINE_BREAK = re.compile("[\n\x85\u2028\u2029]")


class _JsonPositions(Mapping[Pointer, tuple[int, int]]):
    """Positions of the nodes of a JSON text, each found when first asked for.

    A container is scanned once, on the first request below it, recording where each of its
    members starts; the C parser skips each member's value, so finding a node costs about one
    parse of the containers on its way, and nothing for the rest of the document.
    """

    def __init__(self, text: str, data: Any) -> None:
        self._text = text
        self._data = data
        self._decoder = json.JSONDecoder()
        start = _WHITESPACE.match(text)
        self._offsets: dict[Pointer, int] = {(): start.end() if start else 0}
        self._members: dict[Pointer, dict[str | int, int]] = {}
        self._lines: list[int] | None = None

    def __getitem__(self, pointer: Pointer) -> tuple[int, int]:
        offset = self._offset(pointer)
        if self._lines is None:
            self._lines = [0, *(match.end() for match in _LINE_BREAK.finditer(self._text))]
        line = bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    def __iter__(self) -> Iterator[Pointer]:
        stack: list[tuple[Pointer, Any]] = [((), self._data)]
        while stack:
            pointer, node = stack.pop()
            yield pointer
            if isinstance(node, dict):
                stack.extend(((*pointer, key), value) for key, value in node.items())
            elif isinstance(node, list):
                stack.extend(((*pointer, index), value) for index, value in enumerate(node))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _offset(self, pointer: Pointer) -> int:
        known = self._offsets.get(pointer)
        if known is not None:
            return known
        depth = len(pointer)
        while pointer[:depth] not in self._offsets:
            depth -= 1
        for end in range(depth + 1, len(pointer) + 1):
            parent = pointer[: end - 1]
            members = self._members.get(parent)
            if members is None:
                members = self._members[parent] = self._scan(self._offsets[parent])
            token = pointer[end - 1]
            # Object members are named by strings, array items by ints (as the YAML path keys).
            if isinstance(token, bool) or token not in members:
                raise KeyError(pointer)
            self._offsets[pointer[:end]] = members[token]
        return self._offsets[pointer]

    def _scan(self, offset: int) -> dict[str | int, int]:
        """Where each member of the container starting at `offset` starts (none for a scalar)."""
        text, decode, skip = self._text, self._decoder.raw_decode, _WHITESPACE.match
        members: dict[str | int, int] = {}
        opening = text[offset : offset + 1]
        if opening not in ("{", "["):
            return members
        closing = "}" if opening == "{" else "]"
        index = 0
        at = _end(skip(text, offset + 1), offset + 1)
        while text[at] != closing:
            if opening == "{":
                key, at = decode(text, at)
                at = _end(skip(text, at), at)  # then `:`
                at = _end(skip(text, at + 1), at + 1)
                name: str | int = key
            else:
                name, index = index, index + 1
            members[name] = at
            _, at = decode(text, at)
            at = _end(skip(text, at), at)
            if text[at] == ",":
                at = _end(skip(text, at + 1), at + 1)
        return members


def _end(match: re.Match[str] | None, default: int) -> int:
    return match.end() if match else default
