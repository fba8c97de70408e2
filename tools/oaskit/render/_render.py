"""IR → {relative path: source text}. No IO beyond reading templates."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oaskit.ir import Api
from oaskit.render._environment import create_environment
from oaskit.render._models import render_models

__all__ = ["render_api"]

# Output file → template. Models come from datamodel-code-generator, the rest from Jinja.
_TEMPLATES = {
    "__init__.py": "package/__init__.py.jinja",
    "_base.py": "models/_base.py.jinja",
    "client.py": "client/client.py.jinja",
    "server.py": "server/server.py.jinja",
}


def render_api(api: Api, spec: dict[str, Any], *, templates: Sequence[Path] = ()) -> dict[str, str]:
    """Every file of the output package of `api`, unformatted."""
    environment = create_environment(templates)
    files = {
        name: environment.get_template(template).render(api=api)
        for name, template in _TEMPLATES.items()
    }
    files["models.py"] = render_models(
        spec, header=api.header, base_class=f"{api.package}._base.ApiModel"
    )
    files["py.typed"] = ""
    return dict(sorted(files.items()))
