"""Project configuration: `[tool.oaskit]` in pyproject.toml."""

from __future__ import annotations

import keyword
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oaskit.config._diff import DiffConfig, parse_diff_config
from oaskit.config._fuzz import FuzzConfig, parse_fuzz_config
from oaskit.config._hint import did_you_mean
from oaskit.config._toml import find_key, key_location, syntax_error_location
from oaskit.errors import Finding, Level, Location, SpecInputError

__all__ = [
    "READ_WRITE_MODELS",
    "VALIDATION_STATUSES",
    "ApiConfig",
    "LintConfig",
    "ProjectConfig",
    "find_project",
    "load_config",
]

# How models treat readOnly/writeOnly members; the first is the default.
READ_WRITE_MODELS = ("split", "shared")
# The generated server's status for a request that breaks the spec; the first is the default.
VALIDATION_STATUSES = ("documented", "400", "422")

_LEVELS: dict[str, Level | None] = {
    "error": Level.ERROR,
    "warning": Level.WARNING,
    "info": Level.INFO,
    "off": None,
}

# The keys each table knows (docs/configuration.md describes them all).
_TOP_KEYS = ("apis", "templates", "ref-roots", "lint", "fuzz", "diff")
_API_KEYS = (
    "name",
    "spec",
    "package",
    "out",
    "read-write-models",
    "validation-status",
    "embed-spec",
)
_API_REQUIRED = ("name", "spec", "package")
_LINT_KEYS = ("select", "extend-select", "ignore", "severity", "per-file-ignores")
# Where a rule name can be written, searched in this order for the place of an unknown one.
_LINT_TABLES = (
    "tool.oaskit.lint",
    "tool.oaskit.lint.severity",
    "tool.oaskit.lint.per-file-ignores",
)
# A header of a `[tool.oaskit…]` table (a broken one too, for load_config to report); a comment
# that mentions one is not a configuration.
_OASKIT_HEADER = re.compile(r"""^\s*\[\[?\s*tool\s*\.\s*["']?oaskit(?![\w-])""", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """One API to lint and generate: its name, root spec file and output package."""

    name: str
    spec: Path
    package: str
    # `split`: a schema with readOnly/writeOnly members gets `<Name>Request` and `<Name>Response`
    # models; `shared`: one model per schema, as the spec is written.
    read_write_models: str = "split"
    # The package's folder below the project root when it is not the package path itself (a
    # `src/` layout writes `myapp.pets` into `src/myapp/pets`).
    out: Path | None = None
    # The generated server's status for invalid parameters and bodies: `400`, `422`, or
    # `documented` (422 where an operation documents 422 and not 400, else 400).
    validation_status: str = "documented"
    # Write the bundled spec (`oaskit bundle`'s output, JSON) into the package as
    # `openapi.json`, for a server that serves its own contract.
    embed_spec: bool = False

    @property
    def output_dir(self) -> Path:
        """The folder of the output package, below the project root."""
        return self.out if self.out is not None else Path(*self.package.split("."))


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
    # Folders besides each root spec's own that its `$ref`s may read, relative to the project
    # root (`bundle_spec(..., ref_roots=...)` takes them joined to it).
    ref_roots: tuple[Path, ...] = ()
    lint: LintConfig = field(default_factory=LintConfig)
    fuzz: FuzzConfig = field(default_factory=FuzzConfig)
    diff: DiffConfig = field(default_factory=DiffConfig)
    # Where `[tool.oaskit]` is written (for findings about the table as a whole); None when
    # pyproject.toml has no such table.
    location: Location | None = None


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above `start` whose pyproject.toml has `[tool.oaskit]`."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _OASKIT_HEADER.search(candidate.read_text(encoding="utf-8")):
            return folder
    return None


def load_config(root: Path) -> ProjectConfig:
    """Parse `root/pyproject.toml`; an invalid value raises SpecInputError at its key."""
    path = root / "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SpecInputError(
            Finding("config-invalid", f"cannot read config: {reason}", Location(path))
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason, where = syntax_error_location(exc, text, path)
        message = f"not valid TOML: {reason}"
        raise SpecInputError(Finding("config-invalid", message, where)) from None
    source = _Source(text, path)
    tool = document.get("tool", {})
    if not isinstance(tool, dict) or "oaskit" not in tool:
        return ProjectConfig(root=root, apis=(), lint=LintConfig(root=root))
    table = tool["oaskit"]
    if not isinstance(table, dict):
        raise source.error("[tool.oaskit] must be a table", "tool", "oaskit")
    source.refuse_unknown(table, _TOP_KEYS, "tool.oaskit", "[tool.oaskit]")
    templates = table.get("templates")
    if templates is not None and not isinstance(templates, str):
        message = "[tool.oaskit] templates must be a string: the folder of template overrides"
        raise source.error(message, "tool.oaskit", "templates")
    return ProjectConfig(
        root=root,
        apis=_apis(table.get("apis", []), source),
        templates=Path(templates) if templates else None,
        ref_roots=_ref_roots(table.get("ref-roots", []), source),
        lint=_lint_config(table.get("lint", {}), root=root, source=source),
        fuzz=parse_fuzz_config(table.get("fuzz", {}), text=text, path=path),
        diff=parse_diff_config(table.get("diff", {}), text=text, path=path),
        location=source.where("tool.oaskit"),
    )


class _Source:
    """pyproject.toml's text, so that each error is reported at the key it is about."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path

    def where(self, table: str, key: str | None = None, *, index: int = 0) -> Location:
        """Where `key` of `[table]` is written, else the table itself, else where it is named."""
        found = key_location(self.text, self.path, table, key, index=index)
        parent, _, leaf = table.rpartition(".")
        if found == Location(self.path) and parent:
            # No header of its own: `apis = [{…}]` inline under [tool.oaskit], or only sub-tables
            # written out (`[[tool.oaskit.apis]]` without `[tool.oaskit]`).
            return key_location(self.text, self.path, parent, leaf)
        return found

    def error(
        self, message: str, table: str, key: str | None = None, *, index: int = 0
    ) -> SpecInputError:
        """A `config-invalid` error at `key` of `[table]`."""
        where = self.where(table, key, index=index)
        return SpecInputError(Finding("config-invalid", message, where))

    def refuse_unknown(
        self,
        table: Mapping[str, Any],
        known: Iterable[str],
        name: str,
        label: str,
        *,
        index: int = 0,
    ) -> None:
        """Raise at the first key of `table` not in `known`, with the closest known one."""
        choices = list(known)
        for key in table:
            if key not in choices:
                message = f"{label} has an unknown key {key!r}{did_you_mean(key, choices)}"
                raise self.error(message, name, key, index=index)


def _is_import_name(package: str) -> bool:
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in package.split("."))


def _apis(raw: Any, source: _Source) -> tuple[ApiConfig, ...]:
    """`[[tool.oaskit.apis]]` as ApiConfigs; each invalid value raises at its key."""
    table = "tool.oaskit.apis"
    if not isinstance(raw, list):
        message = "[tool.oaskit] apis must be an array of tables: one [[tool.oaskit.apis]] per API"
        raise source.error(message, "tool.oaskit", "apis")
    apis: list[ApiConfig] = []
    for index, entry in enumerate(raw):
        label = f"[[tool.oaskit.apis]] entry {index + 1}"

        def fail(message: str, key: str | None = None, index: int = index) -> SpecInputError:
            return source.error(message, table, key, index=index)

        if not isinstance(entry, dict):
            raise fail(f"{label} must be a table with name, spec and package")
        source.refuse_unknown(entry, _API_KEYS, table, label, index=index)
        for key in _API_REQUIRED:
            if key not in entry:
                raise fail(f"{label} has no {key}; every API needs name, spec and package")
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise fail(f"{label}: {key} must be a non-empty string", key)
        if not _is_import_name(entry["package"]):
            message = (
                f"{label}: package {entry['package']!r} is not a Python import name "
                "(identifiers joined by dots)"
            )
            raise fail(message, "package")
        mode = entry.get("read-write-models", READ_WRITE_MODELS[0])
        if mode not in READ_WRITE_MODELS:
            message = (
                f"{label}: read-write-models must be one of {', '.join(READ_WRITE_MODELS)}, "
                f"not {mode!r}"
            )
            raise fail(message, "read-write-models")
        status = entry.get("validation-status", VALIDATION_STATUSES[0])
        # TOML writes 400 as an integer and "400" as a string: both mean the status.
        if isinstance(status, bool) or str(status) not in VALIDATION_STATUSES:
            message = f'{label}: validation-status must be 400, 422 or "documented", not {status!r}'
            raise fail(message, "validation-status")
        embed = entry.get("embed-spec", False)
        if not isinstance(embed, bool):
            raise fail(f"{label}: embed-spec must be true or false, not {embed!r}", "embed-spec")
        out = entry.get("out")
        if out is not None and (
            not isinstance(out, str)
            or not out.strip()
            or Path(out).is_absolute()
            or ".." in Path(out).parts
        ):
            # regen removes what it did not generate from this folder, so it stays in the project.
            message = f"{label}: out must be a folder below the project root, not {out!r}"
            raise fail(message, "out")
        api = ApiConfig(
            name=entry["name"],
            spec=Path(entry["spec"]),
            package=entry["package"],
            read_write_models=mode,
            out=Path(out) if out is not None else None,
            validation_status=str(status),
            embed_spec=embed,
        )
        for number, other in enumerate(apis, start=1):
            if other.name == api.name:
                raise fail(f"{label}: name {api.name!r} is taken by entry {number}", "name")
            if other.output_dir == api.output_dir:
                message = (
                    f"{label} writes into {api.output_dir.as_posix()}/, as entry {number} does"
                )
                raise fail(message, "out" if out is not None else "package")
        apis.append(api)
    return tuple(apis)


def _ref_roots(raw: Any, source: _Source) -> tuple[Path, ...]:
    """`ref-roots` as folders relative to the project root; an invalid value raises at the key."""
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        message = (
            "[tool.oaskit] ref-roots must be a list of folders, relative to the project root, "
            "that $refs may read besides each spec's own folder"
        )
        raise source.error(message, "tool.oaskit", "ref-roots")
    return tuple(Path(folder) for folder in raw)


def _lint_config(table: Any, *, root: Path, source: _Source) -> LintConfig:
    """`[tool.oaskit.lint]` as a LintConfig; each invalid value raises at its key."""
    lint = "tool.oaskit.lint"
    if not isinstance(table, dict):
        raise source.error("[tool.oaskit.lint] must be a table", "tool.oaskit", "lint")
    source.refuse_unknown(table, _LINT_KEYS, lint, "[tool.oaskit.lint]")

    def place(name: str) -> Location:
        # A rule name is written in a list of [tool.oaskit.lint] or as a key of its sub-tables.
        for where in _LINT_TABLES:
            found = find_key(source.text, source.path, where, name)
            if found is not None:
                return found
        return source.where("tool.oaskit", "lint")

    def names(value: Any, message: str, at: Location) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecInputError(Finding("config-invalid", message, at))
        return tuple(value)

    def listed(key: str) -> tuple[str, ...]:
        message = f"[tool.oaskit.lint] {key} must be a list of rule names"
        return names(table.get(key, []), message, source.where(lint, key))

    select = listed("select") if "select" in table else None
    extend_select = listed("extend-select")
    ignore = listed("ignore")
    levels = table.get("severity", {})
    if not isinstance(levels, dict):
        message = "[tool.oaskit.lint] severity must be a table of rule = level"
        raise source.error(message, lint, "severity")
    severity: dict[str, Level | None] = {}
    for name, level in levels.items():
        if not isinstance(level, str) or level not in _LEVELS:
            choices = ", ".join(_LEVELS)
            message = f"severity of {name!r} must be one of {choices}, not {level!r}"
            raise SpecInputError(Finding("config-invalid", message, place(name)))
        severity[name] = _LEVELS[level]
    ignores = table.get("per-file-ignores", {})
    if not isinstance(ignores, dict):
        message = "[tool.oaskit.lint] per-file-ignores must be a table of glob = [rules]"
        raise source.error(message, lint, "per-file-ignores")
    per_file = tuple(
        (
            glob,
            names(
                rules,
                f"per-file-ignores {glob!r} must be a list of rule names",
                source.where(f"{lint}.per-file-ignores", glob),
            ),
        )
        for glob, rules in ignores.items()
    )
    mentioned = [
        *(select or ()),
        *extend_select,
        *ignore,
        *severity,
        *(name for _, rules in per_file for name in rules),
    ]
    return LintConfig(
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        severity=severity,
        per_file_ignores=per_file,
        root=root,
        positions={name: place(name) for name in mentioned},
    )
