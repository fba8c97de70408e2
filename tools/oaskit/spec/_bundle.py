"""Bundle a multi-file spec into one document with only local `$ref`s.

Like `redocly bundle`: a reference to a whole file that the root's
`components` names, or that lives in a `components/<section>/` folder, becomes
a reference into `#/components/<section>/<name>`; any other external reference
is inlined. With `hoist="all"` (`oaskit bundle`) every external reference whose
place names a component kind is hoisted instead, so a target written once is
defined once however often it is referenced. Every node of the result keeps the
location of its source.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from oaskit.errors import Finding, Location, SpecInputError
from oaskit.spec._hoist_names import component_name
from oaskit.spec._load import Document, Pointer, file_kind, load_document
from oaskit.spec._pointer import format_pointer, parse_pointer
from oaskit.spec._ref_kinds import expected_section
from oaskit.spec._vocabulary import DATA_KEYWORDS, NAME_MAPS

__all__ = ["Bundle", "Origin", "bundle_spec"]

# The order OAS 3.1 4.8.7 lists the sections in, for sections the bundle adds.
_SECTION_ORDER = {
    name: index
    for index, name in enumerate(
        (
            "schemas",
            "responses",
            "parameters",
            "examples",
            "requestBodies",
            "headers",
            "securitySchemes",
            "links",
            "callbacks",
            "pathItems",
        )
    )
}

# OAS 3.x `components` sections a reference can be hoisted into.
_SECTIONS = frozenset(_SECTION_ORDER)

# A URI scheme (RFC 3986 3.1) or a network-path reference (`//host`, RFC 3986 4.2): a `$ref`
# that names another machine, or a file by URL, is never followed (STYLE rule 16).
_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
# Members beside `$ref` that describe it without adding content (OAS 3.1 4.8.23); a chain of
# `$ref`s with only these around it defines nothing if it leads back to itself.
_ANNOTATIONS = frozenset({"$ref", "summary", "description"})

# A reference target: which file, which node in it.
_Target = tuple[Path, Pointer]
# Where a bundled node came from: a node of a loaded file, or a fixed place (the `$ref` that an
# inlined node replaced). The file position is looked up only when a finding asks for it.
Origin = tuple[Document, Pointer] | Location


@dataclass(slots=True)
class Bundle:
    """A whole spec as one document, with a source location for every node."""

    root: Path
    data: Any
    files: tuple[Path, ...]
    origins: dict[Pointer, Origin] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)

    def locate(self, pointer: Pointer) -> Location:
        """The source location of `pointer` in the bundle, or of its nearest ancestor."""
        probe = pointer
        while probe not in self.origins and probe:
            probe = probe[:-1]
        origin = self.origins.get(probe)
        if origin is None:
            return Location(self.root)
        if isinstance(origin, Location):
            return origin
        document, source = origin
        return document.locate(source)

    def locate_key(self, pointer: Pointer) -> Location:
        """The source location of the key that names `pointer` in its mapping (a path key, a
        component name), in the file that writes the mapping; `locate(pointer)` when unknown."""
        origin = self.origins.get(pointer[:-1]) if pointer else None
        if isinstance(origin, tuple):
            document, source = origin
            key = (*source, pointer[-1])
            try:
                document.resolve(key)
            except KeyError:
                # A member the bundle added to a mapping written elsewhere (a component hoisted
                # from another file): its own origin says where it is written.
                return self.locate(pointer)
            return document.locate_key(key)
        return self.locate(pointer)


def bundle_spec(
    root: Path, *, ref_roots: Sequence[Path] = (), hoist: Literal["sections", "all"] = "sections"
) -> Bundle:
    """Load `root` and everything it references; a broken root raises SpecInputError.

    `hoist="sections"` (lint, regen, fuzz) hoists whole files named by the root's components or
    kept in a `components/<section>/` folder and inlines other external targets, as the models
    are named after them; `hoist="all"` hoists every external target a component can hold.

    A `$ref` is followed only to a file inside the root spec's folder or one of `ref_roots`
    (`[tool.oaskit] ref-roots`, absolute or relative to the working folder), each taken after
    following symlinks; one leading anywhere else, or to a URL, raises SpecInputError at the
    `$ref`, and its target is never opened.
    """
    spec = _real(root, at=Location(root))
    folders = (spec.parent, *(_real(folder, at=Location(folder)) for folder in ref_roots))
    return _Bundler(spec, folders, hoist_all=hoist == "all").run()


def _real(path: Path, *, at: Location) -> Path:
    """`path` absolute with every symlink followed; a symlink loop raises SpecInputError at `at`.

    `Path.resolve` raises RuntimeError on a loop before Python 3.13 and OSError after; a path that
    does not exist is resolved as far as it goes, for the reader to report as missing.
    """
    try:
        return Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            message = f"cannot read file: {path.name}: a symlink loop"
            raise SpecInputError(Finding("input-unreadable", message, at)) from None
    return Path(os.path.realpath(path))


class _Bundler:
    def __init__(self, root: Path, folders: tuple[Path, ...], *, hoist_all: bool = False) -> None:
        self._root = root
        self._hoist_all = hoist_all

        # Where files may be read from: the root spec's folder and the configured ref-roots.
        self._folders = folders
        # Every local `$ref` the bundle keeps, by where it is in the bundle, with its source.
        self._refs: dict[Pointer, Origin] = {}
        self._documents: dict[Path, Document] = {}
        self._problems: list[Finding] = []
        self._origins: dict[Pointer, Origin] = {}
        # Whole-file or fragment targets that have a name under #/components.
        self._names: dict[_Target, tuple[str, str]] = {}
        # Hoisted targets still to be copied into components, in discovery order.
        self._pending: list[tuple[_Target, tuple[str, str]]] = []
        # Names the root's components already use, section by section: hoisting never takes one.
        self._taken: dict[str, set[str]] = {}
        # The names the root itself declares, which keep their place and order.
        self._declared: dict[str, set[str]] = {}

    def run(self) -> Bundle:
        root_doc = self._document(self._root, referrer=None)
        if root_doc is None:  # pragma: no cover - _document raises for the root
            raise AssertionError("root document missing")
        if not isinstance(root_doc.data, dict):
            raise SpecInputError(
                Finding(
                    "input-not-openapi",
                    "not an OpenAPI document: the top level is not a mapping",
                    root_doc.locate(()),
                )
            )
        self._register_root_components(root_doc)
        data = self._walk(root_doc.data, doc=root_doc, src=(), out=(), stack=())
        components = data.setdefault("components", {}) if isinstance(data, dict) else {}
        while self._pending:
            (path, pointer), (section, name) = self._pending.pop(0)
            target_doc = self._documents[path]
            node = target_doc.resolve(pointer)
            out = ("components", section, name)
            components.setdefault(section, {})[name] = self._walk(
                node, doc=target_doc, src=pointer, out=out, stack=((path, pointer),)
            )
        if self._hoist_all and isinstance(components, dict):
            self._drop_hoisted_definitions(data)
            _order_hoisted(components, self._declared)
        files = tuple(sorted(self._documents))
        self._refuse_loops(data)
        problems = [p for d in self._documents.values() for p in d.problems] + self._problems
        return Bundle(self._root, data, files, self._origins, problems)

    def _drop_hoisted_definitions(self, data: Any) -> None:
        """Remove the copies of `$defs` (or `definitions`) entries that became components.

        A `$defs` entry only names a schema for `$ref`s to use (JSON Schema 2020-12 Core 8.2.4);
        once hoisted, every reference points at the component and the copy left in its owner
        would be a second definition of the same thing.
        """
        hoisted = {
            (path, pointer)
            for (path, pointer) in self._names
            if len(pointer) >= 2 and pointer[-2] in ("$defs", "definitions")
        }
        if not hoisted:
            return
        copies = [
            out
            for out, origin in self._origins.items()
            if isinstance(origin, tuple)
            and len(out) > 3
            and out[-2] in ("$defs", "definitions")
            and (origin[0].path, origin[1]) in hoisted
        ]
        for out in sorted(copies, key=len, reverse=True):
            owner = _node_at(data, out[:-1])
            if isinstance(owner, dict):
                owner.pop(str(out[-1]), None)
                if not owner:
                    parent = _node_at(data, out[:-2])
                    if isinstance(parent, dict):
                        parent.pop(str(out[-2]), None)

    def _register_root_components(self, root_doc: Document) -> None:
        components = root_doc.data.get("components")
        if not isinstance(components, dict):
            return
        for section, entries in components.items():
            if section not in _SECTIONS or not isinstance(entries, dict):
                continue
            self._taken.setdefault(section, set()).update(entries)
            self._declared.setdefault(section, set()).update(entries)
            for name, entry in entries.items():
                ref = entry.get("$ref") if isinstance(entry, dict) else None
                if isinstance(ref, str) and not ref.startswith("#"):
                    target = self._target(
                        ref, doc=root_doc, at=("components", section, name, "$ref")
                    )
                    if target is not None:
                        self._names.setdefault(target, (section, name))

    def _document(self, path: Path, *, referrer: Origin | None) -> Document | None:
        if path in self._documents:
            return self._documents[path]
        try:
            document = load_document(path)
        except SpecInputError as exc:
            if referrer is None:
                raise
            # A broken referenced file is reported at the `$ref` that names it.
            finding = exc.finding
            where = (
                ""
                if finding.location.line == 1 and finding.location.col == 1
                else (f" at {finding.location.line}:{finding.location.col}")
            )
            hint = self._closest_file(path) if finding.code == "input-unreadable" else ""
            message = f"{path.name}{where}: {finding.message}{hint}"
            self._problems.append(Finding("ref-unresolvable", message, _place(referrer)))
            return None
        self._documents[path] = document
        return document

    def _target(self, ref: str, *, doc: Document, at: Pointer) -> _Target | None:
        file_part, _, fragment = ref.partition("#")
        path = self._inside(file_part, doc=doc, at=at) if file_part else doc.path
        try:
            pointer = parse_pointer(fragment)
        except ValueError as exc:
            self._problems.append(Finding("ref-unresolvable", str(exc), doc.locate(at)))
            return None
        return path, pointer

    def _inside(self, file_part: str, *, doc: Document, at: Pointer) -> Path:
        """The file `file_part` names, relative to `doc`; SpecInputError if it may not be read.

        Decided from the reference and the symlinks on its way only: a file outside the root is
        never opened, so nothing of it can reach a message or the generated code.
        """
        where = doc.locate(at)
        remote = _REMOTE.match(file_part)
        if remote:
            message = (
                f"$ref to a URL ({remote.group(0)}) is not followed: "
                "only files inside the spec's folder or ref-roots are read, nothing is fetched"
            )
            raise SpecInputError(Finding("ref-remote", message, where))
        if "\0" in file_part:
            raise SpecInputError(
                Finding("ref-unresolvable", "$ref names a file with a NUL byte", where)
            )
        path = _real(doc.path.parent / file_part, at=where)
        if not any(path.is_relative_to(folder) for folder in self._folders):
            message = (
                f"$ref {file_part!r} leads outside the spec's folder; "
                "add its folder to [tool.oaskit] ref-roots to allow it"
            )
            raise SpecInputError(Finding("ref-outside-root", message, where))
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return path  # missing: reported at the `$ref`, with the closest name
        if not stat.S_ISREG(mode):
            message = f"cannot read file: $ref {file_part!r} names {file_kind(mode)}, not a file"
            raise SpecInputError(Finding("input-unreadable", message, where))
        return path

    def _walk(
        self, node: Any, *, doc: Document, src: Pointer, out: Pointer, stack: tuple[_Target, ...]
    ) -> Any:
        self._origins[out] = (doc, src)
        if isinstance(node, list):
            return [
                self._walk(item, doc=doc, src=(*src, i), out=(*out, i), stack=stack)
                for i, item in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and not _is_example_value(out):
            return self._follow(node, ref, doc=doc, src=src, out=out, stack=stack)
        return {
            key: self._walk(value, doc=doc, src=(*src, key), out=(*out, key), stack=stack)
            for key, value in node.items()
        }

    def _follow(
        self,
        node: dict[str, Any],
        ref: str,
        *,
        doc: Document,
        src: Pointer,
        out: Pointer,
        stack: tuple[_Target, ...],
    ) -> Any:
        # Located only if something is reported there: most references resolve.
        at: Origin = (doc, (*src, "$ref"))
        target = self._target(ref, doc=doc, at=(*src, "$ref"))
        if target is None:
            return dict(node)
        path, pointer = target
        siblings = {
            key: self._walk(value, doc=doc, src=(*src, key), out=(*out, key), stack=stack)
            for key, value in node.items()
            if key != "$ref"
        }
        target_doc = self._document(path, referrer=at)
        if target_doc is None or not self._exists(target_doc, pointer, at=at, ref=ref):
            # Reported at the `$ref`; the reference stays as written so nothing is lost.
            return {"$ref": ref, **siblings}
        defining = (
            len(out) == 3 and out[0] == "components" and self._names.get(target) == (out[1], out[2])
        )
        if path == self._root and not defining:
            self._refs[out] = at
            return {"$ref": format_pointer(pointer), **siblings}
        name = None if defining else self._names.get(target) or self._hoistable(target, out)
        if name is not None:
            self._refs[out] = at
            return {"$ref": format_pointer(("components", *name)), **siblings}
        if target in stack:
            message = (
                f"reference cycle through {ref!r} cannot be inlined; "
                "name the target under components"
            )
            self._problems.append(Finding("ref-cycle", message, _place(at)))
            return {"$ref": ref, **siblings}
        inlined = self._walk(
            target_doc.resolve(pointer),
            doc=target_doc,
            src=pointer,
            out=out,
            stack=(*stack, target),
        )
        # Keep where the reference was written as the origin of the node that replaced it.
        self._origins[out] = at
        if isinstance(inlined, dict) and siblings:
            # OAS 3.1 lets `summary`/`description` beside `$ref` override the target's.
            return {**inlined, **siblings}
        return inlined

    def _refuse_loops(self, data: Any) -> None:
        """Report each chain of `$ref`s that leads back to itself without reaching a definition.

        `A: {$ref: B}`, `B: {$ref: A}` (or `A: {$ref: A}`) defines nothing: resolving it never
        ends (OAS 3.1 4.8.23; JSON Schema 2020-12 Core, "Guarding Against Infinite Recursion",
        leaves it undefined), and regen would look for models that cannot exist. A recursive
        schema reaches content (a `type`, a `properties`) on its way round and is fine. Each
        loop is reported once, at the `$ref` of its member met first.
        """
        settled: set[Pointer] = set()
        for start in self._refs:
            chain: list[Pointer] = []
            at = start
            while at in self._refs and at not in settled and at not in chain:
                node = _node_at(data, at)
                if not isinstance(node, dict) or not set(node) <= _ANNOTATIONS:
                    break
                chain.append(at)
                ref = node.get("$ref")
                if not isinstance(ref, str) or not ref.startswith("#"):
                    break
                try:
                    at = parse_pointer(ref[1:])
                except ValueError:
                    break
            if at in chain:
                loop = chain[chain.index(at) :]
                names = " -> ".join(format_pointer(each) for each in [*loop, at])
                message = f"$ref cycle that never reaches a definition: {names}"
                self._problems.append(Finding("ref-cycle", message, _place(self._refs[loop[0]])))
            settled.update(chain)

    def _hoistable(self, target: _Target, out: Pointer) -> tuple[str, str] | None:
        path, pointer = target
        if path == self._root:
            return None
        if self._hoist_all:
            # A Path Item stays in `paths`, written out: readers that list operations from
            # `paths` (openapi-python-client 0.29, schemathesis' 3.0 mode) do not follow a
            # `$ref` there, and 3.0 has no `pathItems` section to hoist it into.
            found = expected_section(out, path_items=False)
            if found is None:
                return None
            section = found
            base = component_name(path, pointer)
        elif pointer or path.parent.name not in _SECTIONS:
            return None
        else:
            section = path.parent.name
            base = path.stem
        taken = self._taken.setdefault(section, set())
        name = base
        counter = 2
        while name in taken:
            name = f"{base}{counter}"
            counter += 1
        taken.add(name)
        self._names[target] = (section, name)
        self._pending.append((target, (section, name)))
        return section, name

    def _exists(self, document: Document, pointer: Pointer, *, at: Origin, ref: str) -> bool:
        try:
            document.resolve(pointer)
        except KeyError:
            message = f"$ref {ref!r} points at nothing"
            nearest = _nearest_pointer(document.data, pointer)
            if nearest is not None:
                file_part = ref.partition("#")[0]
                message += f"; did you mean {file_part + format_pointer(nearest)!r}?"
            self._problems.append(Finding("ref-unresolvable", message, _place(at)))
            return False
        return True

    def _closest_file(self, path: Path) -> str:
        """`; did you mean 'x'?` naming the file beside a missing `path` closest to its name.

        Only folders inside the spec's own folder or a ref-root are listed: references stay there.
        """
        folder = path.parent
        inside = any(folder.is_relative_to(each) for each in self._folders)
        if not inside or path.exists() or not folder.is_dir():
            return ""
        names = [entry.name for entry in folder.iterdir() if entry.is_file()]
        close = difflib.get_close_matches(path.name, names, n=1)
        return f"; did you mean {close[0]!r}?" if close else ""


def _order_hoisted(components: dict[str, Any], declared: dict[str, set[str]]) -> None:
    """Put hoisted components after the root's own, sorted by name, and new sections in OAS
    order (3.1 4.8.7): the output then depends on what is referenced, not on the order the
    walk met it in, so moving a `$ref` within the spec moves nothing in the bundle."""
    added = set(components) - set(declared)
    for section in sorted(added, key=lambda name: _SECTION_ORDER.get(name, len(_SECTION_ORDER))):
        components[section] = components.pop(section)
    for section, entries in components.items():
        if section not in _SECTIONS or not isinstance(entries, dict):
            continue
        own = declared.get(section, set())
        hoisted = sorted(name for name in entries if name not in own)
        for name in hoisted:
            entries[name] = entries.pop(name)


def _nearest_pointer(data: Any, pointer: Pointer) -> Pointer | None:
    """`pointer` with each member name that misses replaced by the closest one beside it.

    None when some token has no close name (or indexes past a list): a suggestion must resolve.
    """
    node = data
    nearest: list[str | int] = []
    for token in pointer:
        if isinstance(node, dict):
            name = str(token)
            if name not in node:
                close = difflib.get_close_matches(name, [str(key) for key in node], n=1)
                if not close:
                    return None
                name = close[0]
            nearest.append(name)
            node = node[name]
        elif isinstance(node, list) and str(token).isdigit() and int(token) < len(node):
            nearest.append(token)
            node = node[int(token)]
        else:
            return None
    return tuple(nearest)


def _node_at(data: Any, pointer: Pointer) -> Any:
    """The node at `pointer` in plain data, or None when there is none."""
    node = data
    for token in pointer:
        if isinstance(node, dict):
            node = node.get(str(token))
        elif isinstance(node, list) and str(token).isdigit() and int(str(token)) < len(node):
            node = node[int(str(token))]
        else:
            return None
    return node


def _place(origin: Origin) -> Location:
    if isinstance(origin, Location):
        return origin
    document, pointer = origin
    return document.locate(pointer)


def _is_example_value(out: Pointer) -> bool:
    """Whether `out` lies inside literal data, where `$ref` is a plain member, not a reference."""
    name_position = False
    for index, token in enumerate(out):
        if name_position or isinstance(token, int):
            # A name (or an array index) is not a keyword; what lies below it is read afresh.
            name_position = False
            continue
        if token == "examples":
            # Schema `examples` lists values; elsewhere `examples` maps names to Example Objects.
            after = out[index + 1] if index + 1 < len(out) else None
            if isinstance(after, int):
                return True
            name_position = True
            continue
        if token in DATA_KEYWORDS or token.startswith("x-"):
            return True
        name_position = token in NAME_MAPS
    return False
