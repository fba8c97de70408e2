"""Models in an order Python can run: each after the models its class statement evaluates.

datamodel-codegen orders models by their place in the spec and by base classes, but not by
defaults: Adyen's `type: Type3 = Type3.ReleaseUpdate` comes before `class Type3`, a NameError
when the module is imported. Annotations are not evaluated (`from __future__ import
annotations`), everything else in a class statement is, so a model moves after every model it
reads; models in a reference cycle keep their order, as `model_rebuild()` resolves them.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Sequence

from oaskit.render._graph import dependencies_first
from oaskit.render._toplevel import Statement, top_level

__all__ = ["in_dependency_order", "runtime_reads"]

# Brackets, `=` (not `==`, `<=`, ...), and names: an attribute (`.name`) or a target (`name =`,
# `name=` in a call) is marked as such and read as no name.
_TOKEN = re.compile(r"[(\[{]|[)\]}]|(?<![=!<>:])=(?!=)|\.?[A-Za-z_]\w*(?:[ \t]*=(?!=))?")
# A field: `name: annotation` or `name: annotation = default`, first on its line.
_FIELD = re.compile(r"[ \t]*([A-Za-z_]\w*)[ \t]*:(?!=)")
_KEYWORDS = frozenset(keyword.kwlist)  # `else:` is no field


def in_dependency_order(source: str, statements: Sequence[Statement] | None = None) -> str:
    """`source` with its top-level definitions reordered as needed; `source` itself when none
    needs to move or the module holds anything but imports, definitions and rebuilds.

    `statements` are `top_level(source)` (or of a source with the same lines and names) if the
    caller has them.
    """
    if statements is None:
        statements = top_level(source)
    definitions = [s for s in statements if s.kind in ("class", "assign")]
    if not definitions or any(s.kind == "other" for s in statements):
        return source
    names = [s.name for s in definitions if s.name is not None]
    if len(set(names)) < len(definitions):
        return source
    known = set(names)
    # Only what a class statement runs constrains the order: annotations are never evaluated.
    graph = {
        name: sorted((runtime_reads(s.code) - {name}) & known)
        for name, s in zip(names, definitions, strict=True)
    }
    order = dependencies_first(graph)
    if order == names:
        return source
    lines = source.split("\n")
    first = definitions[0].start
    if any(s.start > first for s in statements if s.kind == "import"):
        return source  # an import among the definitions: moving models past it could break it
    by_name = {s.name: s for s in definitions}
    rest = [s for s in statements if s.kind == "rebuild"]
    body = ["\n".join(lines[s.start : s.end]) for s in [*(by_name[n] for n in order), *rest]]
    return "\n".join([*lines[:first], "\n\n\n".join(body)]) + "\n"


def runtime_reads(code: str) -> set[str]:
    """The names a top-level statement's (blanked) code reads when it runs: every name but
    those in a field's annotation (`name: annotation = default` reads the default's)."""
    reads: set[str] = set()
    depth = 0
    annotation = False
    for line in code.split("\n"):
        if depth == 0:
            field = _FIELD.match(line)
            annotation = field is not None and field.group(1) not in _KEYWORDS
            tokens = _TOKEN.finditer(line, field.end() if field and annotation else 0)
        else:
            tokens = _TOKEN.finditer(line)
        for token in tokens:
            text = token.group(0)
            if text in "([{":
                depth += 1
            elif text in ")]}":
                depth = max(depth - 1, 0)
            elif text.endswith("="):  # `=` alone, or a target's
                if depth == 0:
                    annotation = False
            elif not annotation and not text.startswith("."):
                reads.add(text)
    return reads
