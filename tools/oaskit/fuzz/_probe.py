"""A check that a live server answers before schemathesis spends its budget on it."""

from __future__ import annotations

import httpx

from oaskit.fuzz._errors import FuzzUsageError

PROBE_TIMEOUT = 5.0


def ensure_reachable(base_url: str, *, timeout: float = PROBE_TIMEOUT) -> None:
    """Raise `FuzzUsageError` unless something at `base_url` answers HTTP, whatever the status."""
    try:
        # Any response proves a server listens; what the status says is the API's business.
        # No redirect is followed and no proxy from the environment used: the probe, like the
        # run, talks to `base_url` alone.
        httpx.get(base_url, timeout=timeout, follow_redirects=False, trust_env=False)
    except httpx.TransportError as exc:
        raise FuzzUsageError(f"cannot reach {base_url}: {_describe(exc)}") from None


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    # httpx wraps the socket error; its `strerror` ("Connection refused") is the useful part.
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        cause = cause.__cause__ or cause.__context__
    return str(exc).lower() or type(exc).__name__
