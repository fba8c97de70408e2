"""Fixtures for fuzzing the items API: its spec on disk, options, a live server, a dead port."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from items_api import MAX_EXAMPLES, SEED, SPEC, TOKEN, build_app, serve

from oaskit.fuzz import FuzzOptions


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    """The spec as one JSON file."""
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(SPEC), encoding="utf-8")
    return path


@pytest.fixture
def make_options(spec_path: Path) -> Callable[..., FuzzOptions]:
    """`FuzzOptions` for the items spec with the test token, a fixed seed and few examples."""

    def make(**overrides: Any) -> FuzzOptions:
        path = overrides.pop("spec_path", spec_path)
        values: dict[str, Any] = {
            "base_url": None,
            "headers": {"Authorization": f"Bearer {TOKEN}"},
            "max_examples": MAX_EXAMPLES,
            "seed": SEED,
            **overrides,
        }
        return FuzzOptions(path, **values)

    return make


@pytest.fixture
def live_url() -> Iterator[str]:
    """Base URL of the correct items API served by uvicorn on a free 127.0.0.1 port."""
    with serve(build_app()) as url:
        yield url


@pytest.fixture
def free_url() -> str:
    """A 127.0.0.1 URL nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
