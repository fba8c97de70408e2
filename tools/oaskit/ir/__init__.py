"""The intermediate model between a bundled spec and the templates."""

from oaskit.ir._build import build_api
from oaskit.ir._model import Api, Body, Operation, Parameter, Response, Tag, file_header
from oaskit.ir._models import SHARED, ModelNameClashError, ModelNames, model_classes
from oaskit.ir._naming import class_name, snake_name, unique

__all__ = [
    "SHARED",
    "Api",
    "Body",
    "ModelNameClashError",
    "ModelNames",
    "Operation",
    "Parameter",
    "Response",
    "Tag",
    "build_api",
    "class_name",
    "file_header",
    "model_classes",
    "snake_name",
    "unique",
]
