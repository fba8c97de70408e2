"""The same smoke calls through openapi-python-client's clients, best effort.

The server is still oaskit's generated one (over the same `Recorder`, with the same values):
openapi-python-client makes clients only. Its generator and clients run in their own venv under
`.cache/` (made on first use), through `peer_child.py`, which calls every operation's
`sync_detailed` and reports status and parsed result. An operation passes when its handler
received the arguments sent and, for a JSON 2xx, the parsed result is neither None nor Unset.
"""

from __future__ import annotations

import base64
import concurrent.futures
import json
import multiprocessing
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench._inputs import locked
from tests.smoke.harness import (
    Generated,
    OpResult,
    SpecResult,
    Target,
    one_line,
    plan_targets,
    run_spec,
    serving,
)
from tests.smoke.implementation import difference

__all__ = ["PEER", "VERSION", "ensure_peer", "run_peer"]

ROOT = Path(__file__).resolve().parents[2]
PEER = "openapi-python-client"
VERSION = "0.29.1"
VENV = ROOT / ".cache" / "smoke-peer-venv"
CHILD = Path(__file__).resolve().parent / "peer_child.py"
TIMEOUT_S = 600


def ensure_peer() -> Path | str:
    """The peer venv's bin folder, installed on first use; a reason when that fails."""
    stamp = VENV / ".smoke-peer"
    wanted = f"{PEER}=={VERSION}"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with locked(VENV.parent / ".smoke-peer.lock"):
        if not stamp.is_file() or stamp.read_text(encoding="utf-8") != wanted:
            steps = [[sys.executable, "-m", "venv", str(VENV)]]
            steps.append([str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", wanted])
            for step in steps:
                done = subprocess.run(step, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    return f"installing {wanted} failed: {one_line(done.stderr)[-200:]}"
            stamp.write_text(wanted, encoding="utf-8")
    return VENV / "bin"


def run_peer(specs: Sequence[tuple[str, Path]], *, jobs: int = 1) -> list[SpecResult]:
    """Every `(label, path)` through the peer's clients, in the given order."""
    where = ensure_peer()
    if isinstance(where, str):
        raise SystemExit(where)
    if jobs <= 1:
        return [_run_one(label, path) for label, path in specs]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(_run_one, label, path) for label, path in specs]
        return [future.result() for future in futures]


def _run_one(label: str, path: Path) -> SpecResult:
    result = run_spec(path, label=label, exercise=_exercise_peer)
    print(f"{label}: {result.count('pass')}/{len(result.operations)} pass", file=sys.stderr)
    return result


def _exercise_peer(generated: Generated) -> list[OpResult]:
    targets, recorder, app = plan_targets(generated)
    out = generated.root / "peer"
    package = "peer_client"
    made = subprocess.run(
        [
            str(VENV / "bin" / "openapi-python-client"),
            "generate",
            "--path",
            str(generated.path),
            "--output-path",
            str(out / package),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if not (out / package / "client.py").is_file():
        reason = one_line(made.stdout + made.stderr)[-300:]
        return _all(generated.label, targets, "generate", reason or "nothing generated")
    for target in targets:
        if target.calls:
            recorder.plans[target.name] = target.calls[0].reply
    with serving(app) as base_url:
        plan = _plan(generated, targets, base_url, out, package)
        plan_file = out / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        try:
            ran = subprocess.run(
                [str(VENV / "bin" / "python"), str(CHILD), str(plan_file)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return _all(generated.label, targets, "call", f"calls took over {TIMEOUT_S} s")
    if ran.returncode != 0:
        last = ran.stderr.strip().splitlines()[-1:] or ["no output"]
        return _all(generated.label, targets, "import", one_line(last[0]))
    outcomes: dict[str, dict[str, Any]] = json.loads(ran.stdout.strip().splitlines()[-1])
    return [_judge(generated.label, t, outcomes.get(t.name, {}), recorder) for t in targets]


def _plan(
    generated: Generated, targets: list[Target], base_url: str, out: Path, package: str
) -> dict[str, Any]:
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    params: dict[str, str] = {}
    kinds = {scheme.kind for scheme in generated.api.credentials}
    for scheme in generated.api.credentials:
        # The peer has no API-key support of its own: keys go with every request, in headers,
        # cookies or (through httpx's `params`) the query, as a user of it would send them.
        if scheme.kind == "apiKey":
            where = {"header": headers, "cookie": cookies, "query": params}
            where.get(scheme.location, headers)[scheme.key] = "smoke-token"
    token, prefix = "", "Bearer"
    if "bearer" in kinds:
        token = "smoke-token"
    elif "basic" in kinds:
        token, prefix = base64.b64encode(b"smoke:secret").decode("ascii"), "Basic"
    operations = []
    for target in targets:
        if target.skip or not target.calls:
            continue
        call = target.calls[0]
        parameters = [
            {"name": p.name, "in": p.location, "value": _encode(call.expected[p.python_name])}
            for p in target.op.parameters
        ]
        body = call.expected.get("body") if target.op.body is not None else None
        operations.append(
            {
                "key": target.name,
                "method": target.method,
                "path": target.path,
                "parameters": parameters,
                "body": _encode(body),
            }
        )
    return {
        "root": str(out),
        "package": package,
        "base_url": base_url,
        "headers": headers,
        "cookies": cookies,
        "params": params,
        "token": token,
        "prefix": prefix,
        "operations": operations,
    }


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _judge(label: str, target: Target, outcome: dict[str, Any], recorder: Any) -> OpResult:
    def result(stage: str = "", reason: str = "") -> OpResult:
        status = "skip" if stage == "values" else ("fail" if stage else "pass")
        return OpResult(label, target.name, target.method, target.path, status, stage, reason)

    if target.skip:
        return result("values", target.skip)
    call = target.calls[0]
    if "error" in outcome:
        stage = "generate" if "no endpoint" in outcome["error"] else "call"
        return result(stage, one_line(outcome["error"]))
    if not outcome:
        return result("call", "no outcome reported")
    received = recorder.received.get(target.name)
    if received is None:
        return result("call", one_line(f"{outcome['status']}: {outcome['content']}"))
    for key, sent in call.expected.items():
        if key not in received:
            return result("handler-args", f"{key}: not passed to the handler")
        found = difference(sent, received[key], key)
        if found:
            return result("handler-args", found)
    if call.raises is not None:
        return result() if outcome["status"] == call.raises else result("response-parse", "")
    if call.reply.body is not None and outcome["parsed"] is None:
        return result("response-parse", "the parsed response is None or Unset")
    return result()


def _all(label: str, targets: list[Target], stage: str, reason: str) -> list[OpResult]:
    return [OpResult(label, t.name, t.method, t.path, "fail", stage, reason) for t in targets]
