"""User-supplied regular expressions: ECMA-262 patterns, run by RE2 in linear time.

A field's `pattern` (Census: `matches`) is written in the ECMA-262 dialect (JSON Schema 2020-12
core, §6.4, which also asks for the "u" flag's Unicode semantics). It runs in RE2, whose
matching time is linear in the input: a backtracking engine lets one pattern such as
`^(a+)+$` stall a worker on a short value (ReDoS). The pattern is read here, token by token,
against the ECMA-262 grammar (§22.2.1, with the "u" flag, no other flag) and written out in
RE2 syntax (https://github.com/google/re2/wiki/Syntax) with ECMA-262's meaning; what RE2
cannot run in linear time (lookaround, backreferences) or cannot express is refused with a
reason. docs/service-patterns.md lists the subset.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import re2

__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_PROGRAM_MEMORY",
    "PatternError",
    "UserPattern",
    "compile_user_pattern",
    "translate",
]

# The native spec caps `pattern` at 1000 characters; Census' `matches` has no cap of its own,
# so the same one is applied here for both.
MAX_PATTERN_LENGTH = 1000
# RE2's budget for one compiled program and its DFA cache (re2.h, `max_mem`). Patterns whose
# program would not fit are refused ("pattern too large") instead of growing the process.
MAX_PROGRAM_MEMORY = 1 << 20
# The same definitions are checked on every write, so compiled patterns are kept; at most
# CACHE_SIZE of them here (the re2 module keeps its own LRU of 128 over the same objects), so
# the memory they hold is bounded by a small multiple of CACHE_SIZE * MAX_PROGRAM_MEMORY.
CACHE_SIZE = 128
# RE2 refuses counted repetitions above 1000 (RE2 syntax, "x{n,m}"); ECMA-262 has no limit.
MAX_REPEAT = 1000

_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)
_Ranges = tuple[tuple[int, int], ...]


def _complement(ranges: _Ranges) -> _Ranges:
    """Every scalar value outside `ranges`; surrogates are never in text, so never in it."""
    out: list[tuple[int, int]] = []
    start = 0
    for low, high in _normalized([*ranges, _SURROGATES]):
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= _MAX_CODE_POINT:
        out.append((start, _MAX_CODE_POINT))
    return tuple(out)


def _normalized(ranges: list[tuple[int, int]]) -> _Ranges:
    """The ranges sorted, overlapping and adjacent ones merged."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return tuple(merged)


# ECMA-262 §22.2.2.9 (CharacterClassEscape): `\s` is WhiteSpace (§12.2) and LineTerminator
# (§12.3). RE2's `\s` is only [\t\n\f\r ], so the set is spelled out.
_WHITE_SPACE: _Ranges = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)
# `\d` and `\w` are ASCII in ECMA-262 (without the "i" flag) as in RE2; spelled out all the
# same so that a class is one list of ranges.
_DIGIT: _Ranges = ((0x30, 0x39),)
_WORD: _Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
_CLASS_ESCAPES: dict[str, _Ranges] = {
    "d": _DIGIT,
    "D": _complement(_DIGIT),
    "w": _WORD,
    "W": _complement(_WORD),
    "s": _WHITE_SPACE,
    "S": _complement(_WHITE_SPACE),
}
# ECMA-262 §22.2.2.7 (`.` without the "s" flag): anything but a LineTerminator. RE2's `.`
# excludes only \n.
_DOT: _Ranges = _complement(((0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)))
_ANY: _Ranges = _complement(())
_CONTROL_ESCAPES = {"t": 0x09, "n": 0x0A, "v": 0x0B, "f": 0x0C, "r": 0x0D}
# ECMA-262 §22.2.1 IdentityEscape[+UnicodeMode]: SyntaxCharacter or `/`; `-` only in a class.
_SYNTAX_CHARACTERS = frozenset("^$\\.*+?()[]{}|/")
# ECMA-262 §22.2.2.9 / UnicodeMatchProperty: General_Category values, long name → short.
# RE2 has neither LC nor Cn, so those two are refused.
_GENERAL_CATEGORIES = {
    "L": "L",
    "Letter": "L",
    "Lu": "Lu",
    "Uppercase_Letter": "Lu",
    "Ll": "Ll",
    "Lowercase_Letter": "Ll",
    "Lt": "Lt",
    "Titlecase_Letter": "Lt",
    "Lm": "Lm",
    "Modifier_Letter": "Lm",
    "Lo": "Lo",
    "Other_Letter": "Lo",
    "M": "M",
    "Mark": "M",
    "Combining_Mark": "M",
    "Mn": "Mn",
    "Nonspacing_Mark": "Mn",
    "Mc": "Mc",
    "Spacing_Mark": "Mc",
    "Me": "Me",
    "Enclosing_Mark": "Me",
    "N": "N",
    "Number": "N",
    "Nd": "Nd",
    "Decimal_Number": "Nd",
    "digit": "Nd",
    "Nl": "Nl",
    "Letter_Number": "Nl",
    "No": "No",
    "Other_Number": "No",
    "P": "P",
    "Punctuation": "P",
    "punct": "P",
    "Pc": "Pc",
    "Connector_Punctuation": "Pc",
    "Pd": "Pd",
    "Dash_Punctuation": "Pd",
    "Ps": "Ps",
    "Open_Punctuation": "Ps",
    "Pe": "Pe",
    "Close_Punctuation": "Pe",
    "Pi": "Pi",
    "Initial_Punctuation": "Pi",
    "Pf": "Pf",
    "Final_Punctuation": "Pf",
    "Po": "Po",
    "Other_Punctuation": "Po",
    "S": "S",
    "Symbol": "S",
    "Sm": "Sm",
    "Math_Symbol": "Sm",
    "Sc": "Sc",
    "Currency_Symbol": "Sc",
    "Sk": "Sk",
    "Modifier_Symbol": "Sk",
    "So": "So",
    "Other_Symbol": "So",
    "Z": "Z",
    "Separator": "Z",
    "Zs": "Zs",
    "Space_Separator": "Zs",
    "Zl": "Zl",
    "Line_Separator": "Zl",
    "Zp": "Zp",
    "Paragraph_Separator": "Zp",
    "C": "C",
    "Other": "C",
    "Cc": "Cc",
    "Control": "Cc",
    "cntrl": "Cc",
    "Cf": "Cf",
    "Format": "Cf",
    "Cs": "Cs",
    "Surrogate": "Cs",
    "Co": "Co",
    "Private_Use": "Co",
}


class PatternError(ValueError):
    """A pattern that is not ECMA-262, or that RE2 cannot run; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class UserPattern:
    """A compiled user pattern; `search` has ECMA-262 `RegExp.prototype.test` semantics."""

    source: str
    translated: str
    _regexp: Any

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in `text` (JSON Schema `pattern` is unanchored)."""
        return self._regexp.search(_scalar_values(text)) is not None


def _scalar_values(text: str) -> str:
    # JSON strings may carry lone surrogates, which UTF-8 (what RE2 reads) cannot encode.
    # Each becomes U+FFFD: it still matches `.` and negated classes, as a lone code point would
    # in ECMA-262, and a pattern can never name a surrogate (they are refused).
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def compile_user_pattern(source: str) -> UserPattern:
    """The pattern, translated and compiled; raises PatternError with the reason it cannot run."""
    outcome = _compile(source)
    if isinstance(outcome, str):
        raise PatternError(outcome)
    return outcome


@functools.lru_cache(maxsize=CACHE_SIZE)
def _compile(source: str) -> UserPattern | str:
    # Refusals are cached too (as their reason, not the exception and its frames): a stored
    # definition that cannot run is read on every write.
    try:
        translated = translate(source)
    except PatternError as exc:
        return exc.reason
    options = re2.Options()
    options.max_mem = MAX_PROGRAM_MEMORY
    # Groups are only for grouping here; RE2 need not track submatches.
    options.never_capture = True
    # A refused pattern is an answer to the client, not a line in the service's log.
    options.log_errors = False
    try:
        regexp = re2.compile(translated, options)
    except re2.error as exc:
        return _re2_reason(exc)
    return UserPattern(source, translated, regexp)


def _re2_reason(exc: Exception) -> str:
    # The binding's error carries RE2's message as bytes.
    first = exc.args[0] if exc.args else ""
    detail = first.decode("utf-8", "replace") if isinstance(first, bytes) else str(first)
    if "too large" in detail:
        return "The pattern is too large for the linear-time engine (RE2)."
    return f"The linear-time engine (RE2) cannot run the pattern: {detail}."


def translate(source: str) -> str:
    """The RE2 pattern with the meaning of the ECMA-262 pattern `source`; raises PatternError."""
    if len(source) > MAX_PATTERN_LENGTH:
        raise PatternError(f"A pattern has at most {MAX_PATTERN_LENGTH} characters.")
    return _Translator(source).run()


def _hex(code_point: int) -> str:
    return f"\\x{{{code_point:X}}}"


def _literal(code_point: int) -> str:
    # ASCII letters and digits are themselves in RE2; everything else is written as \x{...},
    # which RE2 reads as that one code point inside and outside classes.
    char = chr(code_point)
    if char.isascii() and char.isalnum():
        return char
    return _hex(code_point)


def _ranges_text(ranges: _Ranges) -> str:
    return "".join(
        _hex(low) if low == high else f"{_hex(low)}-{_hex(high)}" for low, high in ranges
    )


@dataclass(frozen=True, slots=True)
class _ClassAtom:
    """One ClassAtom: code point ranges, or an RE2 property escape (`\\p{..}`, `\\P{..}`)."""

    ranges: _Ranges = ()
    property_text: str = ""

    @property
    def single(self) -> int | None:
        """The code point when the atom is exactly one (a range end must be one)."""
        if not self.property_text and len(self.ranges) == 1:
            low, high = self.ranges[0]
            if low == high:
                return low
        return None


class _Translator:
    """One pass over the pattern: ECMA-262 §22.2.1 (Pattern[+UnicodeMode, +NamedGroups])."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.depth = 0
        self.names: set[str] = set()
        # Whether the last term may take a quantifier (an Atom; not an Assertion).
        self.quantifiable = False

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.source[index] if index < len(self.source) else ""

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise PatternError("The pattern ends in the middle of an escape or group.")
        self.pos += 1
        return char

    def run(self) -> str:
        while self.pos < len(self.source):
            self.term()
        if self.depth:
            raise PatternError("A group is not closed: `(` without `)`.")
        return "".join(self.out)

    def term(self) -> None:
        char = self.take()
        if char == "\\":
            self.escape()
        elif char == "[":
            self.char_class()
            self.quantifiable = True
        elif char == "(":
            self.group()
        elif char == ")":
            if not self.depth:
                raise PatternError("A `)` has no `(` to close.")
            self.depth -= 1
            self.out.append(")")
            self.quantifiable = True
        elif char == "|":
            self.out.append("|")
            self.quantifiable = False
        elif char in "^$":
            # Without the "m" flag both mean the ends of the input (§22.2.2.6), as in RE2
            # without (?m); RE2's `$` is `\z`, never "before a final newline".
            self.out.append(char)
            self.quantifiable = False
        elif char == ".":
            self.out.append(f"[{_ranges_text(_DOT)}]")
            self.quantifiable = True
        elif char in "*+?":
            self.quantifier(char)
        elif char == "{":
            self.braces()
        elif char in "]}":
            # Annex B reads these as literals; with the "u" flag they are syntax errors.
            raise PatternError(f"A lone `{char}` must be escaped as `\\{char}`.")
        else:
            self.out.append(self.code_point_literal(char))
            self.quantifiable = True

    def code_point_literal(self, char: str) -> str:
        code_point = ord(char)
        if _SURROGATES[0] <= code_point <= _SURROGATES[1]:
            raise PatternError("A lone surrogate cannot be matched in Unicode text.")
        return _literal(code_point)

    def quantifier(self, text: str) -> None:
        if not self.quantifiable:
            raise PatternError(f"The quantifier `{text}` has nothing to repeat.")
        if self.peek() == "?":
            self.pos += 1
            text += "?"
        self.out.append(text)
        self.quantifiable = False

    def braces(self) -> None:
        # `{n}`, `{n,}`, `{n,m}` (§22.2.1 QuantifierPrefix); anything else is a syntax error
        # with the "u" flag.
        end = self.source.find("}", self.pos)
        body = self.source[self.pos : end] if end >= 0 else ""
        low, comma, high = body.partition(",")
        if (
            end < 0
            or not low.isascii()
            or not low.isdigit()
            or (high and (not high.isascii() or not high.isdigit()))
        ):
            raise PatternError("A lone `{` must be escaped as `\\{`.")
        if high and int(low) > int(high):
            raise PatternError("The numbers of a `{n,m}` quantifier are out of order.")
        if int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
            raise PatternError(
                f"A repetition count above {MAX_REPEAT} cannot run in the linear-time engine."
            )
        self.pos = end + 1
        self.quantifier("{" + str(int(low)) + comma + (str(int(high)) if high else "") + "}")

    def group(self) -> None:
        if self.peek() == "?":
            self.pos += 1
            kind = self.take()
            if kind == ":":
                pass
            elif kind in "=!":
                raise PatternError(
                    "Lookahead `(?=` and `(?!` cannot run in the linear-time engine (RE2)."
                )
            elif kind == "<" and self.peek() in ("=", "!"):
                raise PatternError(
                    "Lookbehind `(?<=` and `(?<!` cannot run in the linear-time engine (RE2)."
                )
            elif kind == "<":
                self.group_name()
            else:
                raise PatternError(
                    "Only `(?:`, `(?<name>` and plain groups are supported; "
                    "modifiers such as `(?i:` are not."
                )
        # Every group is non-capturing in RE2: only whether the pattern matches is used.
        self.out.append("(?:")
        self.depth += 1
        self.quantifiable = False

    def group_name(self) -> None:
        end = self.source.find(">", self.pos)
        name = self.source[self.pos : end] if end >= 0 else ""
        # RegExpIdentifierName (§22.2.1): an identifier, `$` allowed.
        if not name or not name.replace("$", "_").isidentifier():
            raise PatternError("A group name must be an identifier: `(?<name>...)`.")
        if name in self.names:
            raise PatternError(f"The group name {name} is used twice.")
        self.names.add(name)
        self.pos = end + 1

    def escape(self) -> None:
        char = self.peek()
        if char in ("b", "B"):
            # Word boundaries use ASCII word characters in both ECMA-262 and RE2.
            self.pos += 1
            self.out.append("\\" + char)
            self.quantifiable = False
            return
        if char == "k" or (char and char in "123456789"):
            raise PatternError("Backreferences cannot run in the linear-time engine (RE2).")
        atom = self.class_atom_escape(in_class=False)
        if atom.property_text:
            self.out.append(atom.property_text)
        elif atom.single is not None:
            self.out.append(_literal(atom.single))
        else:
            self.out.append(f"[{_ranges_text(atom.ranges)}]")
        self.quantifiable = True

    def class_atom_escape(self, *, in_class: bool) -> _ClassAtom:
        """The escape after a `\\` (§22.2.1 AtomEscape / ClassEscape, "u" flag)."""
        char = self.take()
        if char in _CLASS_ESCAPES:
            return _ClassAtom(_CLASS_ESCAPES[char])
        if char in _CONTROL_ESCAPES:
            return self.one(_CONTROL_ESCAPES[char])
        if char == "0" and not self.peek().isdigit():
            return self.one(0)
        if char == "c":
            letter = self.take()
            if not (letter.isascii() and letter.isalpha()):
                raise PatternError("`\\c` must be followed by an ASCII letter.")
            return self.one(ord(letter) % 32)
        if char == "x":
            digits = self.source[self.pos : self.pos + 2]
            if len(digits) != 2 or not _is_hex(digits):
                raise PatternError("`\\x` must be followed by two hex digits.")
            self.pos += 2
            return self.one(int(digits, 16))
        if char == "u":
            return self.one(self.unicode_escape())
        if char in ("p", "P"):
            return _ClassAtom(property_text=self.property_escape(char))
        if char in _SYNTAX_CHARACTERS or (in_class and char == "-"):
            return self.one(ord(char))
        if in_class and char == "b":
            return self.one(0x08)
        if char.isdigit():
            raise PatternError("Octal escapes and backreferences are not supported.")
        raise PatternError(
            f"`\\{char}` is not an escape of ECMA-262 with the u flag; "
            "only syntax characters and `/` are escaped as themselves."
        )

    def one(self, code_point: int) -> _ClassAtom:
        if _SURROGATES[0] <= code_point <= _SURROGATES[1]:
            raise PatternError("A lone surrogate cannot be matched in Unicode text.")
        return _ClassAtom(((code_point, code_point),))

    def unicode_escape(self) -> int:
        if self.peek() == "{":
            end = self.source.find("}", self.pos)
            digits = self.source[self.pos + 1 : end] if end >= 0 else ""
            if not digits or not _is_hex(digits) or int(digits, 16) > _MAX_CODE_POINT:
                raise PatternError("`\\u{...}` must hold a code point up to 10FFFF in hex.")
            self.pos = end + 1
            return int(digits, 16)
        unit = self.hex4()
        # A surrogate pair written as two escapes is one code point (§22.2.1,
        # RegExpUnicodeEscapeSequence[+UnicodeMode]).
        if 0xD800 <= unit <= 0xDBFF and self.source.startswith("\\u", self.pos):
            saved = self.pos
            self.pos += 2
            if self.peek() != "{":
                low = self.hex4()
                if 0xDC00 <= low <= 0xDFFF:
                    return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            self.pos = saved
        return unit

    def hex4(self) -> int:
        digits = self.source[self.pos : self.pos + 4]
        if len(digits) != 4 or not _is_hex(digits):
            raise PatternError("`\\u` must be followed by four hex digits or `{...}`.")
        self.pos += 4
        return int(digits, 16)

    def property_escape(self, letter: str) -> str:
        end = self.source.find("}", self.pos)
        if self.peek() != "{" or end < 0:
            raise PatternError(f"`\\{letter}` must be followed by `{{property}}`.")
        body = self.source[self.pos + 1 : end]
        self.pos = end + 1
        name, equals, value = body.partition("=")
        if not equals:
            name, value = "General_Category", name
        if name in ("General_Category", "gc"):
            if value in ("LC", "Cased_Letter", "Cn", "Unassigned"):
                raise PatternError(f"The general category {value} is not known to RE2.")
            if value == "Any" and not equals:
                return f"\\{letter}{{Any}}"
            short = _GENERAL_CATEGORIES.get(value)
            if short is None:
                raise PatternError(
                    f"`\\{letter}{{{body}}}`: only General_Category and Script properties "
                    "are supported."
                )
            return f"\\{letter}{{{short}}}"
        if name in ("Script", "sc") and value.replace("_", "").isascii() and value.isidentifier():
            # RE2 knows scripts by their long names (Greek, Latin, ...); it refuses others.
            return f"\\{letter}{{{value}}}"
        raise PatternError(
            f"`\\{letter}{{{body}}}`: only General_Category and Script properties are supported."
        )

    def class_atom(self) -> _ClassAtom:
        char = self.take()
        if char == "\\":
            return self.class_atom_escape(in_class=True)
        code_point = ord(char)
        if _SURROGATES[0] <= code_point <= _SURROGATES[1]:
            raise PatternError("A lone surrogate cannot be matched in Unicode text.")
        return _ClassAtom(((code_point, code_point),))

    def char_class(self) -> None:
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        ranges: list[tuple[int, int]] = []
        properties: list[str] = []
        while True:
            if not self.peek():
                raise PatternError("A character class is not closed: `[` without `]`.")
            if self.peek() == "]":
                self.pos += 1
                break
            first = self.class_atom()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.pos += 1
                last = self.class_atom()
                low, high = first.single, last.single
                if low is None or high is None:
                    raise PatternError("A class range must be between two single characters.")
                if low > high:
                    raise PatternError("A class range is out of order.")
                ranges.append((low, high))
            else:
                ranges.extend(first.ranges)
                if first.property_text:
                    properties.append(first.property_text)
        body = _ranges_text(_normalized(ranges)) + "".join(properties)
        if not body:
            # `[]` matches nothing and `[^]` any one code point (§22.2.2.9); RE2 reads `[]`
            # and `[^]` differently, so both are written out.
            self.out.append(f"[{'' if negated else '^'}{_ranges_text(_ANY)}]")
            return
        self.out.append(f"[{'^' if negated else ''}{body}]")


def _is_hex(text: str) -> bool:
    return all(char in "0123456789abcdefABCDEF" for char in text)
