"""`ir/_routes`: route templates Starlette reads as the spec means them, concrete paths first."""

from __future__ import annotations

import pytest
from starlette.routing import compile_path

from oaskit.ir._routes import route_template, specificity


@pytest.mark.parametrize(
    ("path", "template", "names"),
    [
        ("/pets/{petId}", "/pets/{petId}", {"petId": "petId"}),
        (
            "/teams/{enterprise-team}",
            "/teams/{enterprise_team}",
            {"enterprise-team": "enterprise_team"},
        ),
        ("/kinds/{name:int}", "/kinds/{name_int}", {"name:int": "name_int"}),
        ("/f/{flight.orderId}", "/f/{flight_order_id}", {"flight.orderId": "flight_order_id"}),
        # A generated name never takes one the path already uses.
        ("/a/{b-c}/{b_c}", "/a/{b_c_2}/{b_c}", {"b-c": "b_c_2", "b_c": "b_c"}),
        # A name used twice is read from its first place; Starlette refuses a repeated name.
        ("/a/{id}/b/{id}", "/a/{id}/b/{id_2}", {"id": "id"}),
        ("/v1/{name}:cancel", "/v1/{name}:cancel", {"name": "name"}),
        ("/a/{}", "/a/{value}", {"": "value"}),
        ("/a/{café}", "/a/{caf}", {"café": "caf"}),
    ],
)
def test_route_template_has_names_starlette_reads_when_spec_names_are_free_text(
    path: str, template: str, names: dict[str, str]
) -> None:
    assert route_template(path) == (template, names)


@pytest.mark.parametrize(
    ("path", "request_path", "values"),
    [
        ("/kinds/{name:int}", "/kinds/abc", {"name_int": "abc"}),
        ("/t/{a-b}/x{c.d}y", "/t/1/x2y", {"a_b": "1", "c_d": "2"}),
        ("/lit{{/{id}", "/lit{{/7", {"id": "7"}),
        ("/lit.*+?/{id}", "/lit.*+?/7", {"id": "7"}),
    ],
)
def test_starlette_matches_the_spec_path_when_given_the_route_template(
    path: str, request_path: str, values: dict[str, str]
) -> None:
    pattern, _, _ = compile_path(route_template(path)[0])
    match = pattern.match(request_path)

    assert match is not None
    assert match.groupdict() == values


def test_specificity_orders_concrete_then_mixed_then_templated_when_sorted() -> None:
    paths = [
        "/v1/{name}",
        "/artifacts/{hash}",
        "/v1/{name}:cancel",
        "/v1/{name}.{format}",
        "/artifacts/events",
        "/v1/{name}:cancelAll",
        "/v1/current",
    ]

    ordered = sorted(paths, key=specificity)

    assert ordered.index("/artifacts/events") < ordered.index("/artifacts/{hash}")
    assert (
        ordered.index("/v1/current")
        < ordered.index("/v1/{name}:cancelAll")
        < ordered.index("/v1/{name}:cancel")
        < ordered.index("/v1/{name}.{format}")
        < ordered.index("/v1/{name}")
    )
