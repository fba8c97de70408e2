"""docs/configuration.md documents exactly the keys each `[tool.oaskit]` table accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oaskit.config import _diff, _fuzz, _project

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def _documented_keys(table: str) -> set[str]:
    """The first column of the key table under the `## `table`` heading."""
    text = DOCS.read_text(encoding="utf-8")
    start = text.index(f"## `{table}`\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else len(text)]
    return set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE))


@pytest.mark.parametrize(
    ("table", "keys"),
    [
        ("[tool.oaskit]", _project._TOP_KEYS),
        ("[[tool.oaskit.apis]]", _project._API_KEYS),
        ("[tool.oaskit.lint]", _project._LINT_KEYS),
        ("[tool.oaskit.fuzz]", _fuzz.KEYS),
        ("[tool.oaskit.diff]", _diff.KEYS),
        ("[[tool.oaskit.diff.ignore]]", _diff.IGNORE_KEYS),
    ],
)
def test_documents_every_key_when_table_accepts_it(table: str, keys: tuple[str, ...]) -> None:
    assert _documented_keys(table) == set(keys)
