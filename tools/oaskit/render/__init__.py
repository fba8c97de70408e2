"""Rendering: the IR (and, for models, the bundled spec) into Python source."""

from oaskit.render._environment import BUILTIN_TEMPLATES, create_environment
from oaskit.render._errors import ModelsError
from oaskit.render._models import render_models
from oaskit.render._read_write import direction_variants
from oaskit.render._render import render_api, render_code
from oaskit.render._split import SPLIT_MODELS_OVER, split_models

__all__ = [
    "BUILTIN_TEMPLATES",
    "SPLIT_MODELS_OVER",
    "ModelsError",
    "create_environment",
    "direction_variants",
    "render_api",
    "render_code",
    "render_models",
    "split_models",
]
