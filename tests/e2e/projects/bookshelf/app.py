"""The Bookshelf API, kept in memory, on the server stubs oaskit generates from spec/openapi.yaml.

Run it with `uvicorn app:app` after `oaskit regen`, with the bearer token it accepts in
BOOKSHELF_TOKEN.
"""

from __future__ import annotations

import hmac
import itertools
import os
import uuid
from collections.abc import Sequence

from bookshelf import models
from bookshelf.server import ApiError, Reply, create_app
from fastapi import Request
from fastapi.responses import JSONResponse, Response

__all__ = ["Bookshelf", "app", "token_from_environment"]

TOKEN_VARIABLE = "BOOKSHELF_TOKEN"
# The spec's default for `limit` (components/parameters/Limit.yaml).
DEFAULT_LIMIT = 20


class Bookshelf:
    """Every operation of the API, its bearer check and its error envelope, on one object."""

    def __init__(self, *, token: str) -> None:
        self._token = token.encode()
        self._names: dict[int, str] = {}
        self._books: dict[int, dict[uuid.UUID, models.Book]] = {}
        self._ids = itertools.count(1)

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        """Admit a request that carries the server's token as `Authorization: Bearer …`."""
        kind, _, token = request.headers.get("Authorization", "").partition(" ")
        if kind.lower() != "bearer" or not hmac.compare_digest(token.encode(), self._token):
            raise ApiError(
                401,
                "UNAUTHORIZED",
                "A valid bearer token is required.",
                headers={"WWW-Authenticate": "Bearer"},
            )

    def render_error(self, request: Request, error: ApiError) -> Response:
        """The spec's Error body (components/schemas/Error.yaml) for `error`."""
        body = models.Error(
            code=error.code,
            message=error.message,
            problems=[
                models.Problem(field=p.field, code=p.code, message=p.message)
                for p in error.problems
            ],
        )
        return JSONResponse(
            body.model_dump(mode="json", by_alias=True),
            status_code=error.status,
            headers=error.headers,
        )

    async def list_shelves(self, request: Request, *, limit: int | None) -> Reply[models.ShelfList]:
        """Every shelf, oldest first, at most `limit` of them."""
        ids = list(self._names)[: limit or DEFAULT_LIMIT]
        return Reply(200, models.ShelfList(items=[self._shelf(shelf_id) for shelf_id in ids]))

    async def create_shelf(self, request: Request, *, body: models.NewShelf) -> Reply[models.Shelf]:
        """A new, empty shelf."""
        shelf_id = next(self._ids)
        self._names[shelf_id] = body.name
        self._books[shelf_id] = {}
        return Reply(201, self._shelf(shelf_id))

    async def get_shelf(self, request: Request, *, shelf_id: int) -> Reply[models.Shelf]:
        """One shelf."""
        self._require_shelf(shelf_id)
        return Reply(200, self._shelf(shelf_id))

    async def list_books(
        self, request: Request, *, shelf_id: int, author: str | None, limit: int | None
    ) -> Reply[models.BookList]:
        """The shelf's books in the order they were added, by `author` only when given."""
        books = self._require_shelf(shelf_id).values()
        found = [book for book in books if author is None or book.author == author]
        return Reply(200, models.BookList(items=found[: limit or DEFAULT_LIMIT]))

    async def add_book(
        self, request: Request, *, shelf_id: int, body: models.NewBook
    ) -> Reply[models.Book]:
        """The book, stored on the shelf under a new id."""
        books = self._require_shelf(shelf_id)
        # model_dump leaves out what the request left out (`year` is optional).
        book = models.Book(id=uuid.uuid4(), shelfId=shelf_id, **body.model_dump())
        books[book.id] = book
        return Reply(201, book)

    async def get_book(
        self, request: Request, *, book_id: str, shelf_id: int
    ) -> Reply[models.Book]:
        """One book of the shelf."""
        books = self._require_shelf(shelf_id)
        return Reply(200, books[self._require_book(books, book_id)])

    async def remove_book(self, request: Request, *, book_id: str, shelf_id: int) -> Reply[None]:
        """Take the book off the shelf."""
        books = self._require_shelf(shelf_id)
        del books[self._require_book(books, book_id)]
        return Reply(204)

    def _shelf(self, shelf_id: int) -> models.Shelf:
        return models.Shelf(
            id=shelf_id, name=self._names[shelf_id], bookCount=len(self._books[shelf_id])
        )

    def _require_shelf(self, shelf_id: int) -> dict[uuid.UUID, models.Book]:
        if shelf_id not in self._books:
            raise ApiError(404, "NOT_FOUND", f"There is no shelf {shelf_id}.")
        return self._books[shelf_id]

    def _require_book(self, books: dict[uuid.UUID, models.Book], book_id: str) -> uuid.UUID:
        # The generated router passes a `format: uuid` path parameter on as the string it got.
        try:
            key = uuid.UUID(book_id)
        except ValueError:
            key = None
        if key is None or key not in books:
            raise ApiError(404, "NOT_FOUND", "There is no such book on this shelf.")
        return key


def token_from_environment() -> str:
    """The bearer token the server accepts, from BOOKSHELF_TOKEN."""
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        raise RuntimeError(f"set {TOKEN_VARIABLE} to the bearer token the server should accept")
    return token


app = create_app(Bookshelf(token=token_from_environment()))
