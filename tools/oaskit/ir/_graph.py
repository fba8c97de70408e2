"""Strongly connected components and a stable dependency order, over a graph of names."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence

__all__ = ["components", "dependencies_first"]


def dependencies_first(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """The names of `graph` (name -> names it depends on; keys in their given order), each after
    what it depends on, and otherwise as close to the given order as that allows.

    Names in a cycle keep their given order among themselves; the cycle moves as one.
    """
    position = {name: index for index, name in enumerate(graph)}
    groups = [sorted(group, key=position.__getitem__) for group in components(graph)]
    group_of = {name: index for index, group in enumerate(groups) for name in group}
    waiting = [0] * len(groups)
    dependents: list[set[int]] = [set() for _ in groups]
    for name, targets in graph.items():
        for target in targets:
            source, needed = group_of[name], group_of.get(target)
            if needed is not None and needed != source and source not in dependents[needed]:
                dependents[needed].add(source)
                waiting[source] += 1
    # Of the groups whose dependencies are all placed, the one that came first goes next.
    ready = [
        (position[group[0]], index) for index, group in enumerate(groups) if not waiting[index]
    ]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, index = heapq.heappop(ready)
        order.extend(groups[index])
        for dependent in dependents[index]:
            waiting[dependent] -= 1
            if not waiting[dependent]:
                heapq.heappush(ready, (position[groups[dependent][0]], dependent))
    return order


def components(graph: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
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
