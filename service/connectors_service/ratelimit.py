"""Per-key request limits in fixed one-minute windows, in process or shared through Redis.

Windows are aligned to the wall clock: window `w = floor(now / 60)` runs from `60 w` to
`60 (w + 1)`. `reset_seconds` is the time left in the current window rounded up, so it is
always 1 to 60 (never 0: at the instant a window ends the next one starts with 60 left), and
`X-RateLimit-Reset` carries it as delta seconds, as in the IETF RateLimit header draft
(draft-ietf-httpapi-ratelimit-headers), not as an epoch. Every `hit` counts, refused ones
included, which is what INCR gives and what keeps a client that hammers from gaining anything.
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis
from redis.exceptions import RedisError

from connectors_service.settings import Settings

__all__ = [
    "WINDOW_SECONDS",
    "InProcessRateLimiter",
    "RateLimiter",
    "RateState",
    "RedisRateLimiter",
    "create_rate_limiter",
]

_log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# A Redis key outlives its window by this margin, so a process whose clock runs a little
# behind still finds the count of a window that the others already left.
_EXPIRY_MARGIN_SECONDS = 60
# After a failed Redis call the limiter fails open without calling Redis for this long, so
# an outage costs one connection timeout every few seconds instead of one per request.
_OUTAGE_BACKOFF_SECONDS = 5.0
# Short socket timeouts: the limiter runs on every request and must not stall it.
_REDIS_TIMEOUT_SECONDS = 0.5

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class RateState:
    """Where a key stands in its current window."""

    limit: int
    remaining: int
    reset_seconds: int
    allowed: bool

    @property
    def retry_after(self) -> int:
        """Seconds a refused caller should wait (`Retry-After`, RFC 9110 10.2.3); 0 if allowed."""
        return 0 if self.allowed else max(1, self.reset_seconds)

    def headers(self) -> dict[str, str]:
        """The `X-RateLimit-*` response headers; `Reset` is delta seconds, 1 to 60."""
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }


class RateLimiter(Protocol):
    """Counts requests per key against a limit per minute."""

    def hit(self, key: str) -> RateState:
        """Count one request for `key`; `allowed` says whether it is within the limit."""

    def peek(self, key: str) -> RateState:
        """Report `key`'s state without counting; `allowed` says whether a next hit would be."""


def _window(now: float) -> tuple[int, int]:
    # (window number, seconds until it ends rounded up); now < end, so the second is >= 1.
    window = math.floor(now / WINDOW_SECONDS)
    end = (window + 1) * WINDOW_SECONDS
    return window, max(1, math.ceil(end - now))


def _state(*, limit: int, count: int, reset_seconds: int, counted: bool) -> RateState:
    # After a hit, the count includes this request, which is allowed while count <= limit;
    # a peek asks about the next request, allowed while count < limit.
    allowed = count <= limit if counted else count < limit
    return RateState(
        limit=limit,
        remaining=max(0, limit - count),
        reset_seconds=reset_seconds,
        allowed=allowed,
    )


def _check_limit(limit_per_minute: int) -> None:
    if limit_per_minute < 1:
        raise ValueError(f"limit_per_minute must be at least 1, got {limit_per_minute}")


class InProcessRateLimiter:
    """A limiter for one process: counts live in memory, guarded by a lock."""

    def __init__(self, limit_per_minute: int, *, clock: Clock = time.time) -> None:
        _check_limit(limit_per_minute)
        self._limit = limit_per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._window = -1
        # Counts of the current window only: older windows are dropped as soon as a request
        # arrives in a newer one, so memory stays bounded by one minute's distinct keys.
        self._counts: dict[str, int] = {}

    def hit(self, key: str) -> RateState:
        """Count one request for `key`; `allowed` says whether it is within the limit."""
        return self._count(key, increment=1)

    def peek(self, key: str) -> RateState:
        """Report `key`'s state without counting; `allowed` says whether a next hit would be."""
        return self._count(key, increment=0)

    def _count(self, key: str, *, increment: int) -> RateState:
        window, reset_seconds = _window(self._clock())
        with self._lock:
            if window > self._window:
                self._window = window
                self._counts.clear()
            if window == self._window:
                count = self._counts.get(key, 0) + increment
                if increment:
                    self._counts[key] = count
            else:
                # The clock went back into an already dropped window: its counts are gone,
                # so this request counts alone rather than against the newer window.
                count = increment
        return _state(
            limit=self._limit, count=count, reset_seconds=reset_seconds, counted=increment > 0
        )


class RedisRateLimiter:
    """A limiter shared by every process that uses the same Redis and prefix.

    If Redis cannot be reached the limiter fails open: the request is allowed and one warning
    is logged per outage. The limit protects the service from overload; an outage of the
    limiter's store must not turn into an outage of the API.
    """

    def __init__(
        self,
        url: str,
        limit_per_minute: int,
        *,
        clock: Clock = time.time,
        prefix: str = "connectors:rl:",
    ) -> None:
        _check_limit(limit_per_minute)
        self._limit = limit_per_minute
        self._clock = clock
        self._prefix = prefix
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=_REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=_REDIS_TIMEOUT_SECONDS,
        )
        self._lock = threading.Lock()
        self._failing = False
        self._retry_at = 0.0

    def hit(self, key: str) -> RateState:
        """Count one request for `key`; allowed without counting while Redis is unreachable."""
        now = self._clock()
        window, reset_seconds = _window(now)
        redis_key = f"{self._prefix}{key}:{window}"
        if not self._redis_usable(now):
            return self._open(reset_seconds)
        try:
            # One round trip; MULTI/EXEC so the key never exists without its expiry.
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(redis_key)
                pipe.expire(redis_key, reset_seconds + _EXPIRY_MARGIN_SECONDS)
                count, _ = pipe.execute()
        except RedisError as error:
            self._record_failure(now, error)
            return self._open(reset_seconds)
        self._record_success()
        return _state(
            limit=self._limit, count=int(count), reset_seconds=reset_seconds, counted=True
        )

    def peek(self, key: str) -> RateState:
        """Report `key`'s state without counting; a full allowance while Redis is unreachable."""
        now = self._clock()
        window, reset_seconds = _window(now)
        if not self._redis_usable(now):
            return self._open(reset_seconds)
        try:
            raw = self._redis.get(f"{self._prefix}{key}:{window}")
        except RedisError as error:
            self._record_failure(now, error)
            return self._open(reset_seconds)
        self._record_success()
        count = 0 if raw is None else int(raw)
        return _state(limit=self._limit, count=count, reset_seconds=reset_seconds, counted=False)

    def close(self) -> None:
        """Close the connections to Redis."""
        self._redis.close()

    def _open(self, reset_seconds: int) -> RateState:
        return RateState(
            limit=self._limit, remaining=self._limit, reset_seconds=reset_seconds, allowed=True
        )

    def _redis_usable(self, now: float) -> bool:
        with self._lock:
            return not self._failing or now >= self._retry_at

    def _record_failure(self, now: float, error: RedisError) -> None:
        with self._lock:
            first = not self._failing
            self._failing = True
            self._retry_at = now + _OUTAGE_BACKOFF_SECONDS
        if first:
            # The URL may carry a password, so only the error's class is logged.
            _log.warning(
                "rate limiter cannot reach Redis (%s); requests are allowed unlimited until "
                "it is back",
                type(error).__name__,
            )

    def _record_success(self) -> None:
        with self._lock:
            recovered = self._failing
            self._failing = False
        if recovered:
            _log.warning("rate limiter reaches Redis again; limits apply")


def create_rate_limiter(settings: Settings) -> RateLimiter:
    """The limiter the settings ask for: shared through Redis when `redis_url` is set."""
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url, settings.rate_limit_per_minute)
    return InProcessRateLimiter(settings.rate_limit_per_minute)
