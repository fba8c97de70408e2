"""Names of inline schemas, from where they sit: `PullRequestHead` for member `head` of
`PullRequest`, `IssueLabel` for the items of `labels`, `ReposGetNotFoundResponse` for a response.
"""

from __future__ import annotations

import http

from oaskit.ir._naming import words

__all__ = ["Hint", "letters", "response_hint"]


class Hint:
    """Where an inline schema sits, as the class name it would take, worked out only when a class
    is defined: most schemas met (scalar members) never need their name."""

    __slots__ = ("_kind", "_parent", "_part", "_text")

    def __init__(self, parent: Hint | str, kind: str = "", part: str = "") -> None:
        self._parent = parent
        self._kind = kind
        self._part = part
        self._text: str | None = parent if isinstance(parent, str) and not kind else None

    def __str__(self) -> str:
        if self._text is None:
            base = str(self._parent)
            if self._kind == "child":
                self._text = _child(base, self._part)
            elif self._kind == "item":
                self._text = _item_name(base)
            else:
                self._text = base + self._part
        return self._text

    def child(self, part: str) -> Hint:
        """The schema of member `part`: `PullRequest` → `PullRequestHead`."""
        return Hint(self, "child", part)

    def item(self) -> Hint:
        """An array's items: `IssueLabels` → `IssueLabel`."""
        return Hint(self, "item")

    def plus(self, suffix: str) -> Hint:
        return Hint(self, "plus", suffix)


def _words(text: str) -> list[str]:
    """`text`'s words as `class_name` reads them, each capitalised."""
    return [w[:1].upper() + w[1:] for w in words(text)]


def _child(parent: str, part: str) -> str:
    """The name of an inline schema at member `part` of class `parent`: `PullRequestHead`; the
    words `part` shares with the end of `parent` are not repeated (`ListResponse` + `response`
    is `ListResponseValue`, not `ListResponseResponse`)."""
    words = _words(part) or ["Member"]
    head = _words(parent)
    for size in range(min(len(words), len(head)), 0, -1):
        if [w.lower() for w in head[-size:]] == [w.lower() for w in words[:size]]:
            words = words[size:] or ["Value"]
            break
    return parent + "".join(words)


def _item_name(hint: str) -> str:
    """An array item's name: the singular of a plural last word (`IssueLabels` → `IssueLabel`),
    else `…Item`."""
    found = words(hint)
    last = found[-1] if found else ""
    lower = last.lower()
    if len(lower) > 3 and lower.endswith("ies"):
        return hint[:-3] + "y"
    if len(lower) > 2 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return hint[:-1]
    return hint + "Item"


def letters(index: int) -> str:
    """`A`, `B`, … `Z`, `AA`, …: a union member's place, without a number."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def response_hint(operation: str, status: str, first: bool) -> str:
    """`ReposGetResponse` for an operation's first success response, else its status's phrase:
    `ReposGetNotFoundResponse`, `ReposGetDefaultResponse`."""
    if first:
        return operation + "Response"
    if status.isdigit():
        try:
            phrase = http.HTTPStatus(int(status)).phrase
        except ValueError:
            phrase = f"Status{status}"
    else:
        phrase = status  # `default`, `2XX`
    return operation + "".join(_words(phrase)) + "Response"
