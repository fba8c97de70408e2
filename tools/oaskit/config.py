"""Project configuration: `[tool.oaskit]` in pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from oaskit.errors import Finding, Location, SpecInputError

__all__ = ["ApiConfig", "ProjectConfig", "find_project", "load_config"]


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """One API to lint and generate: its name, root spec file and output package."""

    name: str
    spec: Path
    package: str

    @property
    def output_dir(self) -> Path:
        """The folder of the output package, below the project root."""
        return Path(*self.package.split("."))


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    """Everything `[tool.oaskit]` says, with paths relative to the project root."""

    root: Path
    apis: tuple[ApiConfig, ...]
    templates: Path | None = None


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
            apis.append(
                ApiConfig(
                    name=str(entry["name"]), spec=Path(entry["spec"]), package=str(entry["package"])
                )
            )
        except (KeyError, TypeError):
            message = f"[[tool.oaskit.apis]] entry {index + 1} needs name, spec and package"
            raise SpecInputError(Finding("config-invalid", message, Location(path))) from None
    templates = table.get("templates")
    return ProjectConfig(
        root=root, apis=tuple(apis), templates=Path(templates) if templates else None
    )
