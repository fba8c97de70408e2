"""Rules about operations: ids, summaries, tags, responses, security."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from oaskit.lint._registry import rule
from oaskit.spec import Bundle

__all__ = [
    "operation_has_declared_tag",
    "operation_has_error_response",
    "operation_has_success_response",
    "operation_has_summary",
    "operation_id_is_camel_case",
    "operation_id_is_unique",
]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
Found = Iterator[tuple[tuple[str | int, ...], str]]


def _operations(bundle: Bundle) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    paths = bundle.data.get("paths") if isinstance(bundle.data, dict) else None
    for path, item in (paths or {}).items():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield ("paths", path, method), operation


@rule("operation-id-is-camel-case")
def operation_id_is_camel_case(bundle: Bundle) -> Found:
    """Every operation has an operationId written in camelCase."""
    for pointer, operation in _operations(bundle):
        operation_id = operation.get("operationId")
        if operation_id is None:
            yield pointer, "operation has no operationId"
        elif not isinstance(operation_id, str) or not _CAMEL.match(operation_id):
            yield (*pointer, "operationId"), f"operationId {operation_id!r} is not camelCase"


@rule("operation-id-is-unique")
def operation_id_is_unique(bundle: Bundle) -> Found:
    """No two operations share an operationId."""
    seen: dict[str, str] = {}
    for pointer, operation in _operations(bundle):
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str):
            continue
        where = f"{str(pointer[2]).upper()} {pointer[1]}"
        if operation_id in seen:
            yield (
                (*pointer, "operationId"),
                f"operationId {operation_id!r} is also used by {seen[operation_id]}",
            )
        else:
            seen[operation_id] = where


@rule("operation-has-summary")
def operation_has_summary(bundle: Bundle) -> Found:
    """Every operation has a non-empty summary."""
    for pointer, operation in _operations(bundle):
        if not str(operation.get("summary") or "").strip():
            yield pointer, "operation has no summary"


@rule("operation-has-declared-tag")
def operation_has_declared_tag(bundle: Bundle) -> Found:
    """Every operation has a tag, and its tags are declared at the top level."""
    declared = {t.get("name") for t in bundle.data.get("tags") or [] if isinstance(t, dict)}
    for pointer, operation in _operations(bundle):
        tags = operation.get("tags") or []
        if not tags:
            yield pointer, "operation has no tag"
        for index, tag in enumerate(tags):
            if tag not in declared:
                yield (
                    (*pointer, "tags", index),
                    f"tag {tag!r} is not declared in the top-level tags",
                )


@rule("operation-has-success-response")
def operation_has_success_response(bundle: Bundle) -> Found:
    """Every operation documents at least one 2xx response."""
    for pointer, operation in _operations(bundle):
        codes = [str(code) for code in (operation.get("responses") or {})]
        if not any(code.startswith("2") for code in codes):
            yield (*pointer, "responses"), "operation documents no 2xx response"


@rule("operation-has-error-response")
def operation_has_error_response(bundle: Bundle) -> Found:
    """Every operation documents at least one 4xx response."""
    for pointer, operation in _operations(bundle):
        codes = [str(code) for code in (operation.get("responses") or {})]
        if not any(code.startswith("4") for code in codes):
            yield (*pointer, "responses"), "operation documents no 4xx response"
