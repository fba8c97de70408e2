"""Which operations a fuzz run covers: `--include`/`--exclude` filters by id, path or tag."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from schemathesis.schemas import BaseSchema

from oaskit.fuzz._errors import FuzzUsageError

FilterKind = Literal["operation-id", "path", "tag"]
FILTER_KINDS: tuple[FilterKind, ...] = ("operation-id", "path", "tag")
_KINDS: dict[str, FilterKind] = {kind: kind for kind in FILTER_KINDS}
# The path-item keys that are operations (OAS 3.1 section 4.8.9); the rest are shared fields.
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@dataclass(frozen=True)
class OperationFilter:
    """One `--include`/`--exclude` value: an operation id, a spec path or a tag."""

    kind: FilterKind
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class _Operation:
    label: str
    path: str
    operation_id: str | None
    tags: frozenset[str]


def parse_operation_filter(text: str) -> OperationFilter:
    """Read `operation-id:ID`, `path:/a/{b}`, `tag:NAME`, or a bare ID (an operation id)."""
    kind, sep, value = text.partition(":")
    if not sep:
        kind, value = "operation-id", text
    value = value.strip()
    kind = kind.strip()
    if kind not in FILTER_KINDS:
        raise FuzzUsageError(
            f"operation filter {text!r} is not KIND:VALUE with KIND one of"
            f" {', '.join(FILTER_KINDS)} (a bare value is an operation id)"
        )
    if not value:
        raise FuzzUsageError(f"operation filter {text!r} has an empty value")
    if kind == "path" and not value.startswith("/"):
        raise FuzzUsageError(f"operation filter {text!r}: a path starts with '/'")
    return OperationFilter(_KINDS[kind], value)


def selected_operations(
    spec: Mapping[str, Any],
    *,
    include: tuple[OperationFilter, ...],
    exclude: tuple[OperationFilter, ...],
) -> tuple[str, ...]:
    """Labels (`GET /a/{b}`) of the operations of `spec` the filters keep; each must match one."""
    operations = list(_operations(spec))
    for option, filters in (("--include", include), ("--exclude", exclude)):
        for item in filters:
            if not any(_matches(item, operation) for operation in operations):
                raise FuzzUsageError(
                    f"{option} {item} matches no operation in the spec{_known(item, operations)}"
                )
    selected = tuple(
        operation.label
        for operation in operations
        if (not include or any(_matches(item, operation) for item in include))
        and not any(_matches(item, operation) for item in exclude)
    )
    if operations and not selected:
        raise FuzzUsageError("--include/--exclude leave no operation to fuzz")
    return selected


def operation_ids(spec: Mapping[str, Any]) -> dict[str, str]:
    """The operationId of each operation of `spec` that has one, by label (`GET /a/{b}`)."""
    return {
        operation.label: operation.operation_id
        for operation in _operations(spec)
        if operation.operation_id is not None
    }


def matching_filters(
    spec: Mapping[str, Any], filters: Iterable[OperationFilter]
) -> tuple[OperationFilter, ...]:
    """Those of `filters` that match at least one operation of `spec`."""
    operations = list(_operations(spec))
    return tuple(item for item in filters if any(_matches(item, op) for op in operations))


def narrow_schema(
    schema: BaseSchema,
    *,
    include: tuple[OperationFilter, ...],
    exclude: tuple[OperationFilter, ...],
) -> BaseSchema:
    """`schema` with schemathesis' own filters for ours; check them with `selected_operations`."""
    if not include and not exclude:
        return schema
    included, excluded = _by_kind(include), _by_kind(exclude)
    # Built the way `st run` builds it (cli/loaders.py): not `schema.include(...)`, which only
    # adds an alternative to the catch-all filter schemathesis installs once the configuration
    # has `[[operations]]` entries (ours does, see `accept_documented_state_rules`), and so
    # selects everything. An operation matching any include of any kind is kept.
    schema.filter_set = schema.config.operations.create_filter_set(
        include_path=tuple(included.get("path", ())),
        include_method=(),
        include_name=(),
        include_tag=tuple(included.get("tag", ())),
        include_operation_id=tuple(included.get("operation-id", ())),
        include_path_regex=None,
        include_method_regex=None,
        include_name_regex=None,
        include_tag_regex=None,
        include_operation_id_regex=None,
        exclude_path=tuple(excluded.get("path", ())),
        exclude_method=(),
        exclude_name=(),
        exclude_tag=tuple(excluded.get("tag", ())),
        exclude_operation_id=tuple(excluded.get("operation-id", ())),
        exclude_path_regex=None,
        exclude_method_regex=None,
        exclude_name_regex=None,
        exclude_tag_regex=None,
        exclude_operation_id_regex=None,
        include_by=None,
        exclude_by=None,
        exclude_deprecated=False,
    )
    return schema


def _by_kind(filters: Iterable[OperationFilter]) -> dict[FilterKind, list[str]]:
    grouped: dict[FilterKind, list[str]] = {}
    for item in filters:
        values = grouped.setdefault(item.kind, [])
        # schemathesis refuses the same filter twice (`IncorrectUsage: Filter already exists`).
        if item.value not in values:
            values.append(item.value)
    return grouped


def _operations(spec: Mapping[str, Any]) -> Iterable[_Operation]:
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, Mapping):
                continue
            operation_id = operation.get("operationId")
            yield _Operation(
                label=f"{method.upper()} {path}",
                path=str(path),
                operation_id=str(operation_id) if operation_id is not None else None,
                tags=frozenset(str(tag) for tag in operation.get("tags") or ()),
            )


def _matches(item: OperationFilter, operation: _Operation) -> bool:
    if item.kind == "operation-id":
        return operation.operation_id == item.value
    if item.kind == "path":
        return operation.path == item.value
    return item.value in operation.tags


def _known(item: OperationFilter, operations: list[_Operation]) -> str:
    if item.kind == "operation-id":
        names = {operation.operation_id for operation in operations if operation.operation_id}
    elif item.kind == "path":
        names = {operation.path for operation in operations}
    else:
        names = {tag for operation in operations for tag in operation.tags}
    return f" (known {item.kind}s: {', '.join(sorted(names))})" if names else ""
