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
from oaskit.ir._modelset import EnumMember, ModelClass, ModelField, ModelModule, ModelSet
from oaskit.ir._modules import SPLIT_MODELS_OVER
from oaskit.ir._naming import class_name, snake_name, unique

__all__ = [
    "SPLIT_MODELS_OVER",
    "Api",
    "Body",
    "DocEntry",
    "EnumMember",
    "ModelClass",
    "ModelField",
    "ModelModule",
    "ModelSet",
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
    "snake_name",
    "unique",
]
