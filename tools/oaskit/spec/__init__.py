"""Loading, bundling and validating hand-written OpenAPI documents."""

from oaskit.spec._bundle import Bundle, bundle_spec
from oaskit.spec._load import Document, Pointer, load_document
from oaskit.spec._path_keys import fragment_message, query_message, unroutable_paths
from oaskit.spec._pointer import format_pointer, parse_pointer
from oaskit.spec._validate import openapi_version, validate_bundle
from oaskit.spec._vocabulary import DATA_KEYWORDS, NAME_MAPS, SCHEMA_MAPS

__all__ = [
    "DATA_KEYWORDS",
    "NAME_MAPS",
    "SCHEMA_MAPS",
    "Bundle",
    "Document",
    "Pointer",
    "bundle_spec",
    "format_pointer",
    "fragment_message",
    "load_document",
    "openapi_version",
    "parse_pointer",
    "query_message",
    "unroutable_paths",
    "validate_bundle",
]
