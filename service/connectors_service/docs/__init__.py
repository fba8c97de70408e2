"""The service's own documentation: its bundled specs and Swagger UI, served offline.

Public like any documentation: no route here authenticates or counts against a rate limit
(both happen in the dialects' operations), and none shares a prefix with a dialect's paths.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from connectors_service.docs._assets import ASSET_NAMES, load_asset
from connectors_service.docs._pages import PAGE_HEADERS, index_page, ui_page
from connectors_service.docs._representation import respond
from connectors_service.docs._specs import SPEC_NAMES, load_spec
from connectors_service.domain import DomainError

__all__ = ["SPEC_NAMES", "create_docs_router"]

# Every route answers HEAD as it answers GET (RFC 9110 9.3.2).
_READ = ["GET", "HEAD"]


def create_docs_router() -> APIRouter:
    """`/openapi/{name}.json|yaml`, `/docs`, `/docs/{name}` and `/docs/assets/{file}`."""
    router = APIRouter(include_in_schema=False)

    @router.api_route("/openapi/{name}.json", methods=_READ)
    async def spec_json(request: Request, name: str) -> Response:
        return respond(request, load_spec(_known(name)).json, headers={})

    @router.api_route("/openapi/{name}.yaml", methods=_READ)
    async def spec_yaml(request: Request, name: str) -> Response:
        return respond(request, load_spec(_known(name)).yaml, headers={})

    @router.api_route("/docs", methods=_READ)
    async def index(request: Request) -> Response:
        return respond(request, index_page(), headers=PAGE_HEADERS)

    @router.api_route("/docs/assets/{file}", methods=_READ)
    async def asset(request: Request, file: str) -> Response:
        # The name is looked up, never joined to a folder: see _assets.
        if file not in ASSET_NAMES:
            raise _not_found()
        return respond(request, load_asset(file), headers={})

    @router.api_route("/docs/{name}", methods=_READ)
    async def ui(request: Request, name: str) -> Response:
        return respond(request, ui_page(_known(name)), headers=PAGE_HEADERS)

    return router


def _known(name: str) -> str:
    if name not in SPEC_NAMES:
        raise _not_found()
    return name


def _not_found() -> DomainError:
    # Rendered by the error dispatcher in the default (native) envelope, with the request id.
    return DomainError(404, "NOT_FOUND", "No such document.")
