"""A tour of a running Bookshelf server through the client oaskit generates.

Usage: `python tour.py BASE_URL`, with the server's bearer token in BOOKSHELF_TOKEN. Every step
checks what the server answered; the tour exits 0 only when all of them hold.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from typing import TypeVar

from bookshelf import models
from bookshelf.client import (
    ApiResponseError,
    AsyncBookshelfClient,
    BadRequestError,
    BookshelfClient,
    NotFoundError,
    UnauthorizedError,
)

ErrorT = TypeVar("ErrorT", bound=ApiResponseError)


def tour(base_url: str, token: str) -> None:
    """Create shelves and books, read them back, remove one, and meet each documented error."""
    with BookshelfClient(base_url, token=token) as api:
        fiction = api.create_shelf(body=models.NewShelf(name="Fiction"))
        poetry = api.create_shelf(body=models.NewShelf(name="Poetry"))
        assert (fiction.name, fiction.bookCount) == ("Fiction", 0), fiction

        dune = api.add_book(
            fiction.id, body=models.NewBook(title="Dune", author="Frank Herbert", year=1965)
        )
        sequel = api.add_book(
            fiction.id, body=models.NewBook(title="Children of Dune", author="Frank Herbert")
        )
        solaris = api.add_book(
            fiction.id, body=models.NewBook(title="Solaris", author="Stanisław Lem", year=1961)
        )
        assert (dune.shelfId, dune.year) == (fiction.id, 1965), dune
        # Left out of the request, so absent from the stored book, not null.
        assert "year" not in sequel.model_dump(), sequel

        # Path parameters in path order: the shelf, then the book.
        assert api.get_book(fiction.id, str(solaris.id)) == solaris
        by_herbert = api.list_books(fiction.id, author="Frank Herbert")
        assert by_herbert.items == [dune, sequel], by_herbert
        assert api.list_books(fiction.id, limit=1).items == [dune]
        assert api.get_shelf(fiction.id).bookCount == 3

        api.remove_book(fiction.id, str(dune.id))
        gone = error_body(refused(NotFoundError, lambda: api.get_book(fiction.id, str(dune.id))))
        assert gone.code == "NOT_FOUND", gone
        refused(NotFoundError, lambda: api.list_books(poetry.id + 100))
        # The client leaves validation to the server, which names the parameter at fault.
        bad = error_body(refused(BadRequestError, lambda: api.list_shelves(limit=0)))
        assert isinstance(bad.problems, list), bad
        assert [problem.field for problem in bad.problems] == ["query.limit"], bad

        shelves = api.list_shelves()
        assert [(s.name, s.bookCount) for s in shelves.items] == [("Fiction", 2), ("Poetry", 0)]

    with BookshelfClient(base_url, token=f"not-{token}") as intruder:
        denied = refused(UnauthorizedError, intruder.list_shelves)
        assert denied.headers.get("WWW-Authenticate") == "Bearer", denied.headers

    asyncio.run(_tour_async(base_url, token, shelf=poetry))


def refused(kind: type[ErrorT], call: Callable[[], object]) -> ErrorT:
    """The `kind` error that `call` raises; AssertionError when the call succeeds."""
    try:
        call()
    except kind as error:
        return error
    raise AssertionError(f"expected {kind.__name__}, but the call succeeded")


def error_body(error: ApiResponseError) -> models.Error:
    """The API's Error body, as the client parsed it from the error response."""
    assert isinstance(error.error, models.Error), error.text
    return error.error


async def _tour_async(base_url: str, token: str, *, shelf: models.Shelf) -> None:
    async with AsyncBookshelfClient(base_url, token=token) as api:
        book = await api.add_book(
            shelf.id, body=models.NewBook(title="Ariel", author="Sylvia Plath", year=1965)
        )
        listed = await api.list_books(shelf.id)
        assert listed.items == [book], listed


def main() -> None:
    """Run the tour against the server at the URL given as the only argument."""
    if len(sys.argv) != 2:
        sys.exit("usage: python tour.py BASE_URL (with BOOKSHELF_TOKEN set)")
    tour(sys.argv[1], os.environ["BOOKSHELF_TOKEN"])
    print("tour: all steps passed")


if __name__ == "__main__":
    main()
