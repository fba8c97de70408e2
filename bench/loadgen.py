"""Fallback load generator, used only when `wrk` cannot be had.

`python -m bench.loadgen --url URL --method GET|PUT --token KEY --connections 32 --processes 2
--duration 10` keeps `connections` HTTP/1.1 keep-alive connections busy from `processes` worker
processes (asyncio over raw sockets: an HTTP client library would cost more CPU than the
servers being measured on a 2-core machine) and prints one line `BENCH_RESULT {json}` in the
same form as bench/wrk_connector.lua. It is slower than wrk, so figures it produced are marked
as such in BENCHMARKS.md and are not comparable with wrk's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["main"]


@dataclass
class _Tally:
    requests: int = 0
    non2xx: int = 0
    socket_errors: int = 0
    statuses: set[int] = field(default_factory=set)
    latencies_us: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    url: str
    method: str
    token: str
    connections: int
    duration: float
    worker: int
    # Index of this worker's first connection among all, and the connectors PUT spreads over.
    first: int
    ids: tuple[str, ...]


def main(argv: list[str] | None = None) -> int:
    """Run the load and print the result line."""
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--method", choices=("GET", "PUT"), default="GET")
    parser.add_argument("--token", required=True)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--ids", default="", help="comma-separated connector ids PUT spreads over")
    args = parser.parse_args(argv)
    processes = max(1, min(args.processes, args.connections))
    share, extra = divmod(args.connections, processes)
    jobs = [
        _Job(
            url=args.url,
            method=args.method,
            token=args.token,
            connections=share + (1 if worker < extra else 0),
            duration=args.duration,
            worker=worker,
            first=worker * share + min(worker, extra),
            ids=tuple(filter(None, args.ids.split(","))),
        )
        for worker in range(processes)
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        tallies = list(pool.map(_run_worker, jobs))
    elapsed_us = int((time.perf_counter() - started) * 1e6)
    latencies = sorted(value for tally in tallies for value in tally.latencies_us)
    result = {
        "requests": sum(tally.requests for tally in tallies),
        # The workers run side by side for `duration`; their start-up is not load time.
        "duration_us": min(elapsed_us, int(args.duration * 1e6)),
        "non2xx": sum(tally.non2xx for tally in tallies),
        "statuses": ",".join(
            str(code) for code in sorted(set().union(*(t.statuses for t in tallies)))
        ),
        "socket_errors": sum(tally.socket_errors for tally in tallies),
        "p50_us": _percentile(latencies, 50),
        "p99_us": _percentile(latencies, 99),
        "max_us": latencies[-1] if latencies else 0,
    }
    print("BENCH_RESULT " + json.dumps(result), flush=True)
    return 0


def _percentile(values: list[int], percent: float) -> int:
    if not values:
        return 0
    # Nearest rank, as HdrHistogram (and so wrk) reports it.
    rank = max(1, -(-len(values) * percent // 100))
    return values[int(rank) - 1]


def _run_worker(job: _Job) -> _Tally:
    return asyncio.run(_drive(job))


async def _drive(job: _Job) -> _Tally:
    tally = _Tally()
    deadline = time.perf_counter() + job.duration
    await asyncio.gather(
        *(_connection(job, tally, deadline, number) for number in range(job.connections))
    )
    return tally


async def _connection(job: _Job, tally: _Tally, deadline: float, number: int) -> None:
    parts = urlsplit(job.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    counter = 0
    path = parts.path
    if job.method == "PUT" and job.ids:
        # One connector per connection, so concurrent writes do not meet on one row.
        path = path.rsplit("/", 1)[0] + "/" + job.ids[(job.first + number) % len(job.ids)]
    while time.perf_counter() < deadline:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            tally.socket_errors += 1
            await asyncio.sleep(0.01)
            continue
        try:
            while time.perf_counter() < deadline:
                counter += 1
                request = _request(job, path, f"{job.worker}.{number}-{counter}")
                sent = time.perf_counter()
                writer.write(request)
                status, keep_alive = await _read_response(reader)
                tally.latencies_us.append(int((time.perf_counter() - sent) * 1e6))
                tally.requests += 1
                if not 200 <= status <= 299:
                    tally.non2xx += 1
                    tally.statuses.add(status)
                if not keep_alive:
                    break
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally.socket_errors += 1
        finally:
            writer.close()


def _request(job: _Job, path: str, suffix: str) -> bytes:
    head = (
        f"{job.method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {job.token}\r\n"
    )
    if job.method != "PUT":
        return (head + "\r\n").encode()
    # A name never sent before: an unchanged PUT is answered without a write.
    body = json.dumps({"name": f"Bench {suffix}"}).encode()
    head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    keep_alive = True
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep_alive = False
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep_alive


if __name__ == "__main__":
    raise SystemExit(main())
