"""The Bookshelf API with one planted defect: the largest page of shelves answers 500.

`limit=100` is valid (components/parameters/Limit.yaml allows 1 to 100), so `oaskit fuzz` should
report GET /shelves under `not_a_server_error`. This project is ../bookshelf with this module and
its own pyproject.toml laid over it (the test copies them so); run it with `uvicorn planted:app`.
"""

from __future__ import annotations

from app import Bookshelf, token_from_environment
from bookshelf import models
from bookshelf.server import Reply, create_app
from fastapi import Request

__all__ = ["PlantedBookshelf", "app"]

# The largest `limit` the spec allows.
LARGEST_PAGE = 100


class PlantedBookshelf(Bookshelf):
    """Bookshelf, except that the largest page of shelves fails."""

    async def list_shelves(self, request: Request, *, limit: int | None) -> Reply[models.ShelfList]:
        """Every shelf, unless `limit` is the largest the spec allows: then a server error."""
        if limit == LARGEST_PAGE:
            raise RuntimeError("planted defect: the largest page of shelves fails")
        return await super().list_shelves(request, limit=limit)


app = create_app(PlantedBookshelf(token=token_from_environment()))
