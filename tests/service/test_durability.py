"""An acknowledged write survives `kill -9` of the server process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "connectors_service",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/connectors", timeout=1)
            return process
        except httpx.TransportError:
            if process.poll() is not None:
                raise RuntimeError("the service exited during start-up") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the service did not start within 30 s")


def test_acknowledged_write_survives_when_server_is_killed(
    database_url: str, tmp_path: Path
) -> None:
    """201 means stored: after SIGKILL and a restart the connector reads back unchanged."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONNECTORS_SECRET_KEY_FILE": str(tmp_path / "secret.key"),
        "CONNECTORS_RATE_LIMIT_PER_MINUTE": "100000",
    }
    slug = f"durable-{os.getpid()}-{time.monotonic_ns()}"
    created_key = subprocess.run(
        [sys.executable, "-m", "connectors_service", "keys", "create", "--org", slug],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    key = created_key.stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {key}"}
    port = _free_port()
    server = _serve(env, port)
    try:
        body = {
            "name": "Durable",
            "provider": "braze",
            "type": "destination",
            "data": {"api_token": "t0k3n_value"},
        }
        created = httpx.post(
            f"http://127.0.0.1:{port}/v1/connectors", json=body, headers=auth, timeout=10
        )
        assert created.status_code == 201, created.text
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    restarted = _serve(env, port)
    try:
        url = f"http://127.0.0.1:{port}/v1/connectors/{created.json()['data']['id']}"
        read = httpx.get(url, headers=auth, timeout=10)
        assert read.status_code == 200
        assert read.json()["data"]["name"] == "Durable"
        assert read.json()["data"]["maskedData"] == {"api_token": "**********"}
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
