"""The HTML of the docs: an index of the dialects and one Swagger UI page per dialect.

The pages hold no script and no style of their own and no URL outside this service: the
script that starts Swagger UI is a file (`docs.js`, beside this module), so the policy below
can refuse every inline script, and every link is relative, so the pages work under a path
prefix too.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from html import escape

from connectors_service.docs._representation import Representation
from connectors_service.docs._specs import SPEC_NAMES, Spec, load_spec

__all__ = ["PAGE_HEADERS", "index_page", "ui_page"]

_HTML = "text/html; charset=utf-8"
# CSP 3 (W3C): nothing but this origin's files. `img-src data:` for the icons Swagger UI's
# stylesheet embeds; `connect-src 'self'` lets "Try it out" reach this service and nothing
# else; no 'unsafe-inline' or 'unsafe-eval' anywhere.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # The API key typed into "Authorize" never leaves in a Referer.
    "Referrer-Policy": "no-referrer",
}


@functools.cache
def index_page() -> Representation:
    """`/docs`: each dialect's interactive page and its document in JSON and YAML."""
    specs = [load_spec(name) for name in SPEC_NAMES]
    items = "\n".join(
        f"""    <li>
      <h2><a href="docs/{escape(spec.name)}">{escape(spec.title)}</a></h2>
      <p class="version">Version {escape(spec.version)}</p>
      <p>{_spec_links(spec, to_root="")}</p>
    </li>"""
        for spec in specs
    )
    body = f"""  <h1>API documentation</h1>
  <ul class="specs">
{items}
  </ul>"""
    # `/docs` resolves relative URLs against `/`.
    return _page("API documentation", body, to_docs="docs/")


@functools.cache
def ui_page(name: str) -> Representation:
    """`/docs/{name}`: Swagger UI over the dialect's document, sending requests here."""
    spec = load_spec(name)
    body = f"""  <nav class="docs-nav">
    <a href="../docs">All APIs</a> · {_spec_links(spec, to_root="../")}
  </nav>
  <div id="swagger-ui" data-spec-url="../openapi/{escape(spec.name)}.json"></div>"""
    # `/docs/{name}` resolves relative URLs against `/docs/`.
    return _page(
        f"{spec.title} · API documentation",
        body,
        to_docs="",
        stylesheets=("swagger-ui.css",),
        scripts=("swagger-ui-bundle.js", "docs.js"),
    )


def _spec_links(spec: Spec, *, to_root: str) -> str:
    name = escape(spec.name)
    return (
        f'<a href="{to_root}openapi/{name}.json" type="application/json">OpenAPI JSON</a> · '
        f'<a href="{to_root}openapi/{name}.yaml" type="application/yaml">OpenAPI YAML</a>'
    )


def _page(
    title: str,
    body: str,
    *,
    to_docs: str,
    stylesheets: Sequence[str] = (),
    scripts: Sequence[str] = (),
) -> Representation:
    assets = f"{to_docs}assets/"
    head = f'\n  <link rel="icon" type="image/png" href="{assets}favicon-32x32.png">'
    head += "".join(
        f'\n  <link rel="stylesheet" href="{assets}{name}">' for name in (*stylesheets, "docs.css")
    )
    # At the end of the body: Swagger UI starts on the element the body holds.
    tail = "".join(f'\n  <script src="{assets}{name}"></script>' for name in scripts)
    html = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)}</title>{head}
</head>
<body>
{body}{tail}
</body>
</html>
"""
    return Representation.of(html.encode("utf-8"), _HTML)
