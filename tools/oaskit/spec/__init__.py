"""Loading, bundling and validating hand-written OpenAPI documents."""

from oaskit.spec._bundle import Bundle, bundle_spec
from oaskit.spec._dump import DumpFormat, dump_document
from oaskit.spec._load import Document, Pointer, load_document
from oaskit.spec._path_keys import fragment_message, query_message, unroutable_paths
from oaskit.spec._patterns import (
    PatternPlan,
    ecma_pattern,
    pattern_plan,
    python_compiles,
    rust_compiles,
    rust_error,
)
from oaskit.spec._pointer import format_pointer, parse_pointer
from oaskit.spec._validate import openapi_version, validate_bundle
from oaskit.spec._vocabulary import DATA_KEYWORDS, NAME_MAPS, SCHEMA_MAPS

__all__ = [
    "DATA_KEYWORDS",
    "NAME_MAPS",
    "SCHEMA_MAPS",
    "Bundle",
    "Document",
    "DumpFormat",
    "PatternPlan",
    "Pointer",
    "bundle_spec",
    "dump_document",
    "ecma_pattern",
    "format_pointer",
    "fragment_message",
    "load_document",
    "openapi_version",
    "parse_pointer",
    "pattern_plan",
    "python_compiles",
    "query_message",
    "rust_compiles",
    "rust_error",
    "unroutable_paths",
    "validate_bundle",
]
