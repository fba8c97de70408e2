"""Everything in this folder is a judge test: deselected by `make test`, run by `make judges`."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test collected here with `judges`."""
    for item in items:
        if "tests/judges/" in item.nodeid:
            item.add_marker(pytest.mark.judges)
