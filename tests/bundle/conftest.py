"""What the bundle tests share: the specs they bundle and where the expected outputs are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
EXPECTED = HERE / "expected"
# The project's three hand-written specs, and a spec whose schemas refer to each other across
# files (tests/bundle/specs/cycles).
SPECS = {
    "connectors": ROOT / "spec" / "connectors" / "openapi.yaml",
    "census": ROOT / "spec" / "census" / "openapi.yaml",
    "supermetrics": ROOT / "spec" / "supermetrics" / "openapi.yaml",
    "cycles": HERE / "specs" / "cycles" / "openapi.yaml",
}
