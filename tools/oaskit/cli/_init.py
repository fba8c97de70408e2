"""`oaskit init`: write a `[tool.oaskit]` table for a spec into ./pyproject.toml."""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from oaskit.cli._common import EXIT_OK, Output, UsageError, relative
from oaskit.config import load_config

__all__ = ["add_parser", "run"]

# The names a root spec usually has, looked for in the project folder itself.
_ROOT_NAMES = ("openapi.yaml", "openapi.yml", "openapi.json")
# Folders searched (recursively) for files whose top level declares `openapi`.
_SPEC_FOLDERS = ("spec", "specs")
_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
# Only the start of each candidate is read: the `openapi` field comes first by convention,
# and a folder of large specs must not cost a full read of each to be listed.
_HEAD = 64 * 1024
_DECLARES_OPENAPI = re.compile(r"""^["']?openapi["']?[ \t]*:|"openapi"\s*:""", re.MULTILINE)
# Folder and file names that say nothing about which API a spec describes.
_GENERIC = frozenset(
    {"", "api", "apis", "doc", "docs", "index", "main", "openapi", "schema", "spec", "specs"}
)
# Top-level folders with an `__init__.py` that are not the project's own package.
_NOT_THE_PACKAGE = frozenset(
    {"bench", "benchmarks", "build", "dist", "doc", "docs", "examples", "scripts", "test", "tests"}
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `oaskit init` and its options to `commands`."""
    init = commands.add_parser(
        "init",
        help="write a [tool.oaskit] table for a spec into ./pyproject.toml",
        description="Append a [tool.oaskit] table for SPEC to ./pyproject.toml (created when "
        "missing); an existing [tool.oaskit] table is never changed.",
    )
    init.add_argument(
        "spec",
        nargs="?",
        type=Path,
        help="the root spec file (default: openapi.yaml/.yml/.json here, or the one file under "
        "spec/ or specs/ whose top level has `openapi:`)",
    )
    init.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run `oaskit init` as `args` say; the exit code."""
    from oaskit.spec import bundle_spec, openapi_version

    output = Output.of(args)
    root = Path.cwd()
    pyproject = root / "pyproject.toml"
    existing = _read(pyproject) if pyproject.is_file() else None
    if existing is not None:
        # Also reports, at its line, a pyproject.toml that is not valid TOML.
        location = load_config(root).location
        if location is not None:
            raise UsageError(
                f"pyproject.toml:{location.line}:{location.col} already has a [tool.oaskit] "
                "table; init never changes it (edit it by hand, see docs/configuration.md)"
            )
    spec = _spec(args.spec, root=root, output=output)
    bundle = bundle_spec(spec)
    # A spec that loads but is not OpenAPI 3.0/3.1 (Swagger 2.0, no version) is refused here,
    # at the field, rather than by the first `oaskit lint`.
    openapi_version(bundle)
    spec_path = spec.resolve().relative_to(root.resolve()).as_posix()
    name = _api_name(Path(spec_path), bundle.data)
    package, out = _package(root, name=name, project=_project_name(existing), output=output)
    table = _table(name=name, spec=spec_path, package=package, out=out)
    if existing is None:
        text = table
    else:
        newline = "\r\n" if "\r\n" in existing else "\n"
        separator = "" if not existing or existing.endswith("\n") else newline
        text = separator + (newline if existing.strip() else "") + table.replace("\n", newline)
    try:
        tomllib.loads((existing or "") + text)
    except tomllib.TOMLDecodeError as exc:
        # `tool = {…}` as an inline table cannot be extended by a [tool.oaskit] header.
        raise UsageError(
            f"pyproject.toml cannot take a [tool.oaskit] table after its content ({exc}); "
            "add it by hand"
        ) from None
    try:
        # Appending leaves every byte already in the file as it was.
        mode = "a" if existing is not None else "x"
        with pyproject.open(mode, encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write pyproject.toml: {exc.strerror or exc}") from None
    verb = "Appended to" if existing is not None else "Created"
    output.status(f"{verb} pyproject.toml:\n\n{table}", stream=sys.stdout)
    folder = (out or Path(*package.split("."))).as_posix()
    output.status(
        f"Next: `oaskit lint` checks {spec_path}; `oaskit regen` writes {folder}/.",
        stream=sys.stdout,
    )
    return EXIT_OK


def _read(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read pyproject.toml: {exc}") from None


def _spec(given: Path | None, *, root: Path, output: Output) -> Path:
    """The spec init describes: `given`, which must lie in `root`, or the one found there."""
    if given is not None:
        spec = given if given.is_absolute() else root / given
        try:
            spec.resolve().relative_to(root.resolve())
        except ValueError:
            raise UsageError(
                f"{given.as_posix()} is outside this folder; run `oaskit init` in the project "
                "folder that holds the spec"
            ) from None
        return spec
    found = _candidates(root)
    for path in found:
        output.detail(f"init: found {relative(path, root)}")
    if not found:
        raise UsageError(
            "no spec found here (openapi.yaml, openapi.yml, openapi.json, or a file under "
            "spec/ or specs/ with a top-level `openapi:`); pass it: oaskit init SPEC"
        )
    if len(found) > 1:
        listed = ", ".join(relative(path, root) for path in found)
        raise UsageError(f"several specs found ({listed}); pass one: oaskit init SPEC")
    return found[0]


def _candidates(root: Path) -> list[Path]:
    found = [root / name for name in _ROOT_NAMES if (root / name).is_file()]
    for folder in _SPEC_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(base).parts)
            wanted = path.suffix.lower() in _SUFFIXES and not hidden and path.is_file()
            if wanted and _declares_openapi(path):
                found.append(path)
    return found


def _declares_openapi(path: Path) -> bool:
    """Whether the start of `path` has a top-level `openapi` key (YAML column 0, or JSON)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return False
    return _DECLARES_OPENAPI.search(head) is not None


def _identifier(text: str) -> str:
    """`text` as a lower-case Python identifier (`Pet Store v2` → `pet_store_v2`), maybe ""."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = "_".join(word.lower() for word in re.findall(r"[A-Za-z0-9]+", ascii_text))
    if name[:1].isdigit():
        name = f"api_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def _api_name(spec: Path, data: Any) -> str:
    """The API's name: from the spec's folder, else its file name, else `info.title`."""
    info = data.get("info") if isinstance(data, dict) else None
    title = info.get("title") if isinstance(info, dict) else None
    words = [spec.parent.name, spec.stem]
    candidates = [word for word in words if word.lower() not in _GENERIC]
    if isinstance(title, str):
        candidates.append(title)
    for candidate in candidates:
        if name := _identifier(candidate):
            return name
    return "api"


def _project_name(pyproject: str | None) -> str | None:
    """`[project] name` as an import name (PEP 503 normalised, `-` as `_`), if stated."""
    if not pyproject:
        return None
    project = tomllib.loads(pyproject).get("project")
    name = project.get("name") if isinstance(project, dict) else None
    if not isinstance(name, str):
        return None
    return re.sub(r"[-_.]+", "_", name).lower()


def _package(
    root: Path, *, name: str, project: str | None, output: Output
) -> tuple[str, Path | None]:
    """The package regen writes into, and its folder when that is not the package's path.

    Generated code is imported by the user's own code, so it goes into the user's package when
    the project has one (`myapp.pets`, in `src/myapp/pets` for a src layout), else into a
    top-level package named after the API.
    """
    parent, folder = _own_package(root, project)
    if parent is not None:
        output.detail(f"init: the project's package is {parent} ({folder.as_posix()}/)")
    leaf = name
    counter = 1
    # A folder holding hand-written modules is not one regen may overwrite: take the next name.
    while _taken(root / folder / leaf):
        output.detail(f"init: {(folder / leaf).as_posix()}/ holds hand-written code; not used")
        counter += 1
        leaf = f"{name}_{counter}"
    package = f"{parent}.{leaf}" if parent else leaf
    out = folder / leaf
    return package, None if out == Path(*package.split(".")) else out


def _own_package(root: Path, project: str | None) -> tuple[str | None, Path]:
    """The project's importable package and its folder: by `[project] name`, else the only one."""
    if project:
        for folder in (Path("src") / project, Path(project)):
            if (root / folder / "__init__.py").is_file():
                return project, folder
    for base in (Path("src"), Path()):
        if not (root / base).is_dir():
            continue
        packages = [
            path.name
            for path in sorted((root / base).iterdir())
            if (path / "__init__.py").is_file()
            and path.name.isidentifier()
            and path.name not in _NOT_THE_PACKAGE
        ]
        if len(packages) == 1:
            return packages[0], base / packages[0]
        if packages:
            break
    return None, Path()


def _taken(folder: Path) -> bool:
    from oaskit.emit import is_generated

    if not folder.exists():
        return False
    if not folder.is_dir():
        return True
    return any(not is_generated(path) for path in folder.rglob("*.py"))


def _toml_string(value: str) -> str:
    # A JSON string is a TOML basic string: both escape `"`, `\` and control characters alike
    # (TOML 1.0 "Basic strings"), and neither needs more.
    return json.dumps(value, ensure_ascii=False)


def _table(*, name: str, spec: str, package: str, out: Path | None) -> str:
    """The `[tool.oaskit]` table init writes, with the optional tables as comments."""
    lines = [
        "[tool.oaskit]",
        "# Every key: docs/configuration.md in the oaskit repository.",
        "",
        "[[tool.oaskit.apis]]",
        f"name = {_toml_string(name)}",
        f"spec = {_toml_string(spec)}",
        "# The package `oaskit regen` writes the models, client and server stubs into.",
        f"package = {_toml_string(package)}",
    ]
    if out is not None:
        lines += [
            "# Its folder, when that is not the package path (a src/ layout).",
            f"out = {_toml_string(out.as_posix())}",
        ]
    lines += [
        "",
        "# `oaskit rules` lists the lint rules; `oaskit rule NAME` explains one.",
        "# [tool.oaskit.lint]",
        '# extend-select = ["ALL"]',
        "# ignore = []",
        "",
        "# Defaults for `oaskit fuzz` against a running server.",
        "# [tool.oaskit.fuzz]",
        '# url = "http://127.0.0.1:8000"',
        "# max-examples = 25",
    ]
    return "\n".join(lines) + "\n"
