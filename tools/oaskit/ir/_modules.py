"""The models modules: classes in an order Python can run, and, for many classes, a package of
modules split along the reference graph.

Building a pydantic class costs about a millisecond, so GitHub's thousands of models would take
seconds to import. Over `SPLIT_MODELS_OVER` classes the models become a package whose `__init__`
imports a model's module on first access (PEP 562 `__getattr__`): a program pays only for the
models it touches and those they refer to. Classes that refer to each other in a cycle share a
module (a strongly connected component of the reference graph), so modules import each other
without cycles; a class only one other module refers to, and that is no named schema's, joins
that module.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from oaskit.ir._escape import literal
from oaskit.ir._graph import components, dependencies_first
from oaskit.ir._modelset import EnumMember, ModelClass, ModelField, ModelModule, ModelSet
from oaskit.ir._naming import snake_name, unique
from oaskit.ir._schemas import DraftClass, class_refs, qualified

__all__ = ["SPLIT_MODELS_OVER", "isort_key", "model_set"]

# Up to this many classes one module is easier to read and imports quickly.
SPLIT_MODELS_OVER = 100


def model_set(
    drafts: Sequence[DraftClass],
    *,
    package: str,
    entries: Collection[str],
    limit: int = SPLIT_MODELS_OVER,
) -> ModelSet:
    """The models of an API; `entries` are the named schemas' classes, which callers may use
    directly, and which each name a module of their own when the models are split."""
    by_name = {draft.name: draft for draft in sorted(drafts, key=lambda d: d.name)}
    known = set(by_name)
    references = {name: (_references(draft) & known) - {name} for name, draft in by_name.items()}
    if len(by_name) <= limit:
        order = _ordered(list(by_name), by_name)
        classes = _classes(order, by_name, outside=set())
        return ModelSet(modules=(ModelModule("models.py", classes, uses=_uses(classes)),))
    groups = [sorted(group) for group in components({n: sorted(r) for n, r in references.items()})]
    groups = _clustered(groups, references, entries)
    taken: set[str] = set()
    module_of: dict[str, str] = {}
    for group in groups:
        named = next((name for name in group if name in entries), group[0])
        module = unique(f"_{snake_name(named).strip('_')}", taken)
        module_of.update(dict.fromkeys(group, module))
    modules = []
    for group in groups:
        module = module_of[group[0]]
        needed: dict[str, set[str]] = {}
        for name in group:
            for target in references[name]:
                if module_of[target] != module:
                    needed.setdefault(f"{package}.models.{module_of[target]}", set()).add(target)
        order = _ordered(group, by_name)
        imports = tuple(
            (path, ordered, len(f"from {path} import {', '.join(ordered)}") > _LINE)
            for path, names in sorted(needed.items(), key=lambda item: _natural(item[0].lower()))
            for ordered in [tuple(sorted(names, key=isort_key))]
        )
        classes = _classes(order, by_name, outside=set())
        modules.append(ModelModule(f"models/{module}.py", classes, imports, _uses(classes)))
    models = f"{package}.models"
    return ModelSet(
        modules=tuple(sorted(modules, key=lambda m: m.path)),
        lazy=True,
        module_of=tuple(sorted(module_of.items(), key=lambda item: all_key(item[0]))),
        lazy_imports=tuple(
            (name, module, len(f"    from {models}.{module} import {name} as {name}") > _LINE)
            for name, module in sorted(
                module_of.items(), key=lambda item: (_natural(item[1].lower()), isort_key(item[0]))
            )
        ),
    )


# ruff's line length for generated code (emit/_format.py): a longer import is wrapped.
_LINE = 100
_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: `_a2` before `_a10`, as ruff's isort sorts."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part
    )


def _kind(name: str) -> int:
    """Constants (`URL`), then classes (`Abc`), then the rest."""
    if len(name) > 1 and name.isupper():
        return 0
    return 1 if name[:1].isupper() else 2


def isort_key(name: str) -> tuple[int, tuple[tuple[int, int | str], ...], str]:
    """Where ruff's isort puts an imported name: by kind, then in natural order ignoring case
    (`Abc`, `ABd`, `Item2`, `Item10`), so generated imports need no fixing."""
    return _kind(name), _natural(name.lower()), name


def all_key(name: str) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    """Where ruff's RUF022 puts a name of `__all__`: by kind, then in natural order with case
    (`ActionsCreateOrUpdate…` before `ActionsCreateOrg…`)."""
    return _kind(name), _natural(name)


# A Python string literal as `literal` writes it (`repr`): its text is no name the code reads.
_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def _uses(classes: Sequence[ModelClass]) -> frozenset[str]:
    """Every name the classes' annotations, defaults and roots read, and what their kinds need."""
    found: set[str] = set()
    for model in classes:
        texts = [
            model.root,
            *(f.annotation for f in model.fields),
            *(f.default for f in model.fields),
        ]
        for text in texts:
            found.update(_NAME.findall(_STRING.sub("''", text)))
        found.add(_BASES[model.kind])
        if model.extra:
            found.add("ConfigDict")
        if model.branches:
            found.update(("model_validator", "Self", "require_branches"))
    return frozenset(found)


_BASES = {"model": "ApiModel", "enum": "StrEnum", "root": "RootModel", "alias": "TypeAliasType"}


def _references(draft: DraftClass) -> set[str]:
    found = set(class_refs(draft.root))
    for item in draft.fields:
        found.update(class_refs(item.annotation))
        found.update(class_refs(item.default))
    return found


def _ordered(names: list[str], by_name: Mapping[str, DraftClass]) -> list[str]:
    """`names` sorted, each after the classes its statement evaluates (a root's base, an alias's
    value, an enum default) where those are in the same module."""
    within = set(names)
    graph = {name: [t for t in by_name[name].eager if t in within and t != name] for name in names}
    return dependencies_first(graph)


def _classes(
    order: list[str], by_name: Mapping[str, DraftClass], *, outside: set[str]
) -> tuple[ModelClass, ...]:
    defined: set[str] = set(outside)
    result = []
    for name in order:
        draft = by_name[name]
        later = {t for t in draft.eager if t in by_name and t not in defined and t in order}
        result.append(_class(draft, later))
        defined.add(name)
    return tuple(result)


def _written(text: str, later: Collection[str]) -> str:
    """The type a root model's base or an alias's value evaluates when its statement runs: the
    annotation itself, or, when it names a class defined further down (roots and aliases in a
    cycle), the annotation as a string, which pydantic resolves once the module is complete."""
    written = qualified(text, "")
    return literal(written) if later else written


def _class(draft: DraftClass, later: Collection[str]) -> ModelClass:
    return ModelClass(
        name=draft.name,
        kind=draft.kind,  # type: ignore[arg-type]
        doc=draft.doc,
        fields=tuple(
            ModelField(item.name, qualified(item.annotation, ""), qualified(item.default, ""))
            for item in draft.fields
        ),
        members=tuple(EnumMember(name, literal(value)) for name, value in draft.members),
        root=qualified(draft.root, ""),
        base=_written(draft.root, later),
        extra=draft.extra,
        references=tuple(sorted(_references(draft))),
        eager=draft.eager,
        branches=draft.branches,
    )


def _clustered(
    groups: list[list[str]],
    references: Mapping[str, Collection[str]],
    entries: Collection[str],
) -> list[list[str]]:
    """`groups` (dependencies first) with each group referred to by exactly one other group,
    and holding no entry, joined to that group."""
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
    return [sorted(names) for names in members.values()]
