"""Write a document back out as JSON or YAML, the same bytes for the same data."""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml

__all__ = ["DumpFormat", "dump_document"]

DumpFormat = Literal["json", "yaml"]

# libyaml's emitter when PyYAML was built with it; the pure-Python one writes the same text.
_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[valid-type, misc]
    """The safe dumper, writing text of several lines as a literal block (YAML 1.2 8.1.2)."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter falls back to a quoted style where a block cannot hold the text exactly
    # (trailing spaces on a line, control characters).
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_document(data: Any, format: DumpFormat) -> str:
    """`data` as text: members in the order they were written, non-ASCII text kept as is.

    YAML is written block style with every string a plain or quoted YAML scalar that reads back
    as the same string (PyYAML's safe emitter quotes what would otherwise read as a number, a
    boolean or null), so a JSON reader and a YAML reader of the two outputs see one document.
    """
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return text
