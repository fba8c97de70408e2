"""A short-lived, in-process memory of valid API keys, so most requests skip the key lookup.

The key lookup is a database round trip (on PostgreSQL a pooled-connection check and a
transaction as well) and a thread-pool hop on every request; for a single-row read it is half
the request's storage work. Remembering a valid key's principal for `ttl` seconds removes it
from all but one request per key, process and `ttl`.

What it costs: a key revoked with `keys revoke` or `orgs revoke` (another process) keeps
working in a process that looked it up less than `ttl` seconds before the revocation, for the
rest of those `ttl` seconds, never longer: an entry expires `ttl` seconds after its lookup,
however often it is used meanwhile. Unknown and revoked keys are never remembered, so a new
key works at once and a refused key is looked up every time. `ttl` 0 turns the memory off.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

from connectors_service.store import Principal

__all__ = ["KeyCache"]

# Far above the number of keys one deployment has in use; bounds memory against a client
# that sends many valid keys (each entry is a few hundred bytes).
_MAX_ENTRIES = 4096


class KeyCache:
    """Principals of valid keys, each for `ttl` seconds after its lookup."""

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = _MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError(f"ttl must be at least 0, got {ttl}")
        self._ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        # sha256 of the key → (expiry, principal); the plaintext key is not kept in memory.
        self._entries: dict[bytes, tuple[float, Principal]] = {}
        # The event loop reads and writes; the lock keeps the eviction sound should a
        # thread-pool caller ever share the cache.
        self._lock = threading.Lock()

    def get(self, key: str) -> Principal | None:
        """The principal remembered for `key`, or None when unknown or expired."""
        if not self._ttl:
            return None
        digest = _digest(key)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            expires, principal = entry
            if now >= expires:
                del self._entries[digest]
                return None
            return principal

    def put(self, key: str, principal: Principal) -> None:
        """Remember `key` as valid for `principal` from now until `ttl` seconds later."""
        if not self._ttl:
            return
        digest = _digest(key)
        now = self._clock()
        with self._lock:
            if len(self._entries) >= self._max_entries and digest not in self._entries:
                self._evict(now)
            self._entries[digest] = (now + self._ttl, principal)

    def _evict(self, now: float) -> None:
        # Expired entries first; if all are live, forget them all: the next lookups refill
        # the memory, which is cheaper than keeping an order of use on every hit.
        self._entries = {d: e for d, e in self._entries.items() if e[0] > now}
        if len(self._entries) >= self._max_entries:
            self._entries.clear()


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()
