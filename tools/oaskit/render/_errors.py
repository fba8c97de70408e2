"""Why models could not be rendered."""

from __future__ import annotations

__all__ = ["ModelsError"]


class ModelsError(Exception):
    """The models cannot be rendered from this spec; `schema` names the culprit when known."""

    schema: str | None = None
