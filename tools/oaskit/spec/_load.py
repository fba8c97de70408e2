"""Load YAML or JSON documents, remembering where every node came from."""

from __future__ import annotations

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
    positions: dict[Pointer, tuple[int, int]] = field(default_factory=dict)
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
        # RFC 8259 allows tabs between tokens, YAML does not; a raw tab cannot occur inside a
        # valid JSON string, so turning each into a space keeps every line and column.
        text = text.replace("\t", " ")
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
            document.data = _Builder(document).build(root, ())
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

    def __init__(self, document: Document) -> None:
        self._document = document
        self._constructor = _Loader("")
        # Collections being built right now: an alias to one of them is a cycle (`a: &a [*a]`).
        self._open: set[int] = set()

    def build(self, node: yaml.Node, pointer: Pointer) -> Any:
        """Plain data for `node`, recording positions below `pointer`."""
        self._document.positions[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
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
