"""Split a large `models.py` into a lazily imported package, one module per group of models.

Building a pydantic class costs about a millisecond (field collection, annotation evaluation), so
GitHub's ~3,500 models take seconds to import. As a package whose `__init__` imports a model's
module on first access (PEP 562 `__getattr__`), a program pays only for the models it touches and
the models those refer to. Models that refer to each other in a cycle share a module (a strongly
connected component of the reference graph), so modules import each other without cycles.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping, Sequence

from oaskit.ir import snake_name, unique

__all__ = ["SPLIT_MODELS_OVER", "split_models"]

# Up to this many top-level definitions one module is easier to read and imports well within the
# 0.3 s a first call may take: connectors' 34 take ~35 ms, on top of ~70 ms for pydantic itself.
SPLIT_MODELS_OVER = 100


def split_models(
    source: str,
    *,
    header: str,
    package: str,
    limit: int = SPLIT_MODELS_OVER,
    entries: Collection[str] | None = None,
) -> dict[str, str]:
    """`{"models.py": source}`, or a `models/` package when `source` defines more than `limit`.

    Each model (or cycle of models) gets its own module, except that a model only one other
    module refers to, and that is not in `entries` (the models of the spec's named schemas,
    which a client may use directly), joins that module: GitHub's inline models go with their
    schema's, a third of the files, each of which costs a write and a read at every regen.
    """
    tree = ast.parse(source)
    source_lines = source.splitlines(keepends=True)
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    # `X.model_rebuild()`, which datamodel-codegen appends for models in reference cycles,
    # belongs after X in X's module.
    rebuilds: dict[str, list[ast.stmt]] = {}
    for node in tree.body:
        rebuilt = _rebuilt_name(node)
        if rebuilt is not None:
            rebuilds.setdefault(rebuilt, []).append(node)
    rebuild_nodes = {id(node) for nodes in rebuilds.values() for node in nodes}
    definitions = [
        node for node in tree.body if node not in imports and id(node) not in rebuild_nodes
    ]
    names = [_defined_name(node) for node in definitions]
    if (
        len(definitions) <= limit
        or any(name is None for name in names)
        or not rebuilds.keys() <= set(names)
    ):
        # Anything besides imports and single-name definitions (a bare `X.model_rebuild()`)
        # has no obvious module; one module is always correct.
        return {"models.py": source}
    by_name = {name: node for name, node in zip(names, definitions, strict=True) if name}
    order = {name: index for index, name in enumerate(by_name)}
    references = {
        name: sorted(_references(node) & by_name.keys()) for name, node in by_name.items()
    }
    groups = [sorted(group, key=order.__getitem__) for group in _components(references)]
    groups = _clustered(groups, references, entries)
    taken: set[str] = set()
    module_of: dict[str, str] = {}
    for group in groups:
        # Named after its schema's model, not after an inline model defined before it.
        named = next((name for name in group if entries and name in entries), group[0])
        module = unique(f"_{snake_name(named).strip('_')}", taken)
        module_of.update(dict.fromkeys(group, module))
    # `from __future__` must stay first; the rest are pruned per module by ruff's F401 fix.
    preamble = "".join(f"{ast.unparse(node)}\n" for node in imports)
    models = f"{package}.models"
    files = {}
    for group in groups:
        module = module_of[group[0]]
        needed: dict[str, list[str]] = {}
        for name in group:
            for target in references[name]:
                if module_of[target] != module:
                    needed.setdefault(module_of[target], []).append(target)
        lines = [f"{header}\n", preamble]
        lines.extend(
            f"from {models}.{other} import {', '.join(sorted(set(targets)))}\n"
            for other, targets in sorted(needed.items())
        )
        lines.extend(f"\n\n{_segment(source_lines, by_name[name])}" for name in group)
        tail = [_segment(source_lines, node) for name in group for node in rebuilds.get(name, [])]
        if tail:
            lines.append("\n\n" + "".join(tail))
        files[f"models/{module}.py"] = "\n".join(lines)
    files["models/__init__.py"] = _package_init(header, models, module_of)
    return files


def _clustered(
    groups: list[list[str]],
    references: Mapping[str, Sequence[str]],
    entries: Collection[str] | None,
) -> list[list[str]]:
    """`groups` (dependencies first) with each group referred to by exactly one other group,
    and holding no entry, joined to that group; a joined group's members keep source order."""
    if entries is None:
        return groups
    group_of = {name: index for index, group in enumerate(groups) for name in group}
    referrers: dict[int, set[int]] = {}
    for index, group in enumerate(groups):
        for name in group:
            for target in references[name]:
                if group_of[target] != index:
                    referrers.setdefault(group_of[target], set()).add(index)
    cluster = list(range(len(groups)))
    # Referrers come after what they refer to, so walking backwards settles each referrer first.
    for index in reversed(range(len(groups))):
        only = referrers.get(index, set())
        if len(only) == 1 and not any(name in entries for name in groups[index]):
            cluster[index] = cluster[next(iter(only))]
    members: dict[int, list[str]] = {}
    for index, group in enumerate(groups):
        members.setdefault(cluster[index], []).extend(group)
    order = {name: position for position, name in enumerate(references)}
    return [sorted(names, key=order.__getitem__) for names in members.values()]


def _package_init(header: str, models: str, module_of: Mapping[str, str]) -> str:
    """The package: names for type checkers, modules imported on first attribute access."""
    names = sorted(module_of)
    checking = "".join(
        f"    from {models}.{module_of[name]} import {name} as {name}\n" for name in names
    )
    table = "".join(f"    {name!r}: {module_of[name]!r},\n" for name in names)
    exported = "".join(f"    {name!r},\n" for name in names)
    return f'''{header}
"""Models; each module is imported on first use, so a program pays only for what it uses."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
{checking}
__all__ = [
{exported}]

# Which private module defines each model.
_MODULES: dict[str, str] = {{
{table}}}


if not TYPE_CHECKING:
    # Hidden from type checkers, which see every name above and flag a misspelt one.

    def __getattr__(name: str) -> Any:
        module = _MODULES.get(name)
        if module is None:
            raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
        value = getattr(importlib.import_module(f"{{__name__}}.{{module}}"), name)
        globals()[name] = value  # later lookups skip this function
        return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULES])
'''


def _segment(lines: Sequence[str], node: ast.stmt) -> str:
    """The source lines of a top-level statement, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return "".join(lines[start - 1 : node.end_lineno])


def _rebuilt_name(node: ast.stmt) -> str | None:
    """`X` for a top-level `X.model_rebuild()`, else None."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return None
    function = node.value.func
    if (
        isinstance(function, ast.Attribute)
        and function.attr == "model_rebuild"
        and isinstance(function.value, ast.Name)
    ):
        return function.value.id
    return None


def _defined_name(node: ast.stmt) -> str | None:
    """The one name a top-level statement defines, or None."""
    if isinstance(node, ast.ClassDef):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        return target.id if isinstance(target, ast.Name) else None
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return node.target.id
    return None


def _references(node: ast.stmt) -> set[str]:
    """Every name `node` reads (bases, annotations, defaults, decorators)."""
    return {
        child.id
        for child in ast.walk(node)
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load)
    }


def _components(graph: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    """Tarjan's strongly connected components, dependencies first; iterative (deep graphs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            pushed = False
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                    pushed = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if pushed:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component
