"""A recording server implementation, and the normalised comparison of what it received.

The generated server calls `await impl.<operation>(request, **arguments)`; `Recorder` answers
every operation with the reply planned for it and keeps the arguments, turned into JSON-like
data, so the harness can compare them with what the client was given.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, RootModel

__all__ = ["Planned", "Recorder", "Refusal", "difference", "materialise", "normalise"]


@dataclass(frozen=True, slots=True)
class Planned:
    """The reply a handler gives: a status and a JSON-like body (None for no body)."""

    status: int
    body: Any


@dataclass(frozen=True, slots=True)
class Refusal:
    """An error the server rendered: what it refused and why, on one line."""

    status: int
    code: str
    message: str
    problems: tuple[str, ...]

    def line(self) -> str:
        """`400 BAD_REQUEST: The request is invalid. [query.limit: …]`, bounded."""
        text = f"{self.status} {self.code}: {self.message}"
        if self.problems:
            text += " [" + "; ".join(self.problems[:3]) + "]"
        return text[:300]


@dataclass
class Recorder:
    """The implementation: one recording handler per operation name, created on demand."""

    reply_type: Callable[..., Any]
    operations: frozenset[str]
    # The generated server's ApiError, raised for a credential that did not arrive.
    error_type: Callable[..., Exception]
    # Where each security scheme's credential is sent, by the spec's scheme name:
    # (header|query|cookie, name); schemes without one (mutual TLS) are not checked.
    schemes: dict[str, tuple[str, str]] = field(default_factory=dict)
    plans: dict[str, Planned] = field(default_factory=dict)
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    refusals: list[Refusal] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        # Only operation names: the server probes optional hooks (`check_before_body`) with
        # `isinstance` against runtime-checkable protocols, which a catch-all would answer.
        if name.startswith("_") or name not in self.operations:
            raise AttributeError(name)

        async def handler(request: Request, **arguments: Any) -> Any:
            try:
                self.received[name] = {
                    k: normalise(await materialise(v)) for k, v in arguments.items()
                }
            except Exception as exc:  # reported as the handler-args stage
                self.crashes.append(f"{name}: normalising arguments: {type(exc).__name__}: {exc}")
                self.received[name] = {}
            plan = self.plans[name]
            return self.reply_type(status=plan.status, body=plan.body)

        return handler

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        """Any credential is good, but it must have arrived where the scheme puts it."""
        if scheme not in self.schemes:
            return
        location, key = self.schemes[scheme]
        found = {
            "header": request.headers,
            "query": request.query_params,
            "cookie": request.cookies,
        }.get(location, {})
        if not found.get(key):
            raise self.error_type(
                401, "NO_CREDENTIALS", f"no {scheme} credential in {location} {key!r}"
            )

    def render_error(self, request: Request, error: Any) -> Response:
        """The error as JSON, kept so a failure can say what was refused and why."""
        problems = tuple(
            f"{getattr(p, 'field', '?')}: {getattr(p, 'code', '?')} {getattr(p, 'message', '')}"
            for p in getattr(error, "problems", ())
        )
        refusal = Refusal(
            status=int(error.status),
            code=str(getattr(error, "code", "")),
            message=str(getattr(error, "message", error)),
            problems=problems,
        )
        self.refusals.append(refusal)
        return JSONResponse(
            {"code": refusal.code, "message": refusal.message, "problems": list(problems)},
            status_code=refusal.status,
            headers=dict(getattr(error, "headers", {}) or {}),
        )


async def materialise(value: Any) -> Any:
    """`value` with uploaded files (anything with a `read` method) replaced by their bytes."""
    if isinstance(value, BaseModel | str | bytes | bytearray | enum.Enum):
        return value
    if isinstance(value, Mapping):
        return {k: await materialise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [await materialise(v) for v in value]
    read = getattr(value, "read", None)
    if callable(read):
        # Starlette's UploadFile reads asynchronously, a plain stream synchronously.
        content = read()
        if isinstance(content, Awaitable):
            content = await content
        return content
    return value


def normalise(value: Any) -> Any:
    """`value` as JSON-like data: models dumped by alias (set members only), enums by value."""
    if isinstance(value, RootModel):
        return normalise(value.root)
    if isinstance(value, BaseModel):
        dumped = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        return normalise(dumped)
    if isinstance(value, enum.Enum):
        return normalise(value.value)
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [normalise(v) for v in value]
    # UUIDs, decimals, IP addresses, URLs: their text is what was sent.
    return str(value)


def difference(sent: Any, got: Any, where: str = "") -> str | None:
    """Where `got` differs from `sent`, on one line; None when they agree.

    Lenient where a faithful transport may differ: 1 and 1.0, text and its UTF-8 bytes, and
    members the receiver added as null.
    """
    place = where or "value"
    if isinstance(sent, bytes) and isinstance(got, str):
        got = got.encode()
    if isinstance(got, bytes) and isinstance(sent, str):
        sent = sent.encode()
    if isinstance(sent, bool) or isinstance(got, bool):
        return None if sent is got else f"{place}: sent {sent!r}, got {_short(got)}"
    if isinstance(sent, int | float) and isinstance(got, int | float):
        return None if float(sent) == float(got) else f"{place}: sent {sent!r}, got {got!r}"
    if isinstance(sent, dict) and isinstance(got, dict):
        for key, item in sent.items():
            if key not in got:
                return f"{place}.{key}: sent {_short(item)}, missing"
            found = difference(item, got[key], f"{place}.{key}")
            if found:
                return found
        extra = [k for k, v in got.items() if k not in sent and v is not None]
        return f"{place}: unexpected members {extra[:3]}" if extra else None
    if isinstance(sent, list) and isinstance(got, list):
        if len(sent) != len(got):
            return f"{place}: sent {len(sent)} items, got {len(got)}: {_short(got)}"
        for index, (a, b) in enumerate(zip(sent, got, strict=True)):
            found = difference(a, b, f"{place}[{index}]")
            if found:
                return found
        return None
    if sent == got or (isinstance(sent, str) and isinstance(got, str) and _same_time(sent, got)):
        return None
    return f"{place}: sent {_short(sent)}, got {_short(got)}"


def _same_time(sent: str, got: str) -> bool:
    # `10:20:30Z` and `10:20:30.000Z` are one instant; serialisers differ in the fraction.
    try:
        return datetime.datetime.fromisoformat(sent) == datetime.datetime.fromisoformat(got)
    except ValueError:
        return False


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
