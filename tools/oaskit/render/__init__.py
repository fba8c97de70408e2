"""Rendering: the IR (and, for models, the bundled spec) into Python source."""

from oaskit.render._environment import BUILTIN_TEMPLATES, create_environment
from oaskit.render._models import render_models
from oaskit.render._render import render_api

__all__ = ["BUILTIN_TEMPLATES", "create_environment", "render_api", "render_models"]
