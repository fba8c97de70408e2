"""Rules about responses beyond the operation rules."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from oaskit.errors import Level
from oaskit.lint._registry import rule
from oaskit.lint._walk import Found, index, resolve
from oaskit.spec import Bundle, Pointer

__all__ = ["error_response_uses_error_schema"]

_ERROR = re.compile(r"^[45]([0-9]{2}|XX)$")
_SCHEMA_REF = re.compile(r"^#/components/schemas/([^/]+)$")


@rule("error-response-uses-error-schema", level=Level.WARNING, default=False)
def error_response_uses_error_schema(bundle: Bundle) -> Found:
    """Every 4xx/5xx response has a body whose schema is the spec's one declared error schema.

    A house rule: clients parse errors in one place when every error response refers to the
    same schema under `components/schemas`. The schema most error responses use is taken as
    the error schema; an error response without a body, with an inline schema or with
    another schema is reported. HEAD responses have no body (RFC 9110 9.3.2) and are left
    out. Off unless selected.
    """
    spec = index(bundle)
    uses: list[tuple[Pointer, str]] = []
    for site in spec.operations:
        if site.method == "head":
            continue  # A HEAD response has no content (RFC 9110 9.3.2).
        responses = site.operation.get("responses")
        for code, entry in (responses if isinstance(responses, dict) else {}).items():
            if not _ERROR.match(str(code)):
                continue
            target, response = resolve(spec.data, entry)
            if not isinstance(response, dict) or "$ref" in response:
                continue  # A reference that misses is the bundler's to report.
            at = target or (*site.pointer, "responses", code)
            content = response.get("content")
            if not isinstance(content, dict) or not content:
                yield at, f"error response {code} has no body; document it with the error schema"
                continue
            for media_type, media in content.items():
                schema: Any = media.get("schema") if isinstance(media, dict) else None
                ref = schema.get("$ref") if isinstance(schema, dict) else None
                match = _SCHEMA_REF.match(ref) if isinstance(ref, str) else None
                here = (*at, "content", media_type, "schema")
                if match is None:
                    yield (
                        here if schema is not None else (*at, "content", media_type),
                        f"error response {code} does not refer to a schema under "
                        "components/schemas",
                    )
                else:
                    uses.append((here, match.group(1)))
    if not uses:
        return
    # The schema most error responses use is the error schema; ties go to the first name.
    counts = Counter(name for _, name in uses)
    declared = min(counts, key=lambda name: (-counts[name], name))
    for here, name in uses:
        if name != declared:
            yield here, f"error response uses schema {name!r}; the error schema is {declared!r}"
