"""Pure ASGI middleware: request ids, standard headers, body limit, 500s, one log line each."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectors_service.context import choose_request_id, standard_headers
from connectors_service.domain import DomainError

__all__ = ["RequestContextMiddleware"]

access_log = logging.getLogger("connectors_service.access")
# Made once: json.dumps with any option builds a new encoder on every call.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))
error_log = logging.getLogger("connectors_service.errors")


class RequestContextMiddleware:
    """Request id, standard headers, body limit (413), last-resort 500s; one log line each."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        render: Callable[[Request, Exception], Response],
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        offered_id, declared_length = _read_headers(scope)
        scope.setdefault("state", {})["request_id"] = choose_request_id(offered_id)
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = _with_defaults(
                    message.get("headers", ()), standard_headers(Request(scope))
                )
            await send(message)

        try:
            await self.app(scope, self._limited(declared_length, receive), send_with_headers)
        except Exception as exc:
            if response_started:
                raise
            # Logged without the request body or query: either could carry a secret.
            error_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            response = self.render(Request(scope), exc)
            await response(scope, receive, send_with_headers)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                _log_access(
                    {
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "request_id": scope["state"]["request_id"],
                    }
                )

    def _limited(self, declared: str | None, receive: Receive) -> Receive:
        # A body over the limit fails where the route reads it, so the dialect's error
        # handler answers 413 in its own envelope; nothing past the limit is buffered.
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:

            async def refuse() -> Message:
                raise _too_large()

            return refuse
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise _too_large()
            return message

        return counting


def _too_large() -> DomainError:
    return DomainError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.")


def _read_headers(scope: Scope) -> tuple[str | None, str | None]:
    # One pass over the raw headers for the two this middleware reads. ASGI servers give the
    # names in lower case, which Starlette's Headers relies on too; the first of each wins,
    # as with Headers.get.
    request_id = length = None
    for name, value in scope["headers"]:
        if name == b"x-request-id" and request_id is None:
            request_id = value.decode("latin-1")
        elif name == b"content-length" and length is None:
            length = value.decode("latin-1")
    return request_id, length


def _with_defaults(
    raw: Iterable[tuple[bytes, bytes]], defaults: Mapping[str, str]
) -> list[tuple[bytes, bytes]]:
    # A header the response already has (an error's own X-RateLimit-*, say) is kept.
    headers = list(raw)
    present = {name.lower() for name, _ in headers}
    for name, value in defaults.items():
        encoded = name.lower().encode("latin-1")
        if encoded not in present:
            headers.append((encoded, value.encode("latin-1")))
    return headers


def _log_access(fields: Mapping[str, object]) -> None:
    # Logger.info would walk the stack for the caller's file and line, which this line never
    # shows; the record is made and handed to the handlers directly, as Logger.info would.
    line = _COMPACT_JSON.encode(fields)
    access_log.handle(access_log.makeRecord(access_log.name, logging.INFO, "", 0, line, (), None))
