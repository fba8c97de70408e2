"""Spec text into Python source: one function per context it can land in (house rule 15).

A spec is input, not code: its title, tags, paths, names and file name must reach generated
modules as data. Every place that writes spec text into a module goes through one of these,
so that no text, however it is made, ends a string, a docstring or a comment early, adds a
line, or names something it should not.
"""

from __future__ import annotations

import keyword
import math
import re
import unicodedata

__all__ = ["comment", "docstring", "docstring_line", "identifier", "literal"]

# PEP 263: a comment on line 1 or 2 matching `coding[:=]` chooses the codec the file is
# decoded with; `utf-7` would turn harmless-looking text elsewhere into code.
_CODING = re.compile(r"(coding)\s*([:=])", re.IGNORECASE)
# A quote that begins or ends the text or touches another quote: those are the ones that could
# close a `"""` docstring (`""""` closes it after the third) or merge with the template's quotes.
_RISKY_QUOTE = re.compile(r'^"|"(?="|$)')


def literal(value: object) -> str:
    """Python source for a constant: str, int, float, bool, None, or tuples, lists and dicts
    of them.

    `repr` escapes every character that is not printable (NUL, U+2028, lone surrogates, control
    characters) and every quote that would end the literal. Floats that `repr` writes as names
    (`inf`, `nan`: YAML has `.inf`, and JSON's `1e999` loads as infinity) are spelt as calls.
    """
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value}")'
    if isinstance(value, tuple):
        items = [literal(item) for item in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if isinstance(value, list):
        return f"[{', '.join(literal(item) for item in value)}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Python literal for {type(value).__name__}")


def _escaped(char: str) -> str:
    # `\x00`, `\u2028`, `\ud800`: what a non-raw string literal reads back as `char`.
    return char.encode("unicode_escape").decode("ascii")


def docstring(text: str, *, one_line: bool = True) -> str:
    """`text` as the body of a `\"\"\"…\"\"\"` docstring, reading back as `text`.

    Backslashes are doubled (no `\\N{…}`, `\\x`, line continuation or escaped closing quote can
    form), quotes that could close the docstring are escaped, and every character that is not
    printable becomes its escape: NUL (which a source file may not hold), lone surrogates (which
    UTF-8 cannot hold), line and paragraph separators. With `one_line`, runs of white space,
    line breaks included, become one space.
    """
    if one_line:
        text = " ".join(text.split())
    text = text.replace("\\", "\\\\")
    # Nearly every text is printable: one C-level test spares the character-by-character pass.
    if not (text.isprintable() if one_line else text.replace("\n", " ").isprintable()):
        text = "".join(
            char if char.isprintable() or (char == "\n" and not one_line) else _escaped(char)
            for char in text
        )
    return _RISKY_QUOTE.sub(lambda match: '\\"', text)


def docstring_line(text: str) -> str:
    """`text` as one line of a multi-line docstring: its leading spaces kept, the rest as in
    `docstring` with `one_line` (so no line break of any kind, and no closing quote, gets in).

    The leading spaces indent a list item's or a code block's continuation lines; a line that
    follows a line break cannot close the docstring with a quote that begins it, but it is
    escaped all the same.
    """
    rest = text.lstrip(" ")
    return " " * (len(text) - len(rest)) + docstring(rest)


def comment(text: str) -> str:
    """`text` as the rest of a one-line `#` comment.

    Every character that is not printable becomes its escape, which removes every line break
    `str.splitlines` knows (`\\n`, `\\r`, `\\x0b`, `\\x0c`, `\\x1c`-`\\x1e`, `\\x85`, U+2028,
    U+2029) and NUL; an encoding declaration (`coding: …`, PEP 263) is broken up.
    """
    line = "".join(char if char.isprintable() else _escaped(char) for char in text)
    return _CODING.sub(r"\1 \2", line)


def identifier(text: str, *, default: str, digit_prefix: str) -> str:
    """A Python identifier made from `text`, never `text` pasted.

    NFKC first, as Python itself normalises identifiers (`ﬁle` is `file`); then only ASCII
    letters, digits and underscores remain (anything else becomes `_`), so no two spellings of
    one name and no invisible characters get through. No leading or trailing underscores (no
    dunders: `__class__`, `__init__`), `digit_prefix` before a leading digit, `default` for
    nothing left, and a keyword (soft keywords are names) gets a trailing underscore.
    """
    ascii_text = re.sub(r"[^A-Za-z0-9_]", "_", unicodedata.normalize("NFKC", text))
    name = re.sub(r"__+", "_", ascii_text).strip("_") or default
    if name[0].isdigit():
        name = digit_prefix + name
    return f"{name}_" if keyword.iskeyword(name) else name
