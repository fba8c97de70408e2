"""The last line of defence of `oaskit fuzz`: nothing leaves for an origin other than `--url`.

`_offline` removes what would make schemathesis reach elsewhere before the engine sees the spec;
this module refuses whatever still tries, while a run lasts, and records each attempt:

* every request `requests` would put on the wire (`HTTPAdapter.send`, which each hop of a
  redirect goes through too) whose origin (RFC 6454 section 4: scheme, host, port) is not the
  target's; with an ASGI app in process no request may go out at all. The engine's sessions,
  its `requests.get` for `externalValue` (`specs/openapi/examples.py`) and for remote `$ref`s
  (`core/jsonschema/resolver.py`) all pass there. Proxies from the environment (`HTTP_PROXY`,
  `HTTPS_PROXY`, `ALL_PROXY`) are dropped: a proxy is another host.
* every document schemathesis' reference registry would retrieve (`resolver.retrieve`, given to
  `jsonschema_rs.Registry`, which follows a `$ref` anywhere in the document, literal example
  data included): the bundled spec holds everything a run needs, so a retrieval can only reach
  outside it, over the network or to a local file.

The ASGI transport's own adapter overrides `send` and never reaches the network, so in-process
requests are not affected.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from schemathesis.core.jsonschema import resolver

__all__ = [
    "Confinement",
    "OffOriginRequestError",
    "Origin",
    "RetrievalRefusedError",
    "confined",
    "origin_of",
]

# (scheme, host, port), as RFC 6454 section 4 compares origins.
Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


class OffOriginRequestError(requests.exceptions.InvalidURL):
    """A request `oaskit fuzz` refused to send because its URL is not at the target's origin."""

    # Not a `ConnectionError`: schemathesis would take that for the server going down
    # (`engine/outage.py::is_down`) and stop the run; this is one refused case.


class RetrievalRefusedError(OSError):
    """A document schemathesis' reference registry asked for; a fuzz run retrieves none."""


@dataclass
class Confinement:
    """One run's allowed origin (None: no network at all) and what it refused, in order."""

    allowed: Origin | None
    refused: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set, repr=False)

    def allows(self, url: str) -> bool:
        """Whether a request to `url` may be sent."""
        return self.allowed is not None and origin_of(url) == self.allowed

    def record(self, attempt: str) -> None:
        """Note `attempt` once, however often it was tried."""
        if attempt not in self._seen:
            self._seen.add(attempt)
            self.refused.append(attempt)


def origin_of(url: str) -> Origin | None:
    """The origin of an http(s) `url`, the default port made explicit; None for anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    default = _DEFAULT_PORTS.get(scheme)
    try:
        port = parts.port
    except ValueError:
        return None
    if default is None or not parts.hostname:
        return None
    return scheme, parts.hostname, port or default


@contextmanager
def confined(base_url: str | None) -> Iterator[Confinement]:
    """Refuse, while the block runs, any request not at `base_url`'s origin (None: any request)."""
    confinement = Confinement(origin_of(base_url) if base_url is not None else None)
    with _LOCK:
        if not _ACTIVE:
            _install()
        _ACTIVE.append(confinement)
    try:
        yield confinement
    finally:
        with _LOCK:
            _ACTIVE.remove(confinement)
            if not _ACTIVE:
                _uninstall()


# Runs may overlap (a test suite, threads): the guards are installed while any run is active,
# and a request passes when one of them allows it.
_LOCK = threading.Lock()
_ACTIVE: list[Confinement] = []
_ORIGINAL_SEND = HTTPAdapter.send
_ORIGINAL_RETRIEVE = resolver.retrieve


def _guarded_send(
    self: HTTPAdapter,
    request: requests.PreparedRequest,
    stream: bool = False,
    timeout: Any = None,
    verify: bool | str = True,
    cert: Any = None,
    proxies: dict[str, str] | None = None,
) -> requests.Response:
    url = request.url or ""
    with _LOCK:
        active = list(_ACTIVE)
    if active and not any(confinement.allows(url) for confinement in active):
        attempt = f"{request.method} {url}"
        for confinement in active:
            confinement.record(attempt)
        raise OffOriginRequestError(
            f"oaskit fuzz sends requests only to the origin under test; refused {attempt}",
            request=request,
        )
    # `proxies` holds what `Session.merge_environment_settings` read from HTTP_PROXY and the
    # like; with none the adapter connects to the target itself.
    return _ORIGINAL_SEND(
        self,
        request,
        stream=stream,
        timeout=timeout,
        verify=verify,
        cert=cert,
        proxies={} if active else proxies,
    )


def _refused_retrieve(uri: str) -> Any:
    with _LOCK:
        active = list(_ACTIVE)
    for confinement in active:
        confinement.record(f"retrieve {uri}")
    raise RetrievalRefusedError(f"oaskit fuzz retrieves no documents; refused {uri}")


def _install() -> None:
    # Attribute assignment rather than a subclass: schemathesis builds its sessions and its
    # registry itself (`engine/context.py::make_session`, `resolver.build_registry`, which reads
    # the module's `retrieve` when it is called) and offers no hook to pass either in.
    setattr(HTTPAdapter, "send", _guarded_send)  # noqa: B010 - mypy refuses assigning a method
    resolver.retrieve = _refused_retrieve


def _uninstall() -> None:
    setattr(HTTPAdapter, "send", _ORIGINAL_SEND)  # noqa: B010 - see `_install`
    resolver.retrieve = _ORIGINAL_RETRIEVE
