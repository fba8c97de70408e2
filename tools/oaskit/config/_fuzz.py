"""`[tool.oaskit.fuzz]`: the defaults of `oaskit fuzz` in a configured project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oaskit.config._toml import key_location
from oaskit.errors import Finding, SpecInputError

__all__ = ["FuzzConfig", "parse_fuzz_config"]


@dataclass(frozen=True, slots=True)
class FuzzConfig:
    """What `[tool.oaskit.fuzz]` sets; None leaves the command's own default."""


def parse_fuzz_config(table: Any, *, text: str, path: Path) -> FuzzConfig:
    """`[tool.oaskit.fuzz]` as a FuzzConfig; a malformed value raises SpecInputError."""
    if not isinstance(table, dict):
        where = key_location(text, path, "tool.oaskit", "fuzz")
        raise SpecInputError(Finding("config-invalid", "[tool.oaskit.fuzz] must be a table", where))
    for key in table:
        where = key_location(text, path, "tool.oaskit.fuzz", key)
        message = f"[tool.oaskit.fuzz] has an unknown key {key!r}"
        raise SpecInputError(Finding("config-invalid", message, where))
    return FuzzConfig()
