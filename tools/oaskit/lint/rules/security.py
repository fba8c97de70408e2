"""Rules about security requirements.

Rules, their default level and their peers (Spectral `spectral:oas`; Redocly `recommended`);
"off" marks a rule that runs only when selected:

- `security-schemes-are-defined` (error): Spectral oas3-operation-security-defined; Redocly
  security-defined.
- `operation-has-security` (error, off): Redocly security-defined.
"""

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


@rule("security-schemes-are-defined")
def security_schemes_are_defined(bundle: Bundle) -> Found:
    """Every security requirement names a scheme in `components.securitySchemes`, and its scopes."""
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


@rule("operation-has-security", default=False)
def operation_has_security(bundle: Bundle) -> Found:
    """Every operation is secured, or declared public with `security: []` (OAS 3.1 4.8.10.1)."""
    spec = index(bundle)
    top = spec.data.get("security")
    secured = isinstance(top, list) and bool(top)
    for site in spec.operations:
        if "security" not in site.operation and not secured:
            yield (
                site.pointer,
                "operation has no security requirement; declare one, or `security: []` if public",
            )
