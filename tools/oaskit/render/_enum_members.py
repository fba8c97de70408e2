"""StrEnum members that would shadow a `str` attribute get a trailing underscore.

datamodel-codegen names a member after its value, so GitHub's `title` and `count` values become
members `title` and `count` of a `StrEnum`, which redefine `str.title` and `str.count`: legal at
run time, an error for mypy. The value stays what the spec says; only the Python name changes.
"""

from __future__ import annotations

import ast
import re

__all__ = ["clear_str_attributes"]

_STR_ATTRIBUTES = frozenset(name for name in dir(str) if not name.startswith("__"))


def clear_str_attributes(source: str) -> str:
    """`source` with every StrEnum member named like a `str` attribute renamed `<name>_`."""
    if not any(f"    {name} = " in source for name in _STR_ATTRIBUTES):
        return source  # the common case, without parsing
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    renamed: dict[str, set[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(isinstance(base, ast.Name) and base.id == "StrEnum" for base in node.bases):
            continue
        taken = {
            target.id
            for statement in node.body
            if isinstance(statement, ast.Assign)
            for target in statement.targets
            if isinstance(target, ast.Name)
        }
        for statement in node.body:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
                continue
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id in _STR_ATTRIBUTES:
                new = target.id + "_"
                while new in taken:
                    new += "_"
                taken.add(new)
                line = lines[target.lineno - 1]
                start = target.col_offset
                lines[target.lineno - 1] = line[:start] + new + line[target.end_col_offset :]
                renamed.setdefault(node.name, set()).add(f"{target.id}\0{new}")
    text = "".join(lines)
    for enum, pairs in renamed.items():
        for pair in pairs:
            old, new = pair.split("\0")
            # References elsewhere in the models: defaults such as `= DataType.title`.
            text = re.sub(rf"\b{re.escape(enum)}\.{re.escape(old)}\b", f"{enum}.{new}", text)
    return text
