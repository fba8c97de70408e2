"""Rules about descriptions and the Markdown in them."""

from __future__ import annotations

import re

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index
from oaskit.spec import Bundle

__all__ = ["markdown_has_no_eval", "markdown_has_no_script_tags", "operation_has_description"]

_EVAL = re.compile(r"eval\(")
_SCRIPT = re.compile(r"<script", re.IGNORECASE)


@rule(
    "operation-has-description",
    level=Level.WARNING,
    default=False,
    peers=("spectral:operation-description", "redocly:operation-description"),
)
def operation_has_description(bundle: Bundle) -> Found:
    """Every operation has a non-empty description.

    The description is optional (OAS 3.1 4.8.10.1): it is where an operation's behaviour,
    side effects and errors are explained beyond its one-line summary. A documentation
    policy, so off unless selected.
    """
    for site in index(bundle).operations:
        if not str(site.operation.get("description") or "").strip():
            yield site.pointer, "operation has no description"


@rule("markdown-has-no-eval", level=Level.WARNING, peers=("spectral:no-eval-in-markdown",))
def markdown_has_no_eval(bundle: Bundle) -> Found:
    """No title or description calls `eval(`: renderers that run it would execute it.

    Descriptions are CommonMark (OAS 3.1 4.5) and documentation sites render them as HTML; a
    description holding `eval(` is script that a careless renderer may run in the reader's
    browser. A warning: the text may merely be about `eval`.
    """
    for pointer, text in index(bundle).texts:
        if _EVAL.search(text):
            yield pointer, f"{pointer[-1]} contains `eval(`"


@rule(
    "markdown-has-no-script-tags",
    level=Level.WARNING,
    peers=("spectral:no-script-tags-in-markdown", "redocly:no-unsafe-markdown"),
)
def markdown_has_no_script_tags(bundle: Bundle) -> Found:
    """No title or description holds a `<script>` tag: documentation renders Markdown as HTML.

    CommonMark passes raw HTML through (OAS 3.1 4.5), so a `<script>` in a description runs
    in the browser of whoever reads the rendered documentation, unless the renderer
    sanitises it. A warning: the tag may be inside a code span that renders harmlessly.
    """
    for pointer, text in index(bundle).texts:
        if _SCRIPT.search(text):
            yield pointer, f"{pointer[-1]} contains a <script> tag"
