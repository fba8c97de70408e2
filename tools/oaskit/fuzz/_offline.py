"""What in a bundled spec would make schemathesis reach beyond the server under test.

STYLE.md rule 16: nothing is fetched from the network. schemathesis 4.32.5 would fetch an
Example Object's `externalValue` (`specs/openapi/examples.py::load_external_example`), a link's
`operationRef` into another document, and any `$ref` that is not a fragment wherever it stands,
literal example data and `x-` extensions included (`jsonschema_rs.Registry` follows them all).
The bundler already refuses references it cannot read from the spec's folder, so such a `$ref`
is left only where the bundler reads literal data. Examples and links are withheld, each noted
at its place; withholding fails nothing, since the API is still tested without them. A `$ref`
stays (it may be the very value of an example) and `_guard` refuses its retrieval; where
schemathesis needed it to validate a response, the collector reports the unresolvable
reference as an error, as it does for any.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oaskit.errors import Location
from oaskit.spec import Bundle, Pointer, format_pointer

__all__ = ["Withheld", "withhold_remote"]


@dataclass(frozen=True)
class Withheld:
    """One thing the run did not fetch: where the spec names it, what it is, what became of it."""

    location: Location
    what: str
    outcome: str

    def display(self, *, root: Path | None = None) -> str:
        """`file:line:col: what (outcome)`."""
        return f"{self.location.display(root=root)}: {self.what} ({self.outcome})"


def withhold_remote(bundle: Bundle) -> tuple[dict[str, Any], tuple[Withheld, ...]]:
    """A copy of the bundled spec without what would be fetched, and a note for each."""
    spec = copy.deepcopy(bundle.data)
    assert isinstance(spec, dict)  # `load_spec` refuses any other document
    withheld: list[Withheld] = []
    # Links are taken out after the walk, with the links that refer to them by `$ref`.
    remote_links: list[tuple[dict[str, Any], str, Pointer]] = []
    link_refs: list[tuple[dict[str, Any], str, str]] = []
    stack: list[tuple[Any, Pointer]] = [(spec, ())]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed([(item, (*pointer, index)) for index, item in enumerate(node)]))
            continue
        if not isinstance(node, dict):
            continue
        examples = node.get("examples")
        for name, example in _dict_entries(examples):
            external = example.get("externalValue")
            # schemathesis reads `value` before `externalValue`, and sends an Example Object
            # that has neither as the example itself; an empty one it skips, and a `$ref` to
            # it still resolves. A list under `examples` is JSON Schema's, of literal values.
            if external is not None and "value" not in example:
                assert isinstance(examples, dict)
                examples[name] = {}
                withheld.append(
                    Withheld(
                        bundle.locate((*pointer, "examples", name, "externalValue")),
                        f"example {name!r}: externalValue {external}",
                        "not fetched; the example was left out",
                    )
                )
        links = node.get("links")
        for name, link in _dict_entries(links):
            assert isinstance(links, dict)
            target = link.get("operationRef")
            ref = link.get("$ref")
            # OAS 3.1 section 4.8.20: an `operationRef` may name an operation in another
            # document; following the link would mean fetching that document.
            if isinstance(target, str) and not target.startswith("#"):
                remote_links.append((links, name, (*pointer, "links", name)))
                withheld.append(
                    Withheld(
                        bundle.locate((*pointer, "links", name, "operationRef")),
                        f"link {name!r}: operationRef {target}",
                        "not fetched; the link was left out",
                    )
                )
            elif isinstance(ref, str):
                link_refs.append((links, name, ref))
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            # Literal data to the bundler, a reference to schemathesis' registry; it stays as
            # written (it is the example's value) and the guard refuses the retrieval.
            withheld.append(
                Withheld(bundle.locate((*pointer, "$ref")), f"$ref {ref}", "not fetched")
            )
        stack.extend(reversed([(value, (*pointer, key)) for key, value in node.items()]))
    removed = {format_pointer(pointer) for _, _, pointer in remote_links}
    for links, name, _ in remote_links:
        links.pop(name, None)
    for links, name, ref in link_refs:
        # A response's link by `$ref` to a link left out above (`#/components/links/...`).
        if ref in removed:
            links.pop(name, None)
    return spec, tuple(withheld)


def _dict_entries(container: object) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (name, entry) pairs of a mapping whose entries are mappings; none for anything else."""
    if isinstance(container, dict):
        for name, entry in list(container.items()):
            if isinstance(entry, dict):
                yield str(name), entry
