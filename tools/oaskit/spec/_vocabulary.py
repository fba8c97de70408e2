"""How to read an OpenAPI document's keys: which hold literal data, which hold chosen names.

The bundler and the lint index walk every node and must agree on both; a `$ref` inside
literal data, or a property named `default`, is not what it looks like.
"""

from __future__ import annotations

__all__ = ["DATA_KEYWORDS", "NAME_MAPS", "SCHEMA_MAPS"]

# Keywords whose value is literal data: a `$ref` inside is a plain member, not a reference.
# `examples` is read by its shape: a list of values in a Schema Object, a map of names to
# Example Objects elsewhere; each reader handles it before consulting this set.
DATA_KEYWORDS = frozenset({"example", "const", "default", "enum", "value"})

# Schema keywords whose value maps names to schemas.
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")

# Keywords whose value maps names the author chose (a property named `default`, a response
# `default`, a header `x-rate-limit`) to objects: a name is never a keyword.
NAME_MAPS = frozenset(
    {
        *SCHEMA_MAPS,
        "paths",
        "responses",
        "content",
        "encoding",
        "headers",
        "links",
        "callbacks",
        "variables",
        "mapping",
        "scopes",
        "webhooks",
        # The sections of `components`.
        "schemas",
        "parameters",
        "examples",
        "requestBodies",
        "securitySchemes",
        "pathItems",
    }
)
