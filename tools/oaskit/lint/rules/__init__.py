"""Built-in lint rules; importing this package registers them.

Each rule registers its default level, whether it is on by default, and its peers in Spectral
(`spectral:oas`) and Redocly (`recommended`); its docstring says what it checks and why
(`oaskit rule NAME` shows both). Only a rule that finds a defect is an error by default.
"""

from oaskit.lint.rules import (
    components,
    descriptions,
    examples,
    info,
    naming,
    operations,
    parameters,
    paths,
    patterns,
    responses,
    schemas,
    security,
    servers,
    tags,
)

__all__ = [
    "components",
    "descriptions",
    "examples",
    "info",
    "naming",
    "operations",
    "parameters",
    "paths",
    "patterns",
    "responses",
    "schemas",
    "security",
    "servers",
    "tags",
]
