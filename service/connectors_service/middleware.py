"""Pure ASGI middleware: request ids, standard headers, body limit, 500s, one log line each.

Log lines carry no request data: no body, query or path values (a route's template stands
for its path), and for an error its class, its statement's verb and table and the code's
frames, never its message (a driver's message quotes values: a unique key, a bad JSON token).
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectors_service.context import choose_request_id, standard_headers
from connectors_service.domain import DomainError

__all__ = ["RequestContextMiddleware", "describe_error", "route_of"]

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
            # Logged without the request's data or the error's message: either could carry a
            # secret. The frames show where, the classes what.
            error_log.error(
                "unhandled error on %s %s: %s\n%s",
                scope["method"],
                route_of(scope),
                describe_error(exc),
                _frames(exc),
            )
            response = self.render(Request(scope), exc)
            await response(scope, receive, send_with_headers)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                _log_access(
                    {
                        "method": scope["method"],
                        "route": route_of(scope),
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


def route_of(scope: Scope) -> str | None:
    """The template of the route that served the request (`/v1/connectors/{id}`).

    None before routing or when no route matched: the raw path would be request data.
    """
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    # The generated routers' scopes keep the matched endpoint and its parameters but not
    # always the route: each parameter's segment is put back as its name.
    params = scope.get("path_params")
    if "endpoint" not in scope or not isinstance(params, dict):
        return None
    names = {str(value): f"{{{name}}}" for name, value in params.items()}
    if any("/" in value for value in names):
        return None
    return "/".join(names.get(segment, segment) for segment in scope["path"].split("/"))


# The verb and the table a statement names; SQLAlchemy's statements carry their values as
# parameters, and only these two words of them are logged.
_VERB = re.compile(r"\s*([A-Za-z]+)")
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|TABLE)\s+\"?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def statement_name(statement: str) -> str:
    """`SELECT api_keys`, `UPDATE connectors`: what a statement does to which table."""
    verb = _VERB.match(statement)
    if verb is None:
        return "?"
    table = _TABLE.search(statement, verb.start(1))
    return verb.group(1).upper() if table is None else f"{verb.group(1).upper()} {table.group(1)}"


def describe_error(error: BaseException) -> str:
    """The classes of `error` and its causes, with each database statement's name.

    `OperationalError [SELECT api_keys] <- psycopg.errors.QueryCanceled`: no message, no SQL
    text beyond its verb and table, no parameters.
    """
    parts: list[str] = []
    for link in _chain(error):
        kind = type(link)
        part = f"{kind.__module__}.{kind.__qualname__}"
        statement = getattr(link, "statement", None)
        if isinstance(statement, str):
            part += f" [{statement_name(statement)}]"
        parts.append(part)
    return " <- ".join(parts)


def _chain(error: BaseException) -> list[BaseException]:
    links: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in links):
        links.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return links


def _frames(error: BaseException) -> str:
    # File, line, function and the line of code of each frame, the first cause first as
    # Python prints a chain; the frames' variables are never read.
    blocks = []
    for link in reversed(_chain(error)):
        frames = "".join(traceback.format_list(traceback.extract_tb(link.__traceback__)))
        blocks.append(f"{type(link).__qualname__} at:\n{frames}")
    return "".join(blocks)
