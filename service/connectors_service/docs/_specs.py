"""The bundled OpenAPI documents of the three dialects, as regen writes them beside the code."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from connectors_service.docs._representation import Representation

__all__ = ["SPEC_NAMES", "Spec", "load_spec"]

# The generated packages that carry an `openapi.json`, in the order the index lists them.
SPEC_NAMES = ("connectors", "census", "supermetrics")
# RFC 8259 11 defines no charset parameter for JSON; RFC 9512 2.1 none for YAML either.
JSON_MEDIA_TYPE = "application/json"
YAML_MEDIA_TYPE = "application/yaml"
# libyaml's emitter when PyYAML was built with it; the pure-Python one emits the same text.
_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True, slots=True)
class Spec:
    """One dialect's document: its JSON as regen wrote it and the same document in YAML."""

    name: str
    title: str
    version: str
    json: Representation
    yaml: Representation


@functools.cache
def load_spec(name: str) -> Spec:
    """The document of `name` (one of SPEC_NAMES), read and rendered once per process."""
    if name not in SPEC_NAMES:
        raise KeyError(name)
    body = resources.files(f"generated.{name}").joinpath("openapi.json").read_bytes()
    document = json.loads(body)
    info: dict[str, Any] = document.get("info", {})
    return Spec(
        name=name,
        title=str(info.get("title", name)),
        version=str(info.get("version", "")),
        # Served byte for byte: what a client downloads is what the code was generated from.
        json=Representation.of(body, JSON_MEDIA_TYPE),
        yaml=Representation.of(_to_yaml(document), YAML_MEDIA_TYPE),
    )


def _to_yaml(document: object) -> bytes:
    # Keys keep the document's order (the spec reads top-down: openapi, info, paths, ...).
    # A string the YAML 1.1 resolver would read as another type (`yes`, `2024-01-01`) is
    # quoted by the safe dumper, so the YAML loads back to the JSON's document.
    text = yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return text.encode("utf-8")
