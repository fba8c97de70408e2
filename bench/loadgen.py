"""Load generator of the service benchmark: closed loop (wrk's fallback) or open loop at a rate.

`python -m bench.loadgen --url URL --method GET|PUT --token KEY --connections 32 --processes 2
--duration 10 [--rate N]` drives HTTP/1.1 keep-alive connections from `processes` worker
processes (asyncio over raw sockets: an HTTP client library would cost more CPU than the
servers being measured on a 2-core machine) and prints one line `BENCH_RESULT {json}` in the
same form as bench/wrk_connector.lua.

Without `--rate` it is closed loop, like wrk: every connection sends its next request as soon
as the last one is answered, so it measures saturation throughput, and its latencies are
mostly time spent queueing. It is slower than wrk, so figures it produced are marked as such.

With `--rate N` it is open loop: requests are due at fixed intervals, N per second in all,
whatever the server does, and each latency runs from the moment the request was due, not from
when it was written. A request that waits for a free connection, or for a generator that fell
behind, is charged that wait, so a slow answer cannot hold back the requests behind it and
hide (coordinated omission, as wrk2 avoids it). `lag_p99_us` reports how late requests were
written after they were due; a large value means the generator or the connections could not
keep up, and the latencies include that.
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

# An answer slower than this counts as a socket error, as wrk's --timeout does.
_TIMEOUT_S = 5.0

_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass
class _Tally:
    requests: int = 0
    non2xx: int = 0
    socket_errors: int = 0
    statuses: set[int] = field(default_factory=set)
    latencies_us: list[int] = field(default_factory=list)
    lags_us: list[int] = field(default_factory=list)

    def record(self, status: int, latency_s: float) -> None:
        self.requests += 1
        self.latencies_us.append(int(latency_s * 1e6))
        if not 200 <= status <= 299:
            self.non2xx += 1
            self.statuses.add(status)


@dataclass(frozen=True)
class _Job:
    url: str
    method: str
    token: str
    connections: int
    duration: float
    # Requests per second of this worker in open loop; 0 for closed loop.
    rate: float
    # Where in the interval between its requests this worker starts, from 0 to 1: the
    # workers' requests interleave instead of arriving in pairs.
    phase: float
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
    parser.add_argument("--rate", type=float, default=0.0, help="requests/s in all: open loop")
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
            rate=args.rate / processes,
            phase=worker / processes,
            worker=worker,
            first=worker * share + min(worker, extra),
            ids=tuple(filter(None, args.ids.split(","))),
        )
        for worker in range(processes)
    ]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        tallies = list(pool.map(_run_worker, jobs))
    latencies = sorted(value for tally in tallies for value in tally.latencies_us)
    lags = sorted(value for tally in tallies for value in tally.lags_us)
    result = {
        "requests": sum(tally.requests for tally in tallies),
        # The workers run side by side for `duration`; their start-up is not load time.
        "duration_us": int(args.duration * 1e6),
        "non2xx": sum(tally.non2xx for tally in tallies),
        "statuses": ",".join(
            str(code) for code in sorted(set().union(*(t.statuses for t in tallies)))
        ),
        "socket_errors": sum(tally.socket_errors for tally in tallies),
        "p50_us": _percentile(latencies, 50),
        "p99_us": _percentile(latencies, 99),
        "max_us": latencies[-1] if latencies else 0,
        "rate": args.rate,
        "lag_p99_us": _percentile(lags, 99),
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
    return asyncio.run(_open_loop(job) if job.rate > 0 else _closed_loop(job))


# Closed loop


async def _closed_loop(job: _Job) -> _Tally:
    tally = _Tally()
    deadline = time.perf_counter() + job.duration
    await asyncio.gather(
        *(_connection(job, tally, deadline, number) for number in range(job.connections))
    )
    return tally


async def _connection(job: _Job, tally: _Tally, deadline: float, number: int) -> None:
    host, port, path = _address(job.url)
    counter = 0
    if job.method == "PUT" and job.ids:
        # One connector per connection, so concurrent writes do not meet on one row.
        path = _path_of(path, job.ids[(job.first + number) % len(job.ids)])
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
                status, keep_alive = await asyncio.wait_for(_read_response(reader), _TIMEOUT_S)
                tally.record(status, time.perf_counter() - sent)
                if not keep_alive:
                    break
        except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
            tally.socket_errors += 1
        finally:
            writer.close()


# Open loop


async def _open_loop(job: _Job) -> _Tally:
    tally = _Tally()
    host, port, path = _address(job.url)
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(job.connections):
        idle.put_nowait(await asyncio.open_connection(host, port))
    interval = 1.0 / job.rate
    total = int(job.duration * job.rate)
    start = time.perf_counter() + interval * job.phase
    in_flight = set()
    for index in range(total):
        due = start + index * interval
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        target = path
        if job.method == "PUT" and job.ids:
            # Round-robin over the connectors: rows meet only when more requests are in
            # flight than there are connectors.
            target = _path_of(path, job.ids[(job.first + index) % len(job.ids)])
        request = _request(job, target, f"{job.worker}-{index}")
        task = asyncio.create_task(_due_request(idle, tally, request, due, (host, port)))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await asyncio.gather(*in_flight)
    while not idle.empty():
        _, writer = idle.get_nowait()
        writer.close()
    return tally


async def _due_request(
    idle: asyncio.Queue[_Connection],
    tally: _Tally,
    request: bytes,
    due: float,
    address: tuple[str, int],
) -> None:
    # Every wait after `due` (for a connection, for the loop, for the answer) is latency.
    reader, writer = await idle.get()
    tally.lags_us.append(int((time.perf_counter() - due) * 1e6))
    try:
        writer.write(request)
        status, keep_alive = await asyncio.wait_for(_read_response(reader), _TIMEOUT_S)
        tally.record(status, time.perf_counter() - due)
    except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
        tally.socket_errors += 1
        keep_alive = False
    if not keep_alive:
        writer.close()
        try:
            reader, writer = await asyncio.open_connection(*address)
        except OSError:
            tally.socket_errors += 1
            return
    idle.put_nowait((reader, writer))


# HTTP


def _address(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80, parts.path


def _path_of(path: str, connector_id: str) -> str:
    return path.rsplit("/", 1)[0] + "/" + connector_id


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
