"""One app, several dialects: each path belongs to one, and its errors use that one's envelope."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from connectors_service.domain import DomainError

__all__ = ["Dialect", "ErrorDispatcher"]


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one dialect answers errors: its generated error type and its envelope."""

    name: str
    prefix: str
    error_type: type[Exception]
    to_api_error: Callable[[Exception], Any]
    from_domain: Callable[[DomainError], Any]
    render: Callable[[Request, Any], Response]


class ErrorDispatcher:
    """Picks the dialect by path (longest prefix; the first one is the default).

    `refusals` turn exceptions of other layers (the store's outages) into the `DomainError`
    that answers them, so they are rendered like the domain's own refusals, in every dialect.
    """

    def __init__(
        self,
        dialects: Sequence[Dialect],
        *,
        refusals: Mapping[type[Exception], Callable[[Exception], DomainError]] | None = None,
    ) -> None:
        self._default = dialects[0]
        self._by_prefix = sorted(dialects, key=lambda d: len(d.prefix), reverse=True)
        self._dialects = tuple(dialects)
        self._refusals = dict(refusals or {})

    def dialect_for(self, path: str) -> Dialect:
        """The dialect that owns `path`; unknown paths get the default's envelope."""
        for dialect in self._by_prefix:
            if dialect.prefix and path.startswith(dialect.prefix):
                return dialect
        return self._default

    def render(self, request: Request, exc: Exception) -> Response:
        """The error response for `exc` in the envelope of the request's dialect."""
        dialect = self.dialect_for(request.url.path)
        for kind, refusal in self._refusals.items():
            if isinstance(exc, kind):
                exc = refusal(exc)
                break
        error = (
            dialect.from_domain(exc) if isinstance(exc, DomainError) else dialect.to_api_error(exc)
        )
        return dialect.render(request, error)

    def install(self, app: FastAPI) -> None:
        """Route every error the app can raise through `render`."""

        async def on_error(request: Request, exc: Exception) -> Response:
            return self.render(request, exc)

        kinds: list[type[Exception]] = [DomainError, RequestValidationError, StarletteHTTPException]
        kinds.extend(d.error_type for d in self._dialects)
        kinds.extend(self._refusals)
        for kind in dict.fromkeys(kinds):
            app.add_exception_handler(kind, on_error)
