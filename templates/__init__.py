"""oaskit's built-in Jinja templates, shipped in the wheel as the package `oaskit.templates`.

A package (not only a folder) so that `importlib.resources.files` gives a plain directory both
from the wheel and from an editable install of this repository.
"""
