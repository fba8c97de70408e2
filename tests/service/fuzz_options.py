"""The project's `[tool.oaskit.fuzz]` settings as `FuzzOptions`, for the in-process fuzz tests.

`make run` fuzzes over a socket with what the root pyproject.toml configures (fresh
Idempotency-Keys, current ETags, the invariant checks of `tests.service.invariants`); reading
the same table here keeps the in-process runs testing what the demo tests.
"""

from __future__ import annotations

import os
from pathlib import Path

from oaskit.config import load_config
from oaskit.fuzz import FreshTarget, FuzzOptions

ROOT = Path(__file__).resolve().parents[2]
# `make fuzz-deep` raises this; the default keeps `make test` quick.
FUZZ_EXAMPLES = int(os.environ.get("OASKIT_FUZZ_EXAMPLES", "30"))
SEED = 20261123


def project_options(
    spec: Path, *, headers: dict[str, str], parameters: dict[str, object] | None = None
) -> FuzzOptions:
    """Options for `spec` as the project configures them, with the test's key and parameters."""
    config = load_config(ROOT).fuzz
    return FuzzOptions(
        spec,
        headers=headers,
        max_examples=FUZZ_EXAMPLES,
        seed=SEED,
        parameters=parameters or {},
        fresh=tuple(FreshTarget.parse(text) for text in config.fresh or ()),
        track_etags=bool(config.track_etags),
        check_modules=config.check_modules or (),
        allow_nul=config.allow_nul is not False,
    )
