"""IR → {relative path: source text}. No IO beyond reading templates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from oaskit.ir import Api
from oaskit.render._environment import create_environment
from oaskit.render._split import split_models

__all__ = ["render_api", "render_code"]

# Output file → template. Models come from datamodel-code-generator, the rest from Jinja.
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
}


def render_api(api: Api, *, models: str, templates: Sequence[Path] = ()) -> dict[str, str]:
    """Every file of the output package of `api`, unformatted; `models` is `render_models`' output.

    The models are rendered separately because they come from the spec, not the IR, and so may
    be rendered in another process while the IR is built.
    """
    files = render_code(api, templates=templates)
    files.update(split_models(models, header=api.header, package=api.package))
    return dict(sorted(files.items()))


def render_code(api: Api, *, templates: Sequence[Path] = ()) -> dict[str, str]:
    """Every file of the output package but the models, unformatted: what the IR alone decides."""
    environment = create_environment(templates)
    files = {
        name: environment.get_template(template).render(api=api)
        for name, template in _TEMPLATES.items()
    }
    files["py.typed"] = ""
    return files
