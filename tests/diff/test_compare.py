"""`compare` as a whole: odd input, the base path, the rule catalog, order and speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from oaskit.diff._catalog import all_rules, rule
from oaskit.diff._compare import compare
from oaskit.errors import Level
from oaskit.spec import bundle_spec
from tests.diff._pairs import compare_texts, found, spec

ODD = [
    "paths: []",
    "paths: {/a: [1, 2]}",
    "paths: {/a: {get: 5, parameters: {x: 1}}}",
    "paths: {/a: {get: {parameters: [1, {in: query}, {$ref: '#/nowhere'}], responses: 3}}}",
    "paths: {/a: {get: {requestBody: [], security: {a: 1}, responses: {200: []}}}}",
    "paths: {/a: {get: {responses: {'200': {headers: [], content: {a: 1}}}}}}",
    "paths: {/a: {$ref: '#/components/pathItems/Loop'}}\n"
    "components: {pathItems: {Loop: {$ref: '#/components/pathItems/Loop'}}}",
    "security: [1, {a: 3}]\ncomponents: {securitySchemes: [1]}\nservers: {}",
    "servers: [{url: 5}]",
    "paths: {/a: {get: {responses: {'': {}, 2XX: 1, '2': {}}}}}",
    "components: {securitySchemes: {key: {type: apiKey, in: header, name: 5}, o: {type: http}}}",
    "paths: {/a: {get: {deprecated: true, x-sunset: [],"
    " responses: {'200': {headers: {Sunset: 1}}}}}}",
]


@pytest.mark.parametrize("odd", ODD)
def test_odd_input_never_crashes_when_compared_either_way(tmp_path: Path, odd: str) -> None:
    normal = spec(
        """
        servers: [{url: "https://api.example/v1"}]
        security: [{key: []}]
        paths:
          /a:
            get:
              parameters: [{name: q, in: query, schema: {type: string}}]
              requestBody: {content: {application/json: {schema: {type: object}}}}
              responses:
                "200":
                  description: ok
                  headers: {X-A: {schema: {type: string}}}
                  content: {application/json: {schema: {type: object}}}
        components:
          securitySchemes: {key: {type: apiKey, in: header, name: X-Key}}
        """
    )

    compare_texts(tmp_path, normal, spec(odd))
    compare_texts(tmp_path / "back", spec(odd), normal)
    compare_texts(tmp_path / "same", spec(odd), spec(odd))


def test_base_path_is_a_warning_when_changed(tmp_path: Path) -> None:
    base = spec(
        """
        servers:
          - url: "https://{host}/v1"
            variables: {host: {default: api.example}}
        paths: {}
        """
    )
    head = base.replace("/v1", "/v2")

    changes = compare_texts(tmp_path, base, head)

    assert found(changes) == [
        ("server-base-path-changed", "warning", ("servers", 0, "url"), ("servers", 0, "url"))
    ]
    assert compare_texts(tmp_path / "host", base, base.replace("api.example", "x.example")) == []


def test_catalog_holds_each_rule_once_when_gathered() -> None:
    ids = [each.id for each in all_rules()]

    assert len(ids) == len(set(ids))
    assert all(each == each.lower() and " " not in each for each in ids)
    assert rule("endpoint-removed").level is Level.ERROR
    with pytest.raises(KeyError):
        rule("no-such-rule")


def test_changes_are_sorted_when_returned(tmp_path: Path) -> None:
    base = spec(
        """
        paths:
          /b: {get: {responses: {"200": {description: ok}}}}
          /a: {get: {responses: {"200": {description: ok}}}}
        """
    )
    head = spec("paths: {}")

    changes = compare_texts(tmp_path, base, head)

    assert [sorted(change.operations) for change in changes] == [["GET /a"], ["GET /b"]]


def test_compare_is_faster_than_bundling_when_a_thousand_operations(tmp_path: Path) -> None:
    lines = ["paths:"]
    for number in range(1000):
        lines += [
            f"  /things{number}/{{id}}:",
            "    get:",
            "      parameters:",
            "        - {name: id, in: path, required: true, schema: {type: string}}",
            "        - {name: q, in: query, schema: {type: string}}",
            '      responses: {"200": {description: ok}, "404": {description: no}}',
        ]
    text = spec("\n".join(lines))
    sides = []
    started = time.perf_counter()
    for name, body in (("base", text), ("head", text.replace("query,", "query, required: true,"))):
        path = tmp_path / name / "openapi.yaml"
        path.parent.mkdir()
        path.write_text(body, encoding="utf-8")
        sides.append(bundle_spec(path))
    bundled = time.perf_counter() - started

    started = time.perf_counter()
    changes = compare(sides[0], sides[1])
    compared = time.perf_counter() - started

    assert len(changes) == 1000
    assert compared < bundled  # linear in the spec: a quadratic walk would not keep up
