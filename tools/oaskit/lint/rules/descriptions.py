"""Rules about descriptions and the Markdown in them.

Rules, their default level and their peers (Spectral `spectral:oas`; Redocly `recommended`);
"off" marks a rule that runs only when selected:

- `operation-has-description` (warning, off): Spectral operation-description.
- `markdown-has-no-eval` (warning): Spectral no-eval-in-markdown.
- `markdown-has-no-script-tags` (warning): Spectral no-script-tags-in-markdown.
"""

from __future__ import annotations

import re

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle

__all__ = ["markdown_has_no_eval", "markdown_has_no_script_tags", "operation_has_description"]

_EVAL = re.compile(r"eval\(")
_SCRIPT = re.compile(r"<script", re.IGNORECASE)


@rule("operation-has-description", level=Level.WARNING, default=False)
def operation_has_description(bundle: Bundle) -> Found:
    """Every operation has a non-empty description."""
    for site in index(bundle).operations:
        if not str(site.operation.get("description") or "").strip():
            yield site.pointer, "operation has no description"


@rule("markdown-has-no-eval", level=Level.WARNING)
def markdown_has_no_eval(bundle: Bundle) -> Found:
    """No title or description calls `eval(`: renderers that run it would execute it."""
    for pointer, text in index(bundle).texts:
        if _EVAL.search(text):
            yield pointer, f"{pointer[-1]} contains `eval(`"


@rule("markdown-has-no-script-tags", level=Level.WARNING)
def markdown_has_no_script_tags(bundle: Bundle) -> Found:
    """No title or description holds a `<script>` tag: documentation renders Markdown as HTML."""
    for pointer, text in index(bundle).texts:
        if _SCRIPT.search(text):
            yield pointer, f"{pointer[-1]} contains a <script> tag"
