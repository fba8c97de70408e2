"""Rules about operations: ids, summaries, tags, responses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.spec import Bundle

__all__ = [
    "operation_has_declared_tag",
    "operation_has_error_response",
    "operation_has_operation_id",
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


@rule(
    "operation-has-operation-id",
    level=Level.WARNING,
    peers=("spectral:operation-operationId", "redocly:operation-operationId"),
)
def operation_has_operation_id(bundle: Bundle) -> Found:
    """Every operation has an operationId.

    The operationId is optional (OAS 3.1 4.8.10.1), but it is the operation's only stable
    name: generated clients and servers name their methods after it, and links refer to
    operations by it (OAS 3.1 4.8.20). Without one each tool makes up a name from the method
    and path, which changes when the path does. A warning: the spec is valid without it.
    """
    for pointer, operation in _operations(bundle):
        if operation.get("operationId") is None:
            yield pointer, "operation has no operationId"


@rule("operation-id-is-camel-case", level=Level.WARNING, default=False)
def operation_id_is_camel_case(bundle: Bundle) -> Found:
    """Every operationId is written in camelCase.

    A house rule: the OpenAPI Specification puts no constraint on the form of an operationId
    beyond its uniqueness, and many published specs use snake_case, kebab-case or dotted ids
    (`pets.list`). Consistent camelCase ids give generated method names one style without
    renaming. Off unless selected; an operation without an id is
    `operation-has-operation-id`'s to report.
    """
    for pointer, operation in _operations(bundle):
        operation_id = operation.get("operationId")
        if operation_id is not None and (
            not isinstance(operation_id, str) or not _CAMEL.match(operation_id)
        ):
            yield (*pointer, "operationId"), f"operationId {operation_id!r} is not camelCase"


@rule(
    "operation-id-is-unique",
    peers=("spectral:operation-operationId-unique", "redocly:operation-operationId-unique"),
)
def operation_id_is_unique(bundle: Bundle) -> Found:
    """No two operations share an operationId.

    OAS 3.1 4.8.10.1 (3.0 4.7.10.1): "The id MUST be unique among all operations described in
    the API." Tools key operations by their id: a generated client gets two methods of one
    name (one hides the other) and a link's `operationId` (OAS 3.1 4.8.20) names two
    operations at once. The finding is at the second use and names the first.
    """
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


@rule("operation-has-summary", level=Level.WARNING, peers=("redocly:operation-summary",))
def operation_has_summary(bundle: Bundle) -> Found:
    """Every operation has a non-empty summary.

    The summary is optional (OAS 3.1 4.8.10.1); documentation renderers use it as the
    operation's title and generators as the first line of a method's docstring, and fall
    back to the method and path without it. A warning, as in Redocly's `recommended`.
    """
    for pointer, operation in _operations(bundle):
        if not str(operation.get("summary") or "").strip():
            yield pointer, "operation has no summary"


@rule(
    "operation-has-declared-tag",
    level=Level.WARNING,
    peers=(
        "spectral:operation-tags",
        "spectral:operation-tag-defined",
        "redocly:operation-tag-defined",
    ),
)
def operation_has_declared_tag(bundle: Bundle) -> Found:
    """Every operation has a tag, and its tags are declared at the top level.

    Tags group operations in documentation and in generated code (this project generates one
    server protocol per tag). OAS allows undeclared tags ("Not all tags that are used by the
    Operation Object must be declared", OAS 3.1 4.8.1.1), but a tag declared at the top level
    carries its description and order, and a misspelt tag shows up as an undeclared one. A
    warning, as Spectral's operation-tags and operation-tag-defined are.
    """
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


@rule(
    "operation-has-success-response",
    level=Level.WARNING,
    peers=("spectral:operation-success-response", "redocly:operation-2xx-response"),
)
def operation_has_success_response(bundle: Bundle) -> Found:
    """Every operation documents at least one 2xx response.

    "Documentation is expected to cover a successful operation response and any known
    errors" (OAS 3.1 4.8.16, 3.0 4.7.16). Without a 2xx a client has no type for what a call
    returns. A warning: an operation whose answer is a redirect, or only `default`, can be
    deliberate.
    """
    for pointer, operation in _operations(bundle):
        codes = [str(code) for code in (operation.get("responses") or {})]
        if not any(code.startswith("2") for code in codes):
            yield (*pointer, "responses"), "operation documents no 2xx response"


@rule(
    "operation-has-error-response",
    level=Level.WARNING,
    peers=("redocly:operation-4xx-response",),
)
def operation_has_error_response(bundle: Bundle) -> Found:
    """Every operation documents at least one 4xx response.

    Every operation can be called wrongly (a bad parameter, a missing credential), so a
    client meets 4xx answers whether or not the spec lists them; listed, they come with a
    schema that clients can parse. OAS expects "any known errors" to be documented (OAS 3.1
    4.8.16) but requires none, so this is a warning, as in Redocly's `recommended`.
    """
    for pointer, operation in _operations(bundle):
        codes = [str(code) for code in (operation.get("responses") or {})]
        if not any(code.startswith("4") for code in codes):
            yield (*pointer, "responses"), "operation documents no 4xx response"
