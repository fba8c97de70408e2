"""The intermediate model between a bundled spec and the templates."""

from oaskit.ir._build import build_api
from oaskit.ir._escape import comment, docstring, docstring_line, identifier, literal
from oaskit.ir._model import (
    Api,
    Body,
    DocEntry,
    Operation,
    OperationDoc,
    Parameter,
    Response,
    Route,
    Tag,
    file_header,
)
from oaskit.ir._models import (
    SHARED,
    VARIANT_SUFFIXES,
    ModelNames,
    model_classes,
    variant_suffixes,
)
from oaskit.ir._naming import class_name, snake_name, unique

__all__ = [
    "SHARED",
    "VARIANT_SUFFIXES",
    "Api",
    "Body",
    "DocEntry",
    "ModelNames",
    "Operation",
    "OperationDoc",
    "Parameter",
    "Response",
    "Route",
    "Tag",
    "build_api",
    "class_name",
    "comment",
    "docstring",
    "docstring_line",
    "file_header",
    "identifier",
    "literal",
    "model_classes",
    "snake_name",
    "unique",
    "variant_suffixes",
]
