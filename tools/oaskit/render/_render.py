"""IR → {relative path: source text}. No IO beyond reading templates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from oaskit.ir import Api
from oaskit.render._environment import create_environment

__all__ = ["render_code"]

# Output file → template; the models modules are listed by the IR (`Api.models`).
_TEMPLATES = {
    "__init__.py": "package/__init__.py.jinja",
    "_base.py": "models/_base.py.jinja",
    "client.py": "client/client.py.jinja",
    "server.py": "server/server.py.jinja",
    # The runtime: the same in every package, so `client.py` and `server.py` hold only what the
    # IR decides.
    "_runtime/__init__.py": "runtime/__init__.py.jinja",
    "_runtime/client.py": "runtime/client.py.jinja",
    "_runtime/media.py": "runtime/media.py.jinja",
    "_runtime/server.py": "runtime/server.py.jinja",
    "_runtime/style.py": "runtime/style.py.jinja",
    "_runtime/types.py": "runtime/types.py.jinja",
}


def render_code(api: Api, *, templates: Sequence[Path] = ()) -> dict[str, str]:
    """Every file of the output package, unformatted: what the IR alone decides."""
    environment = create_environment(templates)
    files = {
        name: environment.get_template(template).render(api=api)
        for name, template in _TEMPLATES.items()
    }
    models = environment.get_template("models/models.py.jinja")
    for module in api.models.modules:
        files[module.path] = models.render(api=api, module=module)
    if api.models.lazy:
        files["models/__init__.py"] = environment.get_template("models/__init__.py.jinja").render(
            api=api
        )
    files["py.typed"] = ""
    return dict(sorted(files.items()))
