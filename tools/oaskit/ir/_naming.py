"""Python names for spec names: valid, collision-free, deterministic."""

from __future__ import annotations

import re
import unicodedata

from oaskit.ir._escape import identifier

__all__ = ["class_name", "snake_name", "unique", "words"]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
# Names the generated modules use themselves; a parameter may not shadow them.
_RESERVED = frozenset({"self", "request", "body", "models", "response", "client"})


def words(text: str) -> list[str]:
    """The words of `text`: `createConnector` is `create`, `Connector`."""
    # NFKC as Python reads identifiers, so a full-width or ligature spelling keeps its letters.
    return _WORD.findall(re.sub(r"[^A-Za-z0-9]+", " ", unicodedata.normalize("NFKC", text)))


def snake_name(text: str) -> str:
    """`createConnector` → `create_connector`; `X-Request-Id` → `x_request_id`."""
    name = identifier("_".join(w.lower() for w in words(text)), default="value", digit_prefix="n_")
    return f"{name}_" if name in _RESERVED else name


def class_name(text: str) -> str:
    """`connector-create` → `ConnectorCreate`; keeps existing PascalCase as it is."""
    # `None`, `True` and `False` are keywords even capitalised: `identifier` appends `_` to them.
    name = "".join(w[:1].upper() + w[1:] for w in words(text))
    return identifier(name, default="Model", digit_prefix="M")


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`… when taken; adds the result to `taken`."""
    candidate = name
    counter = 2
    while candidate in taken:
        candidate = f"{name}_{counter}"
        counter += 1
    taken.add(candidate)
    return candidate
