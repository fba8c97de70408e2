"""Built-in lint rules; importing this package registers them.

Each family module's docstring maps its rules to the peer rules of Spectral (`spectral:oas`)
and Redocly (`recommended`). Meta-schema checks (Spectral oas3-schema, Redocly struct and
spec-components-invalid-map-name) are `oas-schema`; unresolved references (Redocly
no-unresolved-refs) are `ref-unresolvable`.
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
    "responses",
    "schemas",
    "security",
    "servers",
    "tags",
]
