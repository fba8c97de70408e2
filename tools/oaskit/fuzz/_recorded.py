"""Recorded requests and responses as report values, with every credential masked."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence

from schemathesis.config import SanitizationConfig
from schemathesis.core.output.sanitization import is_sensitive_key, sanitize_url
from schemathesis.core.transport import Response
from schemathesis.engine.recorder import Request

from oaskit.fuzz._report import Headers, RecordedRequest, RecordedResponse

# What schemathesis writes in place of a credential in curl commands and messages.
REDACTED = "***"
# `-H 'Name: value'` in a curl command as schemathesis writes it (`core/curl.py`): quoted by
# `shlex.quote`, which spells a quote inside as '"'"', or as $'...' with backslash escapes
# when the value holds a non-printable character.
_CURL_HEADER = re.compile(
    r"""-H (?:'(?P<name>[^':]+): (?:[^']|'"'"')*'|\$'(?P<ansi>[^':\\]+): (?:[^'\\]|\\.)*')"""
)
# A report quotes at most this much of one body; a failure is about its start, and a page
# holding megabytes per failure would not open.
MAX_BODY_CHARS = 16_000


class Redactor:
    """Masks credentials: known secret values anywhere, and whole values of sensitive headers.

    A header is sensitive when schemathesis' sanitization rules say so (the rules its curl
    commands follow) or when the run was given it (`--header`, `[tool.oaskit.fuzz.headers]`):
    those are set by the person running it and may hold a credential under any name.
    """

    def __init__(
        self,
        *,
        secrets: Iterable[str] = (),
        headers: Iterable[str] = (),
        sanitization: SanitizationConfig | None = None,
    ) -> None:
        # Longest first, so a token is masked whole before any header value that contains it.
        self._secrets = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._headers = frozenset(name.lower() for name in headers)
        self._sanitization = sanitization or SanitizationConfig(replacement=REDACTED)

    def text(self, text: str) -> str:
        """`text` with every known secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def curl(self, command: str) -> str:
        """A curl command with the value of every sensitive `-H` argument replaced."""

        def mask(match: re.Match[str]) -> str:
            name = match["name"] or match["ansi"]
            return f"-H '{name}: {REDACTED}'" if self._is_sensitive(name) else match[0]

        return self.text(_CURL_HEADER.sub(mask, command))

    def url(self, url: str) -> str:
        """`url` without userinfo and with sensitive query values masked."""
        return self.text(sanitize_url(url, config=self._sanitization))

    def headers(self, headers: Mapping[str, Sequence[str]]) -> Headers:
        """Header lines, the values of sensitive ones replaced whole."""
        lines = []
        for name, values in headers.items():
            for value in values:
                lines.append((name, REDACTED if self._is_sensitive(name) else self.text(value)))
        return tuple(lines)

    def _is_sensitive(self, name: str) -> bool:
        config = self._sanitization
        return name.lower() in self._headers or is_sensitive_key(
            name,
            keys_to_sanitize=config.keys_to_sanitize,
            sensitive_markers=config.sensitive_markers,
        )


def recorded_request(request: Request, *, redactor: Redactor) -> RecordedRequest:
    """`request` as a report shows it."""
    content_type = _first(request.headers, "content-type")
    return RecordedRequest(
        method=request.method,
        url=redactor.url(request.uri),
        headers=redactor.headers(request.headers),
        body=_body(request.body, content_type=content_type, redactor=redactor),
    )


def recorded_response(response: Response, *, redactor: Redactor) -> RecordedResponse:
    """`response` as a report shows it."""
    return RecordedResponse(
        status=response.status_code,
        reason=response.message,
        headers=redactor.headers(response.headers),
        body=_body(
            response.content,
            content_type=_first(response.headers, "content-type"),
            redactor=redactor,
            encoding=response.encoding,
        ),
        elapsed=response.elapsed,
    )


def _first(headers: Mapping[str, Sequence[str]], name: str) -> str:
    for key, values in headers.items():
        if key.lower() == name and values:
            return values[0]
    return ""


def _body(
    content: bytes | None, *, content_type: str, redactor: Redactor, encoding: str | None = None
) -> str | None:
    if not content:
        return None
    try:
        text = content.decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        # Binary, or text in a charset it does not declare: shown byte for byte, escaped.
        text = content.decode("utf-8", errors="backslashreplace")
    if "json" in content_type.lower():
        # Invalid JSON under a JSON media type is often the very failure; it is shown as sent.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    text = redactor.text(text)
    if len(text) > MAX_BODY_CHARS:
        rest = len(text) - MAX_BODY_CHARS
        text = f"{text[:MAX_BODY_CHARS]}\n… ({rest} more characters not shown)"
    return text
