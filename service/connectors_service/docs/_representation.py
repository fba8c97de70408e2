"""Fixed bytes served with a strong validator: GET, HEAD and conditional GET alike."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["Representation", "respond"]

# RFC 9111 5.2.2.4: a cache may keep the response but revalidates it before each use, so a
# new deploy is seen at once; the ETag makes each revalidation a bodiless 304.
CACHE_CONTROL = "no-cache"


@dataclass(frozen=True, slots=True)
class Representation:
    """One resource's bytes, its media type and its entity tag."""

    body: bytes
    media_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Representation:
        """`body` with a strong ETag taken from its digest (RFC 9110 8.8.3)."""
        return cls(body, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def respond(
    request: Request, representation: Representation, *, headers: Mapping[str, str]
) -> Response:
    """200 with the body (its headers only for HEAD), or 304 when the client's copy is current."""
    merged = {
        **headers,
        "ETag": representation.etag,
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }
    if _matches(request.headers.get("if-none-match"), representation.etag):
        # RFC 9110 15.4.5: a 304 carries the ETag and Cache-Control a 200 would have had.
        return Response(status_code=304, headers=merged)
    if request.method == "HEAD":
        # RFC 9110 9.3.2: HEAD answers with GET's header fields, Content-Length included.
        merged["Content-Length"] = str(len(representation.body))
        return Response(headers=merged, media_type=representation.media_type)
    return Response(representation.body, headers=merged, media_type=representation.media_type)


def _matches(if_none_match: str | None, etag: str) -> bool:
    # RFC 9110 13.1.2: `*` or a list of tags, compared weakly (a `W/` prefix is ignored).
    if if_none_match is None:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)
