"""Split a large `models.py` into a lazily imported package, one module per group of models.

Building a pydantic class costs about a millisecond (field collection, annotation evaluation), so
GitHub's ~3,500 models take seconds to import. As a package whose `__init__` imports a model's
module on first access (PEP 562 `__getattr__`), a program pays only for the models it touches and
the models those refer to. Models that refer to each other in a cycle share a module (a strongly
connected component of the reference graph), so modules import each other without cycles.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from oaskit.ir import literal, snake_name, unique
from oaskit.render._graph import components
from oaskit.render._imports import ImportBlock
from oaskit.render._toplevel import Statement, names_read, top_level

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

    `source` is ruff-formatted and import-sorted; so is every module made of it.
    """
    statements = top_level(source)
    imports = [s for s in statements if s.kind == "import"]
    # `X.model_rebuild()`, which datamodel-codegen appends for models in reference cycles,
    # belongs after X in X's module.
    rebuilds: dict[str, list[Statement]] = {}
    for statement in statements:
        if statement.kind == "rebuild" and statement.name is not None:
            rebuilds.setdefault(statement.name, []).append(statement)
    definitions = [s for s in statements if s.kind not in ("import", "rebuild")]
    names = [s.name if s.kind in ("class", "assign") else None for s in definitions]
    if (
        len(definitions) <= limit
        or any(name is None for name in names)
        or not rebuilds.keys() <= set(names)
        or len(set(names)) < len(names)
    ):
        # Anything besides imports and single-name definitions (a bare `X.model_rebuild()`)
        # has no obvious module; one module is always correct.
        return {"models.py": source}
    by_name = {name: s for name, s in zip(names, definitions, strict=True) if name}
    order = {name: index for index, name in enumerate(by_name)}
    reads = {name: names_read(s.code) for name, s in by_name.items()}
    references = {name: sorted((read - {name}) & by_name.keys()) for name, read in reads.items()}
    groups = [sorted(group, key=order.__getitem__) for group in components(references)]
    groups = _clustered(groups, references, entries)
    taken: set[str] = set()
    module_of: dict[str, str] = {}
    for group in groups:
        # Named after its schema's model, not after an inline model defined before it.
        named = next((name for name in group if entries and name in entries), group[0])
        module = unique(f"_{snake_name(named).strip('_')}", taken)
        module_of.update(dict.fromkeys(group, module))
    lines = source.split("\n")
    block = ImportBlock(_sections(lines, imports), first_party=package.split(".")[0])
    models = f"{package}.models"
    files = {}
    for group in groups:
        module = module_of[group[0]]
        needed: dict[str, list[str]] = {}
        used: set[str] = set()
        for name in group:
            used |= reads[name]
            for target in references[name]:
                if module_of[target] != module:
                    needed.setdefault(f"{models}.{module_of[target]}", []).append(target)
        tail = [s for name in group for s in rebuilds.get(name, [])]
        for statement in tail:
            used |= names_read(statement.code)
        parts = [header, block.for_names(used, needed)]
        parts.extend(_text(lines, by_name[name]) for name in group)
        if tail:
            parts.append("\n".join(_text(lines, statement) for statement in tail))
        # ruff's isort leaves two blank lines after the imports before a class, one otherwise.
        gap = "\n\n\n" if by_name[group[0]].kind == "class" else "\n\n"
        files[f"models/{module}.py"] = "\n\n".join(parts[:2]) + gap + _body(parts[2:])
    files["models/__init__.py"] = _package_init(header, models, module_of)
    return files


def _body(parts: Sequence[str]) -> str:
    # Top-level statements two blank lines apart, as ruff formats them.
    return "\n\n\n".join(parts) + "\n"


def _text(lines: Sequence[str], statement: Statement) -> str:
    return "\n".join(lines[statement.start : statement.end])


def _sections(lines: Sequence[str], imports: Sequence[Statement]) -> list[list[str]]:
    """The import statements, in sections: a blank line between two statements parts them."""
    sections: list[list[str]] = []
    previous_end = None
    for statement in imports:
        if previous_end is None or statement.start > previous_end:
            sections.append([])
        sections[-1].append(_text(lines, statement))
        previous_end = statement.end
    return sections


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
    table = "".join(f"    {literal(name)}: {literal(module_of[name])},\n" for name in names)
    exported = "".join(f"    {literal(name)},\n" for name in names)
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
