"""Pure ASGI middleware: request ids, standard headers, body limit, 500s, one log line each."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectors_service.context import choose_request_id, standard_headers
from connectors_service.domain import DomainError

__all__ = ["RequestContextMiddleware"]

access_log = logging.getLogger("connectors_service.access")
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
        scope.setdefault("state", {})["request_id"] = choose_request_id(
            Headers(scope=scope).get("x-request-id")
        )
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = MutableHeaders(scope=message)
                for name, value in standard_headers(Request(scope)).items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        try:
            await self.app(scope, self._limited(scope, receive), send_with_headers)
        except Exception as exc:
            if response_started:
                raise
            # Logged without the request body or query: either could carry a secret.
            error_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            response = self.render(Request(scope), exc)
            await response(scope, receive, send_with_headers)
        finally:
            access_log.info(
                json.dumps(
                    {
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                        "request_id": scope["state"]["request_id"],
                    },
                    separators=(",", ":"),
                )
            )

    def _limited(self, scope: Scope, receive: Receive) -> Receive:
        # A body over the limit fails where the route reads it, so the dialect's error
        # handler answers 413 in its own envelope; nothing past the limit is buffered.
        declared = Headers(scope=scope).get("content-length")
        too_large = DomainError(413, "PAYLOAD_TOO_LARGE", "The request body is larger than 1 MiB.")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:

            async def refuse() -> Message:
                raise too_large

            return refuse
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise too_large
            return message

        return counting
