"""Rules about security requirements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle, Pointer

__all__ = ["operation_has_security", "security_schemes_are_defined"]


def _requirements(bundle: Bundle) -> Iterator[tuple[Pointer, Any]]:
    spec = index(bundle)
    yield ("security",), spec.data.get("security")
    for site in spec.operations:
        if "security" in site.operation:
            yield (*site.pointer, "security"), site.operation["security"]


@rule(
    "security-schemes-are-defined",
    peers=(
        "spectral:oas3-operation-security-defined",
        "redocly:security-defined",
        "redocly:security-scopes-defined",
    ),
)
def security_schemes_are_defined(bundle: Bundle) -> Found:
    """Every security requirement names a scheme in `components.securitySchemes`, and its scopes.

    "Each name MUST correspond to a security scheme which is declared in the Security Schemes
    under the Components Object" (OAS 3.1 4.8.30.2, 3.0 4.7.30.2). A requirement naming an
    undeclared scheme tells no client how to authenticate. For an `oauth2` scheme the listed
    names are scopes, and a scope none of its flows declares cannot be granted.
    """
    components = index(bundle).data.get("components")
    schemes = components.get("securitySchemes") if isinstance(components, dict) else None
    defined: dict[str, Any] = schemes if isinstance(schemes, dict) else {}
    for pointer, requirements in _requirements(bundle):
        for position, requirement in enumerate(
            requirements if isinstance(requirements, list) else []
        ):
            for name, scopes in (requirement if isinstance(requirement, dict) else {}).items():
                here = (*pointer, position, name)
                scheme = defined.get(name)
                if not isinstance(scheme, dict):
                    yield here, f"security scheme {name!r} is not defined"
                    continue
                if scheme.get("type") != "oauth2" or not isinstance(scopes, list):
                    continue
                # OAS 3.1 4.8.30.2: for oauth2 the names are scopes the flows declare.
                flows = scheme.get("flows")
                known = {
                    scope
                    for flow in (flows if isinstance(flows, dict) else {}).values()
                    if isinstance(flow, dict) and isinstance(flow.get("scopes"), dict)
                    for scope in flow["scopes"]
                }
                for index_, scope in enumerate(scopes):
                    if scope not in known:
                        yield (
                            (*here, index_),
                            f"scope {scope!r} is not declared by security scheme {name!r}",
                        )


@rule("operation-has-security", default=False, peers=("redocly:security-defined",))
def operation_has_security(bundle: Bundle) -> Found:
    """Every operation is secured, or declared public with `security: []` (OAS 3.1 4.8.10.1).

    Without a top-level `security` and without its own, an operation says nothing about
    authentication, which reads the same as a public one. Declaring `security: []` makes
    public operations deliberate. A policy (many APIs are public), so off unless selected; an
    error when selected, as a project that selects it means every operation to be covered.
    """
    spec = index(bundle)
    top = spec.data.get("security")
    secured = isinstance(top, list) and bool(top)
    for site in spec.operations:
        if "security" not in site.operation and not secured:
            yield (
                site.pointer,
                "operation has no security requirement; declare one, or `security: []` if public",
            )
