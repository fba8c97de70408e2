"""Validating JSON and form data into any generated type: a model, or a list, map or union of
them (`list[models.Rule]`), for the client's responses and the server's bodies alike."""

from __future__ import annotations

import functools
import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter


def validate_json(kind: Any, content: bytes | str) -> Any:
    """`content` validated as `kind`; raises pydantic's ValidationError."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind.model_validate_json(content)
    return adapter(kind).validate_json(content)


def validate_python(kind: Any, data: Any, *, strict: bool | None = None) -> Any:
    """`data` (parsed already, such as a form's typed fields) validated as `kind`."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return kind.model_validate(data, strict=strict)
    return adapter(kind).validate_python(data, strict=strict)


@functools.cache
def adapter(kind: Any) -> TypeAdapter[Any]:
    """A validator for `kind`, built once per type: building one compiles it."""
    _complete(kind)
    return TypeAdapter(kind)


def _complete(kind: Any) -> None:
    """Resolve the forward references of every model in `kind` (`list[models.Rule]`).

    A model of a lazily imported `models/` package names others that are imported on first
    use; validating the model itself resolves them, but an adapter over a list of it would
    refuse the model as "not fully defined".
    """
    for argument in typing.get_args(kind):
        _complete(argument)
    if isinstance(kind, type) and issubclass(kind, BaseModel) and not kind.__pydantic_complete__:
        kind.model_rebuild()
