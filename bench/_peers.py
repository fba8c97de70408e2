"""Peers in their own venvs under `bench/.peers/`, made or brought to their pins on first use."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench._inputs import locked
from bench._results import say

__all__ = ["PEERS", "Peer", "peer_venv"]

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / ".peers"
PIP_TIMEOUT_S = 900


@dataclass(frozen=True, slots=True)
class Peer:
    """A peer's venv: its bin folder and installed versions, or why it is unavailable."""

    bin: Path | None
    versions: dict[str, str] = field(default_factory=dict)
    reason: str = ""


def peer_venv(name: str, requirements: Sequence[str], *, report: Sequence[str]) -> Peer:
    """`bench/.peers/<name>`: a venv with `requirements`, made or updated on first use."""
    venv = PEERS / name
    python = venv / "bin" / "python"
    stamp = venv / ".bench-requirements"
    wanted = "\n".join(requirements) + "\n"
    PEERS.mkdir(parents=True, exist_ok=True)
    with locked(PEERS / f".{name}.lock"):
        current = stamp.read_text(encoding="utf-8") if stamp.is_file() else ""
        if current != wanted:
            say(f"installing {', '.join(requirements)} into {venv.relative_to(ROOT)}")
            steps = [[sys.executable, "-m", "venv", str(venv)]] if not python.exists() else []
            pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            steps.append([*pip, *requirements])
            for step in steps:
                try:
                    done = subprocess.run(
                        step, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False
                    )
                except subprocess.TimeoutExpired:
                    return Peer(None, reason=f"install took over {PIP_TIMEOUT_S} s")
                if done.returncode != 0:
                    last = done.stderr.strip().splitlines()[-1:] or ["no output"]
                    return Peer(None, reason=f"install failed: {last[0]}")
            stamp.write_text(wanted, encoding="utf-8")
    script = (
        "import importlib.metadata as m, json, sys\n"
        "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))"
    )
    shown = subprocess.run(
        [str(python), "-c", script, *report], capture_output=True, text=True, check=False
    )
    if shown.returncode != 0:
        last = shown.stderr.strip().splitlines()[-1:] or ["no output"]
        return Peer(None, reason=f"broken venv {venv.relative_to(ROOT)}: {last[0]}")
    return Peer(venv / "bin", json.loads(shown.stdout))
