"""A Redis server for the tests: the one REDIS_URL names, one on the standard port, or our own.

Redis is part of the test environment like PostgreSQL. `find_or_start` prefers a configured or
running server; on a machine with none it starts `redis-server` (Debian's package redis-server)
on a free loopback port, keeping nothing on disk. Only where no redis-server exists at all is a
test skipped, with a reason naming it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

__all__ = ["find_or_start"]

_STANDARD = "redis://127.0.0.1:6379/0"
_START_TIMEOUT = 10.0


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def find_or_start() -> Iterator[str | None]:
    """Yield a Redis URL that answers, or None when there is none and none can be started.

    A REDIS_URL that does not answer is an error, not a skip: it names a server that should be up.
    """
    configured = os.environ.get("REDIS_URL")
    if configured:
        if not _answers(configured):
            raise RuntimeError(f"REDIS_URL={configured} does not answer")
        yield configured
        return
    if _answers(_STANDARD):
        yield _STANDARD
        return
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="oaskit-redis-") as folder:
        process = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            deadline = time.monotonic() + _START_TIMEOUT
            while not _answers(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {port}")
                time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)
