"""Operation docstrings from `summary` and `description` (OAS 3.1 4.8.10), decided before rendering.

Google style: a short first line, the description as wrapped paragraphs, then `Args:`,
`Returns:` and `Raises:`. Descriptions are CommonMark (OAS 3.1 4.3 "Rich Text Formatting"):
the markdown is kept as it reads, HTML tags are dropped and entities decoded. Every text is
bounded and wrapped here, for methods whose body is indented by eight spaces; the lines are
still spec text, which the templates escape line by line (`_escape.docstring_line`).
"""

from __future__ import annotations

import html
import re
import textwrap

from oaskit.ir._model import DocEntry, OperationDoc, Parameter, Response

__all__ = ["operation_doc"]

# The widest a generated docstring line gets, indentation included (ruff's limit is 100).
WIDTH = 96
_BODY_INDENT = 8  # a method's body
_ENTRY_INDENT = _BODY_INDENT + 4  # an entry of Args, Returns or Raises
_HANGING = "    "  # an entry's continuation lines, and a list item's
# The first line sits between the quotes: `"""` before it and, alone, `"""` after it.
_FIRST_LINE = WIDTH - _BODY_INDENT - 6
# Bounds: a description's lines, and the characters of one parameter's or response's text.
MAX_DESCRIPTION_LINES = 24
MAX_ENTRY_CHARS = 400
# Longer texts are cut before they are parsed at all.
_MAX_INPUT = 20_000
_ELLIPSIS = "..."

# HTML that descriptions carry (CommonMark allows raw HTML): block tags and line breaks end a
# paragraph, list items start one; every other known tag is dropped, keeping its text.
# Only known tag names, so that `projects/<project>` keeps its placeholder.
_TAGS = (
    "a|abbr|b|blockquote|br|code|dd|div|dl|dt|em|h[1-6]|hr|i|img|kbd|li|ol|p|pre|s|small|span"
    "|strong|sub|sup|table|tbody|td|th|thead|tr|tt|u|ul"
)
_BLOCK_TAG = re.compile(r"</?(?:p|div|ul|ol|table|tr|blockquote|pre|h[1-6]|hr)\b[^>]*>", re.I)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)
_ITEM_TAG = re.compile(r"<li\b[^>]*>", re.I)
_ANY_TAG = re.compile(rf"</?(?:{_TAGS})\b[^>]*>", re.I)
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+")
_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")
_FENCE = re.compile(r"^(?:```|~~~)")
_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)")


def operation_doc(
    *,
    method: str,
    path: str,
    summary: str,
    description: str,
    parameters: tuple[Parameter, ...],
    body_description: str | None,
    responses: tuple[Response, ...],
    error_classes: dict[str, str],
) -> OperationDoc:
    """The docstring of one operation's client and server methods.

    `body_description` is None when the operation takes no body. `error_classes` names the
    client exception for each documented error status; other statuses raise the base class.
    """
    paragraphs = _paragraphs(description)
    first, from_description = _first_line(method, path, summary, paragraphs)
    if from_description and len(paragraphs) == 1 and _plain(paragraphs[0]) == first:
        paragraphs = []  # the description was one sentence: the first line says it all
    if summary and _plain(" ".join(line for p in paragraphs for line in p)) == first:
        paragraphs = []
    described = {
        p.python_name: _entry(p.python_name, p.description or _parameter_text(p))
        for p in parameters
    }
    body = (
        []
        if body_description is None
        else [_entry("body", body_description or "The request body.")]
    )
    path_names = [p.python_name for p in parameters if p.location == "path"]
    other_names = [p.python_name for p in parameters if p.location != "path"]
    successes = [r for r in responses if r.is_success]
    return OperationDoc(
        first_line=first,
        paragraphs=_bounded(paragraphs),
        # The client's signature: path parameters, the body, the others; the server handler's:
        # the parameters in the spec's order, then the body.
        args=(*(described[n] for n in path_names), *body, *(described[n] for n in other_names)),
        handler_args=(*described.values(), *body),
        returns=_returns(successes),
        raises=tuple(
            _entry(
                error_classes.get(r.status, "ApiResponseError"),
                f"({r.status}) {_one_line(r.description) or 'An error response.'}",
            )
            for r in responses
            if not r.is_success
        ),
        error_statuses=tuple(r.status for r in responses if not r.is_success),
        handler_raises=_handler_raises(tuple(r.status for r in responses if not r.is_success)),
    )


def _first_line(
    method: str, path: str, summary: str, paragraphs: list[tuple[str, ...]]
) -> tuple[str, bool]:
    """The summary; else the description's first sentence; else `METHOD /path`."""
    if summary.strip():
        return _first_line_text(summary), False
    if paragraphs:
        text = _plain(paragraphs[0])
        sentence = _SENTENCE.match(text)
        return _first_line_text(sentence.group(1) if sentence else text), True
    return _trim(f"{method} {path}", _FIRST_LINE), False


def _first_line_text(text: str) -> str:
    line = _trim(_one_line(text), _FIRST_LINE - 1)
    return line if line.endswith((".", "!", "?")) else f"{line}."


def _plain(lines: tuple[str, ...] | str) -> str:
    """Lines joined into one line of text, white space collapsed."""
    text = lines if isinstance(lines, str) else " ".join(lines)
    return " ".join(text.split())


def _trim(text: str, width: int) -> str:
    """`text` cut at a word boundary to at most `width` characters, `...` marking the cut."""
    if len(text) <= width:
        return text
    cut = text[: width - len(_ELLIPSIS)]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + _ELLIPSIS


def _clean_html(text: str) -> str:
    text = _BREAK_TAG.sub("\n\n", text)  # a hard break: paragraphs join their lines
    text = _ITEM_TAG.sub("\n- ", text)
    text = _BLOCK_TAG.sub("\n\n", text)
    return html.unescape(_ANY_TAG.sub("", text))


def _one_line(text: str) -> str:
    """A short text (a parameter's or response's description): one line, HTML dropped, bounded."""
    return _trim(_plain(_link_text(_clean_html(text[:_MAX_INPUT]))), MAX_ENTRY_CHARS)


def _link_text(text: str) -> str:
    return _LINK.sub(r"\1 (\2)", text)


def _paragraphs(description: str) -> list[tuple[str, ...]]:
    """The description as wrapped blocks: paragraphs, list items and code lines.

    Every line of the result is at most `WIDTH - 8` characters but for a code line's word that
    is longer alone; `splitlines` breaks lines wherever Python does (`\\r`, U+2028, ...).
    """
    width = WIDTH - _BODY_INDENT
    text = _link_text(_clean_html(description[:_MAX_INPUT]))
    blocks: list[tuple[str, ...]] = []
    pending: list[str] = []  # the lines of the paragraph or list item being read
    code: list[str] | None = None

    def flush() -> None:
        if pending:
            first = pending[0]
            marker = _ITEM.match(first)
            indent = " " * len(marker.group(0)) if marker else ""
            wrapped = textwrap.wrap(
                " ".join(pending), width=width, subsequent_indent=indent, break_on_hyphens=False
            )
            if marker and blocks and blocks[-1] and _ITEM.match(blocks[-1][0]):
                blocks[-1] = (*blocks[-1], *wrapped)  # consecutive items: one block
            else:
                blocks.append(tuple(wrapped))
            pending.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if _FENCE.match(line.strip()):
            flush()
            if code is None:
                code = []
            else:
                blocks.append(tuple(code))
                code = None
            continue
        if code is not None:
            wrapped_code = textwrap.wrap(
                line, width=width, initial_indent=_HANGING, subsequent_indent=_HANGING * 2
            )
            code.extend(wrapped_code if line.strip() else [""])
            continue
        stripped = " ".join(line.split())
        if not stripped:
            flush()
            continue
        stripped = _HEADING.sub("", stripped)
        if _ITEM.match(stripped):
            flush()
        pending.append(stripped)
    flush()
    if code:
        blocks.append(tuple(code))
    # Code blocks may hold blank lines; none is kept at a block's ends.
    return [tuple(_strip_blank(block)) for block in blocks if any(block)]


def _strip_blank(block: tuple[str, ...]) -> list[str]:
    lines = list(block)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def _bounded(paragraphs: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """At most `MAX_DESCRIPTION_LINES` lines (blank lines between paragraphs count)."""
    kept: list[tuple[str, ...]] = []
    budget = MAX_DESCRIPTION_LINES
    for paragraph in paragraphs:
        blank = 1 if kept else 0
        if len(paragraph) + blank > budget:
            room = budget - blank
            if room > 0:
                kept.append((*paragraph[: room - 1], f"{paragraph[room - 1]} {_ELLIPSIS}"))
            elif kept:
                kept[-1] = (*kept[-1][:-1], f"{kept[-1][-1]} {_ELLIPSIS}")
            break
        kept.append(paragraph)
        budget -= len(paragraph) + blank
    return tuple(kept)


def _parameter_text(parameter: Parameter) -> str:
    where = {"path": "path", "query": "query", "header": "header", "cookie": "cookie"}
    return f"The `{parameter.name}` {where.get(parameter.location, '')} parameter."


def _entry(name: str, text: str) -> DocEntry:
    """`name: text`, wrapped for an entry indented by twelve spaces, continuations by four."""
    text = _one_line(text)
    lines = textwrap.wrap(
        f"{name}: {text}",
        width=WIDTH - _ENTRY_INDENT,
        subsequent_indent=_HANGING,
        break_on_hyphens=False,
    )
    return DocEntry(name=name, text=text, lines=tuple(lines))


def _handler_raises(statuses: tuple[str, ...]) -> tuple[str, ...]:
    """The server handler's `Raises:` entry: the ApiError it answers an error with."""
    if not statuses:
        return ()
    return tuple(
        textwrap.wrap(
            f"ApiError: To answer with an error; the spec documents {', '.join(statuses)}.",
            width=WIDTH - _ENTRY_INDENT,
            subsequent_indent=_HANGING,
            break_on_hyphens=False,
        )
    )


def _returns(successes: list[Response]) -> tuple[str, ...]:
    """What a call returns: the 2xx responses' descriptions, by status when there are several."""
    if not successes:
        return ()
    if len(successes) == 1:
        text = _one_line(successes[0].description) or f"The {successes[0].status} response."
    else:
        text = " ".join(
            f"({r.status}) {_one_line(r.description) or 'A success response.'}" for r in successes
        )
    return tuple(
        textwrap.wrap(
            text,
            width=WIDTH - _ENTRY_INDENT,
            subsequent_indent=_HANGING,
            break_on_hyphens=False,
        )
    )
