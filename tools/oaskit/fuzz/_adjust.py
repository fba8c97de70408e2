"""Last-moment edits to each case: fresh values where reuse is refused, current entity tags
and the current values of members a server sets once.

A generated case reuses what the spec shows: an `Idempotency-Key` example sent with another
body is refused (draft-ietf-httpapi-idempotency-key-header-06 section 2.7: 422), and an `If-Match`
example names no version the server holds (RFC 9110 section 13.1.1: 412). Such a run tests the
refusal over and over and the success path hardly ever. These edits run in schemathesis'
`before_call` hook, after generation, link resolution and overrides; schemathesis then
revalidates the parts an edit touched (`generation/case.py::Case.call`). Only parts generated
valid are edited, with valid values, so every case keeps the mode it was generated in.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from schemathesis.core.parameters import ParameterLocation
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext
from schemathesis.schemas import BaseSchema

from oaskit.fuzz._options import CurrentTarget, FreshTarget

# RFC 9110 section 13.1.1: `If-Match: *` holds for any current representation; it stays as is.
_ANY = "*"


class CaseAdjuster:
    """Gives fresh targets new values and `If-Match` the last entity tag seen for its URL."""

    def __init__(
        self,
        *,
        fresh: Sequence[FreshTarget] = (),
        track_etags: bool = False,
        current: Sequence[CurrentTarget] = (),
        base_path: str = "",
    ) -> None:
        self._fresh = tuple(fresh)
        self._track_etags = track_etags
        self._current = tuple(current)
        # The last successful JSON response body by request path, for `current` targets.
        self._bodies: dict[str, Any] = {}
        self._base_path = base_path.rstrip("/")
        # A letter first, then lower-case hex: a value most identifier patterns accept. The
        # run's own prefix keeps values apart from earlier runs' against the same server (an
        # idempotency record outlives the run).
        self._prefix = f"f{uuid.uuid4().hex[:12]}"
        self._counter = 0
        # Current entity tag by request path below the base URL; workers share it.
        self._etags: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        """Whether there is anything to edit."""
        return bool(self._fresh) or self._track_etags or bool(self._current)

    def fresh_value(self) -> str:
        """A value no other case of this run gets."""
        with self._lock:
            self._counter += 1
            return f"{self._prefix}{self._counter:012x}"

    def before_call(self, case: Case[Any]) -> None:
        """Edit `case` in place before it is sent; a part generated to be invalid stays as is.

        An edit makes schemathesis revalidate the part it touched and re-derive the case's
        mode; were the part meant to be invalid (a missing `Authorization`, an overlong
        `If-Match`), the case would count as valid and be sent so, or be judged as if it were
        invalid though it is not. Parts generated valid stay valid: a fresh value or the current
        tag takes the place of another valid one, so the rest of a negative case (an invalid
        body) is still what the server sees first after its preconditions.
        """
        meta = case.meta
        headers_invalid = meta is not None and meta.is_negative_at(ParameterLocation.HEADER)
        body_invalid = meta is not None and meta.is_negative_at(ParameterLocation.BODY)
        operation_id = case.operation.definition.raw.get("operationId")
        for target in self._fresh:
            if target.operation_id is not None and target.operation_id != operation_id:
                continue
            if target.header is not None and not headers_invalid:
                name = _present(case.headers, target.header)
                if name is not None:
                    assert case.headers is not None  # `_present` found the header in it
                    case.headers[name] = self.fresh_value()
            elif (
                target.pointer is not None
                and not body_invalid
                and _has_string(case.body, target.pointer)
            ):
                case.body = _replaced(case.body, target.pointer, self.fresh_value())
        if self._current and not body_invalid:
            self._send_current(case, operation_id)
        if self._track_etags and not headers_invalid:
            name = _present(case.headers, "If-Match")
            if name is not None:
                assert case.headers is not None
                with self._lock:
                    current = self._etags.get(case.formatted_path)
                if current is not None and case.headers[name] != _ANY:
                    case.headers[name] = current

    def _send_current(self, case: Case[Any], operation_id: object) -> None:
        with self._lock:
            seen = self._bodies.get(case.formatted_path, _NOTHING)
        if seen is _NOTHING:
            return
        for target in self._current:
            if target.operation_id is not None and target.operation_id != operation_id:
                continue
            value = _at(seen, target.source)
            # Only a member the case sends is set: an absent one is already what is stored.
            if value is not _NOTHING and _at(case.body, target.pointer) is not _NOTHING:
                case.body = _replaced(case.body, target.pointer, value)

    def after_call(self, case: Case[Any], response: Response) -> None:
        """Remember what a successful response says of its resource, or forget a deleted one."""
        if not 200 <= response.status_code < 300:
            return
        path = self._resource_path(case, response)
        if path is None:
            return
        if case.method.upper() == "DELETE":
            with self._lock:
                self._etags.pop(path, None)
                self._bodies.pop(path, None)
            return
        etag = _first(response.headers, "etag") if self._track_etags else None
        body = _json(response) if self._current else _NOTHING
        with self._lock:
            if etag is not None:
                self._etags[path] = etag
            if body is not _NOTHING:
                self._bodies[path] = body

    def _resource_path(self, case: Case[Any], response: Response) -> str | None:
        """The path, below the base URL, of the resource `response` describes."""
        if response.status_code != 201:
            return case.formatted_path
        # RFC 9110 section 15.3.2: a 201's validator fields describe the created resource,
        # which `Location` identifies (section 10.2.2).
        location = _first(response.headers, "location")
        return None if location is None else self._below_base(urlsplit(location).path)

    def _below_base(self, path: str) -> str:
        if self._base_path and path.startswith(f"{self._base_path}/"):
            return path[len(self._base_path) :]
        return path


@contextmanager
def adjusting(schema: BaseSchema, adjuster: CaseAdjuster) -> Iterator[None]:
    """Apply `adjuster` to every case of `schema` sent while the block runs.

    `Case.call` dispatches `before_call` to the global dispatcher only, so the hooks are global
    for the block's duration and ignore cases of any other schema.
    """
    if not adjuster.active:
        yield
        return

    def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
        if case.operation.schema is schema:
            adjuster.before_call(case)

    def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
        if case.operation.schema is schema:
            adjuster.after_call(case, response)

    GLOBAL_HOOK_DISPATCHER.register_hook_with_name(before_call, "before_call")
    GLOBAL_HOOK_DISPATCHER.register_hook_with_name(after_call, "after_call")
    try:
        yield
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)
        GLOBAL_HOOK_DISPATCHER.unregister(after_call)


def _present(headers: Mapping[str, Any] | None, wanted: str) -> str | None:
    """The name `wanted` is spelled with in `headers`; names are case-insensitive (RFC 9110 5.1)."""
    for name in headers or {}:
        if name.lower() == wanted.lower():
            return name
    return None


def _json(response: Response) -> Any:
    """The response's JSON body, or _NOTHING when it has none."""
    try:
        return response.json()
    except ValueError:
        return _NOTHING


def _first(headers: Mapping[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if values else None


# Stands for "no value here", where `None` is JSON's null.
_NOTHING: Any = object()


def _at(document: object, pointer: tuple[str, ...]) -> Any:
    """The value at `pointer` in `document` (RFC 6901), or _NOTHING."""
    node = document
    for token in pointer:
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _NOTHING
    return node


def _has_string(body: object, pointer: tuple[str, ...]) -> bool:
    node = body
    for token in pointer:
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return isinstance(node, str)


def _replaced(body: Any, pointer: tuple[str, ...], value: Any) -> Any:
    """A copy of `body` with the value at `pointer` replaced; the generated body stays as is."""
    if not pointer:
        return value
    head, rest = pointer[0], pointer[1:]
    if isinstance(body, Mapping):
        return {**body, head: _replaced(body[head], rest, value)}
    copy = list(body)
    copy[int(head)] = _replaced(copy[int(head)], rest, value)
    return copy
