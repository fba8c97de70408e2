"""Python names for spec names: valid, collision-free, deterministic."""

from __future__ import annotations

import keyword
import re

__all__ = ["class_name", "snake_name", "unique"]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
# Names the generated modules use themselves; a parameter may not shadow them.
_RESERVED = frozenset({"self", "request", "body", "models", "response", "client"})


def _words(text: str) -> list[str]:
    return _WORD.findall(re.sub(r"[^A-Za-z0-9]+", " ", text))


def snake_name(text: str) -> str:
    """`createConnector` → `create_connector`; `X-Request-Id` → `x_request_id`."""
    words = [w.lower() for w in _words(text)] or ["value"]
    name = "_".join(words)
    if name[0].isdigit():
        name = f"n_{name}"
    if keyword.iskeyword(name) or name in _RESERVED:
        name = f"{name}_"
    return name


def class_name(text: str) -> str:
    """`connector-create` → `ConnectorCreate`; keeps existing PascalCase as it is."""
    words = _words(text) or ["Model"]
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if name[0].isdigit():
        return f"M{name}"
    # `None`, `True` and `False` are keywords even capitalised; a class cannot take those names.
    return f"{name}_" if keyword.iskeyword(name) else name


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`… when taken; adds the result to `taken`."""
    candidate = name
    counter = 2
    while candidate in taken:
        candidate = f"{name}_{counter}"
        counter += 1
    taken.add(candidate)
    return candidate
