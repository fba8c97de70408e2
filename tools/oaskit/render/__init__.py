"""Rendering: the IR into Python source, through Jinja templates."""

from oaskit.render._environment import BUILTIN_TEMPLATES, create_environment
from oaskit.render._render import render_code

__all__ = ["BUILTIN_TEMPLATES", "create_environment", "render_code"]
