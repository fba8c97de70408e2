"""The files the docs pages load: Swagger UI from its PyPI package, and the service's own."""

from __future__ import annotations

import functools
from importlib import resources

from connectors_service.docs._representation import Representation

__all__ = ["ASSET_NAMES", "load_asset"]

# RFC 9239 6: text/javascript is the media type of JavaScript.
_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
# fastapi-swagger ships swagger-ui-dist's files unchanged (the same bytes as npm's
# swagger-ui-dist of its version); only its resources are used, never its FastAPI patch.
_SWAGGER_UI = "fastapi_swagger.resources"
_OWN = "connectors_service.docs"
# Name in the URL → (package, file, media type). Only these names are served: a request's path
# never becomes a file path, so no `..` or encoded separator can reach another file.
_ASSETS: dict[str, tuple[str, str, str]] = {
    "swagger-ui-bundle.js": (_SWAGGER_UI, "swagger-ui-bundle.js", _JS),
    "swagger-ui.css": (_SWAGGER_UI, "swagger-ui.css", _CSS),
    "favicon-32x32.png": (_SWAGGER_UI, "favicon-32x32.png", "image/png"),
    "docs.js": (_OWN, "docs.js", _JS),
    "docs.css": (_OWN, "docs.css", _CSS),
}
ASSET_NAMES = frozenset(_ASSETS)


@functools.cache
def load_asset(name: str) -> Representation:
    """The asset called `name` (one of ASSET_NAMES), read once per process."""
    package, file, media_type = _ASSETS[name]
    return Representation.of(resources.files(package).joinpath(file).read_bytes(), media_type)
