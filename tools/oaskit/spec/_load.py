"""Load YAML or JSON documents, remembering where every node came from."""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import sys
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oaskit.errors import Finding, Level, Location, SpecInputError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_YAML_BYTES", "Document", "Pointer", "load_document"]

# A JSON pointer as a tuple of tokens; cheaper to build and hash than strings.
Pointer = tuple[str | int, ...]

# Budgets for hostile input (issue #15; STYLE rule 16). Each is far above any real spec (GitHub's
# 11 MB, 19 levels deep) and each ends in a located finding, never in a traceback or a kill.
# A file is read only up to this size, checked on the open file before reading.
MAX_BYTES = 64 * 1024 * 1024
# YAML is composed by PyYAML in pure Python, some 3 s and 50 MB of memory per MB of input (JSON
# goes through the C parser, ten times faster); larger YAML is refused with the advice to convert.
MAX_YAML_BYTES = 16 * 1024 * 1024
# Nesting of mappings and lists, counted from the document's top. Bundling, validation, the lint
# walk and model generation recurse over the data (regen's code generator ran out of stack at
# about 200 levels), so nothing deeper gets past loading.
MAX_DEPTH = 128
# Nodes YAML aliases may add on top of the nodes written in the file: enough for any anchored
# snippet repeated, while a "billion laughs" document (9 levels of 10 aliases) stops after a
# fraction of a second and a few hundred MB, its memory linear in the input.
_ALIAS_NODES = 500_000
# The digits `int()` and `str()` accept (CVE-2020-10735), and the smallest integer with more.
_DIGITS = sys.int_info.default_max_str_digits
_INT_CEILING = 10**_DIGITS
# The tags a JSON value can carry: YAML 1.2's JSON and core schemas (YAML 1.2 10.2, 10.3), plus
# the two PyYAML's resolver produces for plain `=` and `<<`, which the builder reports itself.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "value", "merge")
)
# Byte order marks of the encodings a file may be saved in by mistake, longest first (the
# UTF-32 LE mark starts with UTF-16 LE's); a UTF-8 mark is allowed (YAML 1.2 5.2, RFC 8259 8.1).
_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


# Keys are kept for members of mappings this many levels deep (the root is 0): top-level
# fields, path keys (`/paths/{key}`), a path item's methods and component names
# (`/components/schemas/{key}`), which findings about a name point at. Every key would cost a
# position per member of a large spec.
KEY_DEPTH = 2


def _limit(code: str, message: str, where: Location) -> SpecInputError:
    return SpecInputError(Finding(code, message, where))


def _position(mark: Any) -> tuple[int, int]:
    """A PyYAML mark (0-based, None on nodes built by hand) as a 1-based line and column."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Mark:
    """Where a composed node starts, 0-based as PyYAML's marks: all the builder reads of one."""

    __slots__ = ("column", "line")
    # What PyYAML's error text reads of a mark, should an error quote one.
    name = "<input>"

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"  line {self.line + 1}, column {self.column + 1}"


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 timestamps, counting what it composes and how deep.

    PyYAML's composer recurses once per level (a RecursionError at a few hundred), so depth is
    refused before that; the nodes it composes and the aliases written in the file are counted
    for the builder, which expands the aliases and so needs a budget for them.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.oaskit_path = Path()
        self.oaskit_depth = 0
        self.oaskit_nodes = 0
        # Where each alias standing for a list item or a mapping value is written, by (parent
        # node, member index): the composed graph shares the anchored node, whose own position
        # is the anchor's. (An alias as a key is a scalar, which costs nothing to repeat.)
        self.oaskit_aliases: dict[tuple[int, int], tuple[int, int]] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            if parent is not None and index is not None:
                # The member is appended after it is composed, so its index is the length now.
                key = (id(parent), len(parent.value))
                self.oaskit_aliases[key] = _position(event.start_mark)
            return super().compose_node(parent, index)
        self.oaskit_nodes += 1
        if self.oaskit_depth >= MAX_DEPTH and isinstance(
            event, yaml.MappingStartEvent | yaml.SequenceStartEvent
        ):
            where = Location(self.oaskit_path, *_position(event.start_mark))
            raise _limit("input-too-deep", f"nested deeper than {MAX_DEPTH} levels", where)
        self.oaskit_depth += 1
        try:
            node: yaml.Node | None = super().compose_node(parent, index)
        finally:
            self.oaskit_depth -= 1
        # PyYAML keeps two marks of six attributes per node; one line and column is all that is
        # read later, and the graph is whole in memory while it is built: half its size.
        if node is not None:
            node.start_mark = _Mark(node.start_mark.line, node.start_mark.column)
            node.end_mark = None
        return node


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
    # Where the key naming a member is written: in YAML for members of mappings up to
    # `KEY_DEPTH` deep, recorded while composing; in JSON for any, found when asked.
    key_positions: Mapping[Pointer, tuple[int, int]] = field(default_factory=dict)

    def locate_key(self, pointer: Pointer) -> Location:
        """The position of the key that names `pointer` (a path key, a component name); where
        none is known (an array item, a deeper member), the position of `pointer` itself."""
        position = self.key_positions.get(pointer) if pointer else None
        if position is None:
            return self.locate(pointer)
        return Location(self.path, *position)

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
    """Parse `path`; an unreadable, unparsable or over-budget file raises SpecInputError."""
    text = _read_text(path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        document = _load_json(path, text)
        if document is not None:
            return document
        # RFC 8259 allows tabs between tokens, YAML does not; a raw tab cannot occur inside a
        # valid JSON string, so turning each into a space keeps every line and column.
        text = text.replace("\t", " ")
    if len(text) > MAX_YAML_BYTES:
        message = (
            f"YAML (or JSON with duplicate keys or NaN) is read up to "
            f"{MAX_YAML_BYTES // (1024 * 1024)} MiB; save the spec as JSON, read up to "
            f"{MAX_BYTES // (1024 * 1024)} MiB"
        )
        raise _limit("input-too-large", message, Location(path))
    return _load_yaml(path, text)


def _read_text(path: Path) -> str:
    """The text of the regular file at `path`, read within MAX_BYTES; else SpecInputError.

    Opened without blocking, then checked on the open descriptor, so nothing swapped in between
    a check and the open is read: a FIFO would block an open for reading until a writer came,
    and a device (`/dev/zero`) or a directory has no end or no text.
    """

    def unreadable(reason: str) -> SpecInputError:
        return SpecInputError(
            Finding("input-unreadable", f"cannot read file: {reason}", Location(path))
        )

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise unreadable(exc.strerror or type(exc).__name__) from None
    except ValueError:  # an embedded NUL byte in the name
        raise unreadable("the file name holds a NUL byte") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise unreadable(f"{file_kind(info.st_mode)}, not a regular file")
        if info.st_size > MAX_BYTES:
            message = f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB"
            raise _limit("input-too-large", message, Location(path))
        with os.fdopen(os.dup(fd), "rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise unreadable(exc.strerror or type(exc).__name__) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:  # grew since fstat
        message = f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB"
        raise _limit("input-too-large", message, Location(path))
    for mark, encoding in _FOREIGN_BOMS:
        if raw.startswith(mark):
            raise unreadable(f"the file is {encoding} (byte order mark); save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _text_position(raw[: exc.start])
        message = f"cannot read file: not UTF-8 (byte 0x{raw[exc.start]:02x})"
        raise SpecInputError(
            Finding("input-unreadable", message, Location(path, line, col))
        ) from None
    # As `read_text` did (universal newlines): every CR and CRLF becomes LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, for a message: `a directory`, `a FIFO`, …."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _text_position(prefix: bytes) -> tuple[int, int]:
    """Line and column just after `prefix`, a valid UTF-8 start of a file."""
    text = prefix.decode("utf-8-sig", errors="replace")
    line = text.count("\n") + 1
    return line, len(text) - (text.rfind("\n") + 1) + 1


def _load_yaml(path: Path, text: str) -> Document:
    """`text` composed by PyYAML, the position of every node recorded on the way."""
    loader = _Loader(text)
    loader.oaskit_path = path
    try:
        root = loader.get_single_node()
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
    finally:
        loader.dispose()
    document = Document(path=path, data=None)
    if root is not None:
        try:
            positions: dict[Pointer, tuple[int, int]] = {}
            document.positions = positions
            keys: dict[Pointer, tuple[int, int]] = {}
            document.key_positions = keys
            builder = _Builder(
                document,
                positions,
                keys,
                aliases=loader.oaskit_aliases,
                budget=loader.oaskit_nodes + _ALIAS_NODES,
            )
            document.data = builder.build(root, ())
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

    def __init__(
        self,
        document: Document,
        positions: dict[Pointer, tuple[int, int]],
        keys: dict[Pointer, tuple[int, int]],
        *,
        aliases: Mapping[tuple[int, int], tuple[int, int]],
        budget: int,
    ) -> None:
        self._document = document
        self._positions = positions
        self._keys = keys
        self._constructor = _Loader("")
        # Collections being built right now: an alias to one of them is a cycle (`a: &a [*a]`).
        self._open: set[int] = set()
        self._aliases = aliases
        # Nodes still to be built: those written in the file plus what aliases may add.
        self._budget = budget
        # Where the aliases being expanded right now are written, innermost last.
        self._via: list[tuple[int, int]] = []

    def _member(self, parent: yaml.Node, index: int, item: yaml.Node, pointer: Pointer) -> Any:
        """`item`, member `index` of `parent`, built; an alias is followed on the record."""
        place = self._aliases.get((id(parent), index))
        if place is None:
            return self.build(item, pointer)
        self._via.append(place)
        try:
            return self.build(item, pointer)
        finally:
            self._via.pop()

    def build(self, node: yaml.Node, pointer: Pointer) -> Any:
        """Plain data for `node`, recording positions below `pointer`."""
        self._budget -= 1
        if self._budget < 0:
            # Only aliases make more nodes than the file holds (the "billion laughs").
            place = self._via[-1] if self._via else _position(node.start_mark)
            where = Location(self._document.path, *place)
            message = f"YAML aliases expand to more than {_ALIAS_NODES} nodes beyond the file's"
            raise _limit("input-too-large", message, where)
        if node.tag not in _PLAIN_TAGS:
            # A mapping or list keeps no tag in the data, and any other tag is a Python or
            # application type: OpenAPI documents are JSON data (OAS 3.1 4.2).
            self._refuse(node, f"the YAML tag {node.tag!r} is not a JSON type")
        self._positions[pointer] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            return self._scalar(node)
        if len(pointer) >= MAX_DEPTH:
            # Composed within the limit, but an alias puts a deep node deeper still.
            place = self._via[-1] if self._via else _position(node.start_mark)
            where = Location(self._document.path, *place)
            raise _limit("input-too-deep", f"nested deeper than {MAX_DEPTH} levels", where)
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
            return [
                self._member(node, index, item, (*pointer, index))
                for index, item in enumerate(node.value)
            ]
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: yaml.Node) -> Any:
        # `int()` refuses more than 4300 digits (CVE-2020-10735); hexadecimal, octal and YAML 1.1
        # base-60 integers escape that check but not `str()`, which every report and regen's
        # output calls. The text is not echoed: it may be megabytes.
        too_large = f"a number with more than {_DIGITS} digits"
        try:
            value = self._constructor.construct_object(node, deep=True)
        except ValueError:
            if len(str(node.value)) > _DIGITS:
                self._refuse(node, too_large, code="input-too-large")
            # An explicit `!!int` or `!!float` on text that is not one.
            self._refuse(node, f"the value is not a valid {node.tag.rpartition(':')[2]}")
            raise  # pragma: no cover - _refuse raises
        if isinstance(value, int) and abs(value) >= _INT_CEILING:
            self._refuse(node, too_large, code="input-too-large")
        return value

    def _refuse(self, node: yaml.Node, message: str, *, code: str = "input-syntax") -> None:
        where = Location(self._document.path, node.start_mark.line + 1, node.start_mark.column + 1)
        prefix = "not valid YAML or JSON: " if code == "input-syntax" else ""
        raise SpecInputError(Finding(code, prefix + message, where))

    def _build_mapping(self, node: yaml.MappingNode, pointer: Pointer) -> dict[str, Any]:
        result: dict[str, Any] = {}
        keyed = len(pointer) <= KEY_DEPTH
        for position, (key_node, value_node) in enumerate(node.value):
            if key_node.tag == "tag:yaml.org,2002:merge":
                # `<<:` merge keys are YAML 1.1 only and silently change meaning elsewhere.
                self._problem(key_node, "yaml-merge-key", "YAML merge keys (<<) are not supported")
                continue
            if isinstance(key_node, yaml.MappingNode | yaml.SequenceNode):
                # JSON object keys are strings (RFC 8259 4); a complex key has no JSON form.
                self._refuse(key_node, "a mapping key is a mapping or a list")
            if key_node.tag not in _PLAIN_TAGS:
                self._refuse(key_node, f"the YAML tag {key_node.tag!r} is not a JSON type")
            key = self._scalar(key_node)
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
            elif keyed:
                self._keys[(*pointer, name)] = _position(key_node.start_mark)
            result[name] = self._member(node, position, value_node, (*pointer, name))
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
        data = json.loads(
            text, object_pairs_hook=_unique, parse_constant=_no_constant, parse_int=_int
        )
    except (ValueError, RecursionError):
        # Too deep for the C parser's recursion guard, or a number `int()` refuses: the YAML
        # path stops at the same limits, with the place.
        return None
    positions = _JsonPositions(text, data)
    deep = _too_deep(data)
    if deep is not None:
        where = Location(path, *positions[deep])
        raise _limit("input-too-deep", f"nested deeper than {MAX_DEPTH} levels", where)
    return Document(path=path, data=data, positions=positions, key_positions=_JsonKeys(positions))


def _int(digits: str) -> int:
    # Python's `int()` refuses over 4300 digits with a ValueError that quotes the input; a
    # plain one leaves the text to the YAML path, which reports it at its place.
    if len(digits.lstrip("-")) > _DIGITS:
        raise _NotPlainJsonError("a long number")
    return int(digits)


def _too_deep(data: Any) -> Pointer | None:
    """The pointer of a mapping or list nested MAX_DEPTH levels down, if `data` has one.

    `json`'s C parser nests as deep as the interpreter's recursion limit, deeper than what
    bundling, validation and generation can walk; iterative, so the check itself cannot overflow.
    """
    # Level by level first, without pointers: a third of the time of the walk below, which only
    # a document that is too deep needs, to say where.
    level = [data] if isinstance(data, dict | list) else []
    for _ in range(MAX_DEPTH):
        level = [
            value
            for node in level
            for value in (node.values() if isinstance(node, dict) else node)
            if isinstance(value, dict | list)
        ]
    if not level:
        return None
    stack: list[tuple[Pointer, Any]] = [((), data)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            members: Iterator[tuple[str | int, Any]] = iter(node.items())
        elif isinstance(node, list):
            members = iter(enumerate(node))
        else:
            continue
        if len(pointer) >= MAX_DEPTH:
            return pointer
        stack.extend(
            ((*pointer, key), value) for key, value in members if isinstance(value, dict | list)
        )
    return None


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
        # Where each scanned object's member names start, by the member's pointer.
        self._keys: dict[Pointer, int] = {}
        self._lines: list[int] | None = None

    def __getitem__(self, pointer: Pointer) -> tuple[int, int]:
        return self._line_and_column(self._offset(pointer))

    def key(self, pointer: Pointer) -> tuple[int, int]:
        """The position of the name of object member `pointer`; KeyError if it is none."""
        if not pointer:
            raise KeyError(pointer)
        self._offset(pointer)  # scans the object that holds it
        if pointer not in self._keys:
            raise KeyError(pointer)  # an array item
        return self._line_and_column(self._keys[pointer])

    def _line_and_column(self, offset: int) -> tuple[int, int]:
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
                members = self._members[parent] = self._scan(self._offsets[parent], parent)
            token = pointer[end - 1]
            # Object members are named by strings, array items by ints (as the YAML path keys).
            if isinstance(token, bool) or token not in members:
                raise KeyError(pointer)
            self._offsets[pointer[:end]] = members[token]
        return self._offsets[pointer]

    def _scan(self, offset: int, pointer: Pointer) -> dict[str | int, int]:
        """Where each member of the container `pointer`, starting at `offset`, starts (none for
        a scalar); where each member's name starts goes to `_keys`."""
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
                key_at = at
                key, at = decode(text, at)
                self._keys[(*pointer, key)] = key_at
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


class _JsonKeys(Mapping[Pointer, tuple[int, int]]):
    """Where the names of a JSON text's object members are, each found when first asked for."""

    def __init__(self, positions: _JsonPositions) -> None:
        self._positions = positions

    def __getitem__(self, pointer: Pointer) -> tuple[int, int]:
        return self._positions.key(pointer)

    def __iter__(self) -> Iterator[Pointer]:
        return (pointer for pointer in self._positions if pointer and pointer in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, pointer: object) -> bool:
        if not isinstance(pointer, tuple):
            return False
        try:
            self._positions.key(pointer)
        except KeyError:
            return False
        return True


def _end(match: re.Match[str] | None, default: int) -> int:
    return match.end() if match else default
