"""The top-level statements of a generated Python module, found without parsing it.

`ast.parse` of GitHub's 2 MB of models takes ~0.8 s, twice (StrEnum members, then the split),
for what the text says plainly: in datamodel-codegen's output a top-level statement starts at
column 0 outside brackets and strings. String literals and comments are blanked first (their
newlines kept, so line numbers hold), which leaves code only: brackets to count and names to read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Statement", "names_read", "top_level"]

# A string literal (any prefix, single or triple quoted, escapes honoured) or a comment. Matched
# left to right, so a `#` inside a string and a quote inside a comment are consumed as such.
_NOISE = re.compile(
    r"""(?P<string>[rRbBuUfF]{0,2}(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"
        |'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
      |(?P<comment>\#[^\n]*)""",
    re.VERBOSE,
)
_CLASS = re.compile(r"class\s+([A-Za-z_]\w*)")
_ASSIGNED = re.compile(r"([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)")
_REBUILD = re.compile(r"([A-Za-z_]\w*)\.model_rebuild\(\)\s*$")
# Every name but an attribute (`.name`); then the names that are no read are taken off: targets
# first on a line (`name: T`, `name = v`) and keyword arguments (`(name=`, `, name=`).
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_NOT_READ = re.compile(r"(?:^[ \t]*|[(,][ \t]*)([A-Za-z_]\w*)[ \t]*(?::(?!=)|=(?!=))", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Statement:
    """One top-level statement: lines `start` to `end` (0-based, end exclusive) of the source.

    `kind` is `import`, `class`, `assign`, `rebuild` (`X.model_rebuild()`) or `other`; `name` is
    the one name a class or assignment defines, or the model a rebuild names.
    """

    start: int
    end: int
    kind: str
    name: str | None
    code: str  # the statement's lines with strings and comments blanked


def blank_noise(source: str) -> str:
    """`source` with every string literal replaced by `""` and every comment removed, each
    newline they held kept, so that line `n` of the result is line `n` of the source."""

    def keep_lines(match: re.Match[str]) -> str:
        text = match.group(0)
        blank = '""' if match.group("string") is not None else ""
        return blank + "\n" * text.count("\n")

    return _NOISE.sub(keep_lines, source)


def top_level(source: str) -> list[Statement]:
    """Every top-level statement of `source`, in order; blank lines between them belong to none.

    Decorators join the statement they decorate; a line continued by a backslash or an open
    bracket belongs to the statement it continues.
    """
    code_lines = blank_noise(source).split("\n")
    starts: list[int] = []
    depth = 0
    continued = False
    decorated = False
    for number, line in enumerate(code_lines):
        stripped = line.rstrip()
        if depth == 0 and not continued and stripped and not line[0].isspace():
            if not decorated:
                starts.append(number)
            decorated = stripped.startswith("@")
        depth += _depth_change(stripped)
        depth = max(depth, 0)
        continued = stripped.endswith("\\")
    statements = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(code_lines)
        while end > start + 1 and not code_lines[end - 1].strip():
            end -= 1
        code = "\n".join(code_lines[start:end])
        kind, name = _classify(code_lines[start:end])
        statements.append(Statement(start, end, kind, name, code))
    return statements


def names_read(code: str) -> set[str]:
    """The names a statement's (blanked) code reads: bases, annotations, defaults, arguments."""
    counts = Counter(_NAME.findall(code))
    counts.subtract(_NOT_READ.findall(code))
    return {name for name, count in counts.items() if count > 0}


def _depth_change(line: str) -> int:
    return sum(map(line.count, "([{")) - sum(map(line.count, ")]}"))


def _classify(lines: Sequence[str]) -> tuple[str, str | None]:
    # The first line that is no decorator says what the statement is.
    first = next((line for line in lines if not line.startswith("@")), lines[0])
    if first.startswith(("import ", "from ")):
        return "import", None
    if (match := _CLASS.match(first)) is not None:
        return "class", match.group(1)
    if (match := _REBUILD.match(first)) is not None and len(lines) == 1:
        return "rebuild", match.group(1)
    if (match := _ASSIGNED.match(first)) is not None:
        return "assign", match.group(1)
    return "other", None
