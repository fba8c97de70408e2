"""Project configuration: `[tool.oaskit]` in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oaskit.config._fuzz import FuzzConfig, parse_fuzz_config
from oaskit.errors import Finding, Level, Location, SpecInputError

__all__ = [
    "READ_WRITE_MODELS",
    "ApiConfig",
    "LintConfig",
    "ProjectConfig",
    "find_project",
    "load_config",
]

# How models treat readOnly/writeOnly members; the first is the default.
READ_WRITE_MODELS = ("split", "shared")

_LEVELS: dict[str, Level | None] = {
    "error": Level.ERROR,
    "warning": Level.WARNING,
    "info": Level.INFO,
    "off": None,
}


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """One API to lint and generate: its name, root spec file and output package."""

    name: str
    spec: Path
    package: str
    # `split`: a schema with readOnly/writeOnly members gets `<Name>Request` and `<Name>Response`
    # models; `shared`: one model per schema, as the spec is written.
    read_write_models: str = "split"

    @property
    def output_dir(self) -> Path:
        """The folder of the output package, below the project root."""
        return Path(*self.package.split("."))


@dataclass(frozen=True, slots=True)
class LintConfig:
    """`[tool.oaskit.lint]`: which rules run, at which level, and where they are ignored.

    Rule names are checked against the registry by `oaskit.lint`, which reports an unknown one
    at the place `positions` records for it.
    """

    # None runs the rules that are on by default; `ALL` runs every rule.
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # A level per rule; None turns the rule off.
    severity: Mapping[str, Level | None] = field(default_factory=dict)
    # fnmatch-style globs, relative to `root`, each with the rules ignored in matching files.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: Path = Path()
    positions: Mapping[str, Location] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """Everything `[tool.oaskit]` says, with paths relative to the project root."""

    root: Path
    apis: tuple[ApiConfig, ...]
    templates: Path | None = None
    lint: LintConfig = field(default_factory=LintConfig)
    fuzz: FuzzConfig = field(default_factory=FuzzConfig)


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above `start` whose pyproject.toml has `[tool.oaskit]`."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "[tool.oaskit" in candidate.read_text(encoding="utf-8"):
            return folder
    return None


def load_config(root: Path) -> ProjectConfig:
    """Parse `root/pyproject.toml`; a malformed section raises SpecInputError."""
    path = root / "pyproject.toml"
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("oaskit", {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecInputError(
            Finding("config-invalid", f"cannot read config: {exc}", Location(path))
        ) from None
    apis = []
    for index, entry in enumerate(table.get("apis", [])):
        try:
            api = ApiConfig(
                name=str(entry["name"]),
                spec=Path(entry["spec"]),
                package=str(entry["package"]),
                read_write_models=str(entry.get("read-write-models", "split")),
            )
        except (KeyError, TypeError, AttributeError):
            message = f"[[tool.oaskit.apis]] entry {index + 1} needs name, spec and package"
            raise SpecInputError(Finding("config-invalid", message, Location(path))) from None
        if api.read_write_models not in READ_WRITE_MODELS:
            message = (
                f"[[tool.oaskit.apis]] entry {index + 1}: read-write-models must be one of "
                f"{', '.join(READ_WRITE_MODELS)}, not {api.read_write_models!r}"
            )
            raise SpecInputError(Finding("config-invalid", message, Location(path)))
        apis.append(api)
    templates = table.get("templates")
    lint = _lint_config(table.get("lint", {}), root=root, path=path)
    text = path.read_text(encoding="utf-8")
    fuzz = parse_fuzz_config(table.get("fuzz", {}), text=text, path=path)
    return ProjectConfig(
        root=root,
        apis=tuple(apis),
        templates=Path(templates) if templates else None,
        lint=lint,
        fuzz=fuzz,
    )


_LINT_KEYS = frozenset({"select", "extend-select", "ignore", "severity", "per-file-ignores"})


def _lint_config(table: Any, *, root: Path, path: Path) -> LintConfig:
    """`[tool.oaskit.lint]` as a LintConfig; a malformed value raises SpecInputError."""
    text = path.read_text(encoding="utf-8")

    def fail(message: str, name: str | None = None) -> SpecInputError:
        where = _position(text, path, name) if name else _position(text, path, None)
        return SpecInputError(Finding("config-invalid", message, where))

    if not isinstance(table, dict):
        raise fail("[tool.oaskit.lint] must be a table")
    for key in table:
        if key not in _LINT_KEYS:
            raise fail(f"[tool.oaskit.lint] has an unknown key {key!r}", key)

    def names(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"[tool.oaskit.lint] {key} must be a list of rule names", key)
        return tuple(value)

    select = names("select", table["select"]) if "select" in table else None
    severity: dict[str, Level | None] = {}
    levels = table.get("severity", {})
    if not isinstance(levels, dict):
        raise fail("[tool.oaskit.lint] severity must be a table of rule = level", "severity")
    for name, level in levels.items():
        if level not in _LEVELS:
            choices = ", ".join(_LEVELS)
            raise fail(f"severity of {name!r} must be one of {choices}, not {level!r}", name)
        severity[name] = _LEVELS[level]
    ignores = table.get("per-file-ignores", {})
    if not isinstance(ignores, dict):
        raise fail("[tool.oaskit.lint] per-file-ignores must be a table of glob = [rules]")
    per_file = tuple((glob, names(glob, rules)) for glob, rules in ignores.items())
    mentioned = [
        *(select or ()),
        *names("extend-select", table.get("extend-select", [])),
        *names("ignore", table.get("ignore", [])),
        *severity,
        *(name for _, rules in per_file for name in rules),
    ]
    return LintConfig(
        select=select,
        extend_select=names("extend-select", table.get("extend-select", [])),
        ignore=names("ignore", table.get("ignore", [])),
        severity=severity,
        per_file_ignores=per_file,
        root=root,
        positions={name: _position(text, path, name) for name in mentioned},
    )


def _position(text: str, path: Path, name: str | None) -> Location:
    """Where `name` is first written in the `[tool.oaskit.lint]` tables (tomllib keeps none)."""
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.strip().startswith("[tool.oaskit.lint")),
        None,
    )
    if start is None:
        return Location(path)
    if name is None:
        return Location(path, start + 1, 1)
    pattern = re.compile(rf"""(["']){re.escape(name)}\1|^\s*{re.escape(name)}\s*=""")
    for number in range(start, len(lines)):
        header = lines[number].strip()
        if number > start and header.startswith("[") and not header.startswith("[tool.oaskit.lint"):
            break
        match = pattern.search(lines[number])
        if match:
            column = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            return Location(path, number + 1, column + 1)
    return Location(path, start + 1, 1)
