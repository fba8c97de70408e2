"""`[tool.oaskit.fuzz]`: the defaults of `oaskit fuzz` in a configured project."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from oaskit.config._hint import did_you_mean
from oaskit.config._toml import key_location
from oaskit.errors import Finding, Location, SpecInputError

__all__ = ["FuzzConfig", "expand_headers", "expand_parameters", "parse_fuzz_config"]

TABLE = "tool.oaskit.fuzz"
HEADERS_TABLE = f"{TABLE}.headers"
PARAMETERS_TABLE = f"{TABLE}.parameters"
# Every key the table takes, in the order the README documents them.
KEYS = (
    "url",
    "headers",
    "checks",
    "phases",
    "mode",
    "max-examples",
    "seed",
    "workers",
    "max-time",
    "rate-limit",
    "include",
    "exclude",
    "parameters",
    "fresh",
    "track-etags",
    "current",
    "check-modules",
    "allow-nul",
)
# A Python module name as `import` takes it: dotted identifiers.
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# `${NAME}` in a header value names an environment variable (POSIX.1-2017 XBD 8.1 spells names
# with letters, digits and underscores, not starting with a digit); no other `$` is special.
_REFERENCE = re.compile(r"\$\{(?P<name>[^}]*)\}")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A header name is an RFC 9110 section 5.6.2 token.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 section 5.5: a field value holds no CR, LF or NUL; one would split the request.
_FORBIDDEN_IN_VALUE = re.compile(r"[\r\n\x00]")


@dataclass(frozen=True, slots=True)
class FuzzConfig:
    """What `[tool.oaskit.fuzz]` sets; None leaves the command's own default.

    Names (checks, phases, mode, rate, operation filters) are checked against schemathesis by
    `oaskit fuzz`, which reports a bad one at the place `position` gives for it.
    """

    url: str | None = None
    # NAME = value, values as written: `${VAR}` is expanded by `expand_headers` at run time.
    # Values hold credentials, so they stay out of `repr`.
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    # None runs schemathesis' default checks; `checks = "all"` says the same.
    checks: tuple[str, ...] | None = None
    phases: tuple[str, ...] | None = None
    mode: str | None = None
    max_examples: int | None = None
    seed: int | None = None
    workers: int | None = None
    max_time: float | None = None
    rate_limit: str | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    # NAME (or LOCATION.NAME) = value; string values may name `${VAR}`, expanded at run time by
    # `expand_parameters`. A pinned value may be a tenant's id, so it stays out of `repr` too.
    parameters: Mapping[str, object] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    fresh: tuple[str, ...] | None = None
    track_etags: bool | None = None
    current: tuple[str, ...] | None = None
    check_modules: tuple[str, ...] | None = None
    allow_nul: bool | None = None
    # Where each key is written (`max-examples`), each list item (`checks[1]`) and each header
    # (`headers.Authorization`).
    positions: Mapping[str, Location] = field(default_factory=dict, repr=False, compare=False)

    def position(self, key: str, index: int | None = None) -> Location | None:
        """Where `key` (its `index`th item, if given) is written; None when it is not."""
        if index is not None and (found := self.positions.get(f"{key}[{index}]")) is not None:
            return found
        return self.positions.get(key)


def parse_fuzz_config(table: Any, *, text: str, path: Path) -> FuzzConfig:
    """`[tool.oaskit.fuzz]` as a FuzzConfig; a malformed value raises SpecInputError."""
    if not isinstance(table, dict):
        at = key_location(text, path, "tool.oaskit", "fuzz")
        raise SpecInputError(Finding("config-invalid", "[tool.oaskit.fuzz] must be a table", at))
    positions: dict[str, Location] = {}

    def where(key: str) -> Location:
        if key not in positions:
            positions[key] = key_location(text, path, TABLE, key)
        return positions[key]

    def fail(key: str, message: str, at: Location | None = None) -> SpecInputError:
        return SpecInputError(Finding("config-invalid", f"[{TABLE}] {message}", at or where(key)))

    for key in table:
        if key not in KEYS:
            hint = did_you_mean(key, KEYS) or f" (known: {', '.join(KEYS)})"
            raise fail(key, f"has an unknown key {key!r}{hint}")

    def value(key: str, check: Callable[[Any], bool], expected: str) -> Any:
        if key not in table:
            return None
        found = table[key]
        if not check(found):
            raise fail(key, f"{key} must be {expected}, not {_shown(found)}")
        where(key)
        return found

    def names(key: str, expected: str) -> tuple[str, ...] | None:
        items = value(key, _is_string_list, expected)
        if items is None:
            return None
        if not items:
            raise fail(key, f"{key} must not be empty: leave it out for the default")
        for index, item in enumerate(items):
            positions[f"{key}[{index}]"] = _item_location(text, where(key), item)
        return tuple(items)

    checks: tuple[str, ...] | None
    if table.get("checks") == "all":
        where("checks")
        checks = None
    else:
        checks = names("checks", 'a list of check names or "all"')
    max_time = value("max-time", _is_positive_number, "a number of seconds above 0")
    return FuzzConfig(
        url=_url(value("url", _is_string, "a string"), fail),
        headers=MappingProxyType(_headers(table, text=text, path=path, positions=positions)),
        checks=checks,
        phases=names("phases", "a list of phase names"),
        mode=value("mode", _is_string, "a string"),
        max_examples=value("max-examples", _is_positive_int, "an integer of at least 1"),
        seed=value("seed", _is_int, "an integer"),
        workers=value("workers", _is_positive_int, "an integer of at least 1"),
        max_time=float(max_time) if max_time is not None else None,
        rate_limit=value("rate-limit", _is_string, "a string"),
        include=names("include", "a list of operation filters"),
        exclude=names("exclude", "a list of operation filters"),
        parameters=MappingProxyType(_parameters(table, text=text, path=path, positions=positions)),
        fresh=names("fresh", "a list of header:NAME or body:/pointer targets"),
        track_etags=value("track-etags", _is_bool, "true or false"),
        current=names("current", "a list of body:/request/pointer=/response/pointer targets"),
        check_modules=_modules(names("check-modules", "a list of module names"), fail),
        allow_nul=value("allow-nul", _is_bool, "true or false"),
        positions=MappingProxyType(positions),
    )


def expand_parameters(config: FuzzConfig, environ: Mapping[str, str]) -> dict[str, object]:
    """The pinned parameters with every `${VAR}` in a string value replaced from `environ`.

    An unset variable raises SpecInputError at the parameter's place, naming the variable.
    """
    expanded: dict[str, object] = {}
    for name, template in config.parameters.items():
        if not isinstance(template, str):
            expanded[name] = template
            continue
        at = config.position(f"parameters.{name}") or Location(Path("pyproject.toml"))

        def substitute(match: re.Match[str], parameter: str = name, where: Location = at) -> str:
            variable = match["name"]
            if variable not in environ:
                message = (
                    f"[{PARAMETERS_TABLE}] {parameter} names the environment variable {variable},"
                    " which is not set"
                )
                raise SpecInputError(Finding("env-unset", message, where))
            return environ[variable]

        expanded[name] = _REFERENCE.sub(substitute, template)
    return expanded


def expand_headers(config: FuzzConfig, environ: Mapping[str, str]) -> dict[str, str]:
    """The configured headers with every `${VAR}` replaced from `environ`.

    An unset variable, or one whose value would break the header, raises SpecInputError at the
    header's place; the message names the variable, never a value.
    """
    expanded = {}
    for name, template in config.headers.items():
        where = config.position(f"headers.{name}") or Location(Path("pyproject.toml"))

        def substitute(match: re.Match[str], header: str = name, at: Location = where) -> str:
            variable = match["name"]
            if variable not in environ:
                message = (
                    f"[{HEADERS_TABLE}] {header} names the environment variable {variable},"
                    " which is not set"
                )
                raise SpecInputError(Finding("env-unset", message, at))
            if _FORBIDDEN_IN_VALUE.search(environ[variable]):
                message = (
                    f"[{HEADERS_TABLE}] {header}: the environment variable {variable} holds a"
                    " line break or NUL, which no header value may hold (RFC 9110 section 5.5)"
                )
                raise SpecInputError(Finding("env-invalid", message, at))
            return environ[variable]

        expanded[name] = _REFERENCE.sub(substitute, template)
    return expanded


@dataclass(frozen=True)
class _Subtable:
    """Where a table of `[tool.oaskit.fuzz]` is written, for locating its keys."""

    text: str
    path: Path
    name: str
    written_as_table: bool
    key_at: Location

    @classmethod
    def find(cls, text: str, path: Path, name: str, key: str) -> _Subtable:
        """`[tool.oaskit.fuzz.KEY]` written as a table of its own, or inline as `KEY = {...}`."""
        own = key_location(text, path, name)
        written_as_table = own != Location(path)
        key_at = own if written_as_table else key_location(text, path, TABLE, key)
        return cls(text, path, name, written_as_table, key_at)

    def item(self, member: str) -> Location:
        """Where `member` of the table is written."""
        if self.written_as_table:
            return key_location(self.text, self.path, self.name, member)
        return _item_location(self.text, self.key_at, member)


def _headers(
    table: dict[str, Any], *, text: str, path: Path, positions: dict[str, Location]
) -> dict[str, str]:
    if "headers" not in table:
        return {}
    headers = table["headers"]
    where = _Subtable.find(text, path, HEADERS_TABLE, "headers")
    key_at = where.key_at
    positions["headers"] = key_at

    def fail(message: str, at: Location) -> SpecInputError:
        return SpecInputError(Finding("config-invalid", f"[{HEADERS_TABLE}] {message}", at))

    if not isinstance(headers, dict):
        message = f"[{TABLE}] headers must be a table of NAME = value, not {_shown(headers)}"
        raise SpecInputError(Finding("config-invalid", message, key_at))
    result = {}
    for name, template in headers.items():
        at = where.item(name)
        positions[f"headers.{name}"] = at
        if not _TOKEN.fullmatch(name):
            raise fail(f"{name!r} is not a header name (RFC 9110 section 5.6.2 token)", at)
        if not isinstance(template, str):
            raise fail(f"{name} must be a string, not {_shown(template)}", at)
        if _FORBIDDEN_IN_VALUE.search(template):
            raise fail(f"{name} holds a line break or NUL (RFC 9110 section 5.5)", at)
        for match in _REFERENCE.finditer(template):
            if not _VARIABLE_NAME.fullmatch(match["name"]):
                raise fail(
                    f"{name}: ${{{match['name']}}} is not an environment variable name"
                    " (letters, digits and _, not starting with a digit)",
                    at,
                )
        if "${" in _REFERENCE.sub("", template):
            raise fail(f"{name}: '${{' without a closing '}}'", at)
        result[name] = template
    return result


def _parameters(
    table: dict[str, Any], *, text: str, path: Path, positions: dict[str, Location]
) -> dict[str, object]:
    if "parameters" not in table:
        return {}
    parameters = table["parameters"]
    where = _Subtable.find(text, path, PARAMETERS_TABLE, "parameters")
    key_at = where.key_at
    positions["parameters"] = key_at
    if not isinstance(parameters, dict):
        message = f"[{TABLE}] parameters must be a table of NAME = value, not {_shown(parameters)}"
        raise SpecInputError(Finding("config-invalid", message, key_at))
    result: dict[str, object] = {}
    for name, pinned in parameters.items():
        at = where.item(name)
        positions[f"parameters.{name}"] = at
        # A parameter value is a JSON scalar here: a table or array would need a style
        # (OAS 3.1 section 4.8.12.4) to be serialized, which a pin does not say.
        if not isinstance(pinned, str | int | float | bool):
            message = f"[{PARAMETERS_TABLE}] {name} must be a string, number or boolean"
            raise SpecInputError(Finding("config-invalid", f"{message}, not {_shown(pinned)}", at))
        if isinstance(pinned, str):
            for match in _REFERENCE.finditer(pinned):
                if not _VARIABLE_NAME.fullmatch(match["name"]):
                    message = (
                        f"[{PARAMETERS_TABLE}] {name}: ${{{match['name']}}} is not an environment"
                        " variable name (letters, digits and _, not starting with a digit)"
                    )
                    raise SpecInputError(Finding("config-invalid", message, at))
        result[name] = pinned
    return result


def _modules(
    modules: tuple[str, ...] | None, fail: Callable[[str, str], SpecInputError]
) -> tuple[str, ...] | None:
    for module in modules or ():
        if not _MODULE.fullmatch(module):
            raise fail("check-modules", f"check-modules: {module!r} is not a module name")
    return modules


def _url(url: str | None, fail: Callable[[str, str], SpecInputError]) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise fail("url", f"url must be an http:// or https:// URL with a host, not {url!r}")
    return url


def _item_location(text: str, key_at: Location, item: str) -> Location:
    """Where `item` is first written as a string or a bare key, from `key_at` to the table's end.

    `key_location` finds a string anywhere under the header; starting at the key instead keeps
    `exclude = ["x"]` from pointing at an earlier `include = ["x"]`.
    """
    pattern = re.compile(rf"""(["']){re.escape(item)}\1|(?<![\w-]){re.escape(item)}\s*=""")
    lines = text.splitlines()
    for number in range(key_at.line - 1, len(lines)):
        line = lines[number]
        if number >= key_at.line and line.lstrip().startswith("["):
            break
        start = key_at.col - 1 if number == key_at.line - 1 else 0
        match = pattern.search(line, start)
        if match:
            return Location(key_at.file, number + 1, match.start() + 1)
    return key_at


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _is_int(value: Any) -> bool:
    # TOML booleans arrive as Python bools, which are ints too.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_positive_int(value: Any) -> bool:
    return _is_int(value) and value >= 1


def _is_positive_number(value: Any) -> bool:
    # TOML also spells `inf` and `nan`; neither is a time budget.
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value) and value > 0


def _shown(value: Any) -> str:
    """`value` as TOML writes it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return str(value)
