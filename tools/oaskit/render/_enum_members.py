"""StrEnum members that would shadow a `str` attribute get a trailing underscore.

datamodel-codegen names a member after its value, so GitHub's `title` and `count` values become
members `title` and `count` of a `StrEnum`, which redefine `str.title` and `str.count`: legal at
run time, an error for mypy. The value stays what the spec says; only the Python name changes.

The same goes for a member named in a spelling Python normalises (NFKC, PEP 3131): values `aªb`
and `aab` would become two members that Python reads as one name, and the enum would fail at
import ("already defined"); such a member takes its normalised name, made unique.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from oaskit.render._toplevel import Statement, top_level

__all__ = ["clear_str_attributes"]

_STR_ATTRIBUTES = frozenset(name for name in dir(str) if not name.startswith("__"))
_STR_ENUM = re.compile(r"class\s+\w+\s*\((?:[^)]*[\s,(])?StrEnum\s*[,)]")
# A member: `name = value` one level in, in code whose strings and comments are blanked.
_MEMBER = re.compile(r"    ([^\W\d]\w*)\s*=(?!=)")


def clear_str_attributes(source: str, statements: Sequence[Statement] | None = None) -> str:
    """`source` with every StrEnum member named like a `str` attribute renamed `<name>_`.

    `statements` are `top_level(source)`, if the caller has them; the result has the same lines.
    """
    if source.isascii() and not any(f"    {name} = " in source for name in _STR_ATTRIBUTES):
        return source  # the common case, without scanning
    lines = source.split("\n")
    renamed: dict[str, set[str]] = {}
    for statement in top_level(source) if statements is None else statements:
        if statement.kind != "class" or statement.name is None:
            continue
        code = statement.code.split("\n")
        if not _STR_ENUM.match(code[0]):
            continue
        members = [
            (statement.start + offset, match.group(1))
            for offset, line in enumerate(code)
            if (match := _MEMBER.match(line)) is not None
        ]
        # Compared as Python compares names: normalised.
        taken = {unicodedata.normalize("NFKC", name) for _, name in members}
        for number, name in members:
            normal = unicodedata.normalize("NFKC", name)
            if name in _STR_ATTRIBUTES or normal != name:
                new = normal + "_"
                while new in taken:
                    new += "_"
                taken.add(new)
                lines[number] = f"    {new}{lines[number][4 + len(name) :]}"
                renamed.setdefault(statement.name, set()).add(f"{name}\0{new}")
    text = "\n".join(lines)
    if not renamed:
        return text
    # References elsewhere in the models, such as the default `= DataType.title`: one pass.
    new_names = {
        f"{enum}.{pair.split(chr(0))[0]}": f"{enum}.{pair.split(chr(0))[1]}"
        for enum, pairs in renamed.items()
        for pair in pairs
    }
    pattern = "|".join(re.escape(old) for old in sorted(new_names, key=len, reverse=True))
    return re.sub(rf"\b(?:{pattern})\b", lambda match: new_names[match.group(0)], text)
