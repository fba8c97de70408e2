"""Project configuration: `[tool.oaskit]` in pyproject.toml."""

from oaskit.config._diff import DiffConfig, DiffIgnore
from oaskit.config._fuzz import FuzzConfig
from oaskit.config._project import (
    READ_WRITE_MODELS,
    ApiConfig,
    LintConfig,
    ProjectConfig,
    find_project,
    load_config,
)

__all__ = [
    "READ_WRITE_MODELS",
    "ApiConfig",
    "DiffConfig",
    "DiffIgnore",
    "FuzzConfig",
    "LintConfig",
    "ProjectConfig",
    "find_project",
    "load_config",
]
