"""Security: each operation's effective requirements, and the security schemes they name.

An operation's `security` replaces the root's (OAS 3.1 4.8.10.1); the list holds alternatives,
any one of which suffices, and each alternative needs all its schemes with their scopes
(4.8.30.1). An empty list, or an empty alternative, lets anonymous clients in.

A client of base satisfies one base alternative. Head keeps it working when some head
alternative asks for no scheme and no scope beyond what that client already presents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from oaskit.diff._model import Comparison, Rule, Side
from oaskit.diff._nodes import mapping, nearest, sequence
from oaskit.errors import Level
from oaskit.spec import Pointer

if TYPE_CHECKING:
    from oaskit.diff._operations import Operation, Pair

__all__ = [
    "RULES",
    "SCHEME_CHANGED",
    "SCHEME_REMOVED",
    "SCOPE_ADDED",
    "SCOPE_REMOVED",
    "SECURITY_ADDED",
    "SECURITY_RELAXED",
    "compare_schemes",
    "compare_security",
]

SECURITY_ADDED = Rule(
    "security-requirement-added",
    "security",
    Level.ERROR,
    "An operation requires a security scheme that some clients of base do not present.",
)
SCOPE_ADDED = Rule(
    "security-scope-added",
    "security",
    Level.ERROR,
    "An operation requires a scope more; tokens granted for base are refused.",
)
SCOPE_REMOVED = Rule(
    "security-scope-removed", "security", Level.INFO, "An operation requires fewer scopes."
)
SECURITY_RELAXED = Rule(
    "security-requirement-relaxed",
    "security",
    Level.INFO,
    "An operation accepts a security alternative, or anonymous clients, that base refused.",
)
SCHEME_REMOVED = Rule(
    "security-scheme-removed",
    "security",
    Level.ERROR,
    "A security scheme was removed; clients authenticating with it are refused.",
)
SCHEME_CHANGED = Rule(
    "security-scheme-changed",
    "security",
    Level.ERROR,
    "A security scheme's type, location or name changed; clients send credentials the old way.",
)
RULES = (
    SECURITY_ADDED,
    SCOPE_ADDED,
    SCOPE_REMOVED,
    SECURITY_RELAXED,
    SCHEME_REMOVED,
    SCHEME_CHANGED,
)

# One alternative: scheme name → scopes (OAS 3.1 4.8.30.2).
_Alternative = dict[str, frozenset[str]]
_ROOT: Pointer = ("security",)


def _effective(side: Side, op: Operation) -> tuple[Pointer, list[_Alternative]]:
    pointer: Pointer = (*op.pointer, "security") if "security" in op.node else _ROOT
    return pointer, _alternatives(side, pointer)


def _alternatives(side: Side, pointer: Pointer) -> list[_Alternative]:
    alternatives: list[_Alternative] = []
    for requirement in sequence(side.node(pointer)):
        if isinstance(requirement, dict):
            alternatives.append(
                {
                    str(name): frozenset(str(scope) for scope in sequence(scopes))
                    for name, scopes in requirement.items()
                }
            )
    return alternatives or [{}]


def _accepts(server: _Alternative, client: _Alternative) -> bool:
    """Whether a client presenting `client` satisfies the alternative `server`."""
    return all(name in client and scopes <= client[name] for name, scopes in server.items())


def _shown(alternative: _Alternative) -> str:
    if not alternative:
        return "anonymous access"
    return " and ".join(
        f"{name} [{', '.join(sorted(scopes))}]" if scopes else name
        for name, scopes in sorted(alternative.items())
    )


def compare_security(cmp: Comparison, pairs: Sequence[Pair]) -> None:
    """Report what each operation's effective security refuses or newly accepts.

    Operations that take the root's requirements on both sides share one report per change,
    listing them all, as a change in a shared component does.
    """
    root: list[str] = []
    for pair in pairs:
        base_at, old = _effective(cmp.base, pair.base)
        head_at, new = _effective(cmp.head, pair.head)
        if old == new:
            continue
        if base_at == head_at == _ROOT:
            root.append(pair.label)
            continue
        _compare_alternatives(
            cmp,
            old,
            new,
            base=base_at if cmp.base.node(base_at) is not None else pair.base.pointer,
            head=head_at if cmp.head.node(head_at) is not None else pair.head.pointer,
            labels=[pair.label],
        )
    if root:
        _compare_alternatives(
            cmp,
            _alternatives(cmp.base, _ROOT),
            _alternatives(cmp.head, _ROOT),
            base=nearest(cmp.base, _ROOT),
            head=nearest(cmp.head, _ROOT),
            labels=root,
        )


def _compare_alternatives(
    cmp: Comparison,
    old: list[_Alternative],
    new: list[_Alternative],
    *,
    base: Pointer,
    head: Pointer,
    labels: list[str],
) -> None:
    prefix = f"{labels[0]}: " if len(labels) == 1 else ""
    for client in old:
        if any(_accepts(server, client) for server in new):
            continue
        same = [server for server in new if server.keys() == client.keys()]
        if same:
            extra = sorted(set().union(*(same[0][name] - client[name] for name in client)))
            rule, message = SCOPE_ADDED, f"{_shown(client)} now needs the scopes {', '.join(extra)}"
        else:
            rule = SECURITY_ADDED
            required = " or ".join(_shown(server) for server in new)
            message = f"clients with {_shown(client)} are refused; head requires {required}"
        cmp.report(rule, prefix + message, base=base, head=head, operations=labels)
    for server in new:
        if any(_accepts(known, server) for known in old):
            continue
        same = [known for known in old if known.keys() == server.keys()]
        if same:
            fewer = sorted(set().union(*(same[0][name] - server[name] for name in server)))
            rule, message = SCOPE_REMOVED, f"{_shown(server)} no longer needs {', '.join(fewer)}"
        else:
            rule, message = SECURITY_RELAXED, f"{_shown(server)} is now accepted"
        cmp.report(rule, prefix + message, base=base, head=head, operations=labels)


def _shape(scheme: dict[str, Any]) -> dict[str, Any]:
    """What a client must match to authenticate (OAS 3.1 4.8.27.1): not descriptions or URLs."""
    kind = scheme.get("type")
    shape: dict[str, Any] = {"type": kind}
    if kind == "apiKey":
        location, name = scheme.get("in"), scheme.get("name")
        # Header names are case-insensitive (RFC 9110 5.1).
        if location == "header" and isinstance(name, str):
            name = name.lower()
        shape |= {"in": location, "name": name}
    elif kind == "http":
        # HTTP authentication schemes are case-insensitive (RFC 9110 11.1).
        shape["scheme"] = str(scheme.get("scheme", "")).lower()
    elif kind == "oauth2":
        shape["flows"] = sorted(str(flow) for flow in mapping(scheme.get("flows")))
    return shape


def compare_schemes(cmp: Comparison, base_operations: Iterable[Operation]) -> None:
    """Report security schemes removed or changed, with the base operations that use them."""
    pointer: Pointer = ("components", "securitySchemes")
    old, new = mapping(cmp.base.node(pointer)), mapping(cmp.head.node(pointer))
    users: dict[str, set[str]] = {}
    for op in base_operations:
        for alternative in _effective(cmp.base, op)[1]:
            for name in alternative:
                users.setdefault(name, set()).add(op.label)
    for name in sorted(old):
        old_at, old_scheme = cmp.base.resolve((*pointer, name))
        if name not in new:
            cmp.report(
                SCHEME_REMOVED,
                f"security scheme {name!r} was removed",
                base=old_at,
                head=nearest(cmp.head, pointer),
                operations=users.get(name, ()),
            )
            continue
        new_at, new_scheme = cmp.head.resolve((*pointer, name))
        before, after = _shape(mapping(old_scheme)), _shape(mapping(new_scheme))
        if before != after:
            changed = ", ".join(
                f"{key} {before.get(key)!r} → {after.get(key)!r}"
                for key in sorted(before.keys() | after.keys())
                if before.get(key) != after.get(key)
            )
            cmp.report(
                SCHEME_CHANGED,
                f"security scheme {name!r} changed: {changed}",
                base=old_at,
                head=new_at,
                operations=users.get(name, ()),
            )
