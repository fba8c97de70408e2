"""The pets feature spec, generated and run: split models, discriminated unions, cookies,
security alternatives and inline response schemas, through the async client and the server."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi import Request
from fastapi.responses import JSONResponse, Response

from oaskit.pipeline import generate_package

SPEC = Path(__file__).resolve().parents[1] / "golden" / "specs" / "pets.yaml"
PACKAGE = "pets_run"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("pets")
    for name, text in generate_package(SPEC, name="pets", package=PACKAGE, source="x").items():
        target = root / PACKAGE / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@dataclass
class Shelter:
    """An implementation of the generated handlers that remembers what it was given."""

    server: ModuleType
    models: ModuleType
    received: list[Any] = field(default_factory=list)
    cookies: list[str | None] = field(default_factory=list)
    shelters: list[str] = field(default_factory=list)

    async def authenticate(self, request: Request, *, scheme: str, scopes: Sequence[str]) -> None:
        if scheme == "bearer" and request.headers.get("authorization") == "Bearer good":
            return
        if scheme == "apiKey" and request.headers.get("x-api-key") == "key":
            return
        raise self.server.ApiError(401, "UNAUTHENTICATED", f"{scheme} credentials missing")

    def render_error(self, request: Request, error: Any) -> Response:
        fields = [problem.field for problem in error.problems]
        body = {"title": error.code, "detail": error.message, "fields": fields}
        return JSONResponse(body, status_code=error.status, headers=error.headers)

    async def meta_root(self, request: Request) -> Any:
        return self.server.Reply(200, {"pets": "https://pets.test/pets"})

    async def create_pet(
        self,
        request: Request,
        *,
        idempotency_key: str | None,
        session: str | None,
        x_shelter: str,
        body: Any,
    ) -> Any:
        self.received.append(body)
        self.cookies.append(session)
        self.shelters.append(x_shelter)
        pet = body.root
        if isinstance(pet, self.models.DogRequest):
            made = self.models.DogResponse(petType="dog", id="d1", name=pet.name, bark=pet.bark)
        else:
            made = self.models.CatResponse(petType="cat", id="c1", name=pet.name)
        return self.server.Reply(201, self.models.PetResponse(made))

    async def get_pet_owner(
        self, request: Request, *, pet_id: int, fields: list[str] | None
    ) -> Any:
        self.received.append((pet_id, fields))
        return self.server.Reply(200, None if pet_id == 2 else {"name": "Ann", "nickname": None})


@pytest.fixture
def run(package: ModuleType) -> tuple[Any, Shelter]:
    """The generated client module, and a fresh implementation behind the generated server."""
    server = importlib.import_module(f"{PACKAGE}.server")
    models = importlib.import_module(f"{PACKAGE}.models")
    return importlib.import_module(f"{PACKAGE}.client"), Shelter(server, models)


def _client(client_module: Any, shelter: Shelter, **auth: Any) -> Any:
    # The async client, in process: httpx's ASGI transport is async only.
    transport = httpx.ASGITransport(app=shelter.server.create_app(shelter))
    return client_module.AsyncPetsClient("http://pets.test", transport=transport, **auth)


def test_dog_travels_as_request_model_and_returns_as_response_model(
    run: tuple[Any, Shelter],
) -> None:
    client_module, shelter = run
    models = shelter.models
    client = _client(client_module, shelter, token="good")
    dog = models.DogRequest(
        petType="dog", name="Rex", bark=models.Bark.WOOF, chipCode="123456789012345"
    )

    made = asyncio.run(
        client.create_pet(body=models.PetRequest(dog), session="s-1", x_shelter="north")
    )

    assert isinstance(made, models.PetResponse)
    assert isinstance(made.root, models.DogResponse)
    assert (made.root.id, made.root.bark) == ("d1", models.Bark.WOOF)
    assert isinstance(shelter.received[0].root, models.DogRequest)
    assert shelter.received[0].root.chipCode == "123456789012345"
    assert shelter.cookies == ["s-1"]
    assert shelter.shelters == ["north"]
    # writeOnly members exist only in the request model, readOnly ones only in the response.
    assert "chipCode" not in models.DogResponse.model_fields
    assert "id" not in models.DogRequest.model_fields


@pytest.mark.parametrize(
    "body",
    [
        {"petType": "cat", "name": "Tom", "id": "c9"},  # readOnly member sent by a client
        {"petType": "cow", "name": "Daisy"},  # no such member of the union
        {"petType": "dog", "name": "Rex"},  # the dog's required bark missing
    ],
)
def test_server_refuses_body_with_400_when_union_member_does_not_validate(
    run: tuple[Any, Shelter], body: dict[str, Any]
) -> None:
    _, shelter = run
    transport = httpx.ASGITransport(app=shelter.server.create_app(shelter))

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://pets.test") as http:
            headers = {"Authorization": "Bearer good", "X-Shelter": "north"}
            return await http.post("/pets", json=body, headers=headers)

    response = asyncio.run(post())

    assert response.status_code == 400
    assert shelter.received == []


def test_server_refuses_request_without_required_header_when_optional_ones_precede_it(
    run: tuple[Any, Shelter],
) -> None:
    _, shelter = run
    transport = httpx.ASGITransport(app=shelter.server.create_app(shelter))
    body = {"petType": "cat", "name": "Tom"}

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://pets.test") as http:
            return await http.post("/pets", json=body, headers={"Authorization": "Bearer good"})

    response = asyncio.run(post())

    assert response.status_code == 400
    assert response.json()["fields"] == ["header.X-Shelter"]
    assert shelter.received == []


@dataclass
class ClosingShelter(Shelter):
    """A shelter that ranks a closed shelter (409) before a refused body, by `BodyPrecheck`."""

    prechecked: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    async def check_before_body(self, request: Request, *, operation: str, parameters: Any) -> None:
        self.prechecked.append((operation, dict(parameters)))
        if parameters["x_shelter"] == "closed":
            raise self.server.ApiError(409, "CLOSED", "This shelter is closed.")


@pytest.mark.parametrize(
    ("shelter_name", "content", "media_type", "status"),
    [
        ("closed", b'{"petType": "cow"}', "application/json", 409),
        ("closed", b"{", "application/json", 409),
        ("closed", b"", "application/json", 409),
        ("closed", b"{}", "text/plain", 409),
        ("north", b'{"petType": "cow"}', "application/json", 400),
        ("north", b"{}", "text/plain", 415),
    ],
)
def test_body_precheck_answers_before_the_body_when_the_body_is_refused(
    run: tuple[Any, Shelter], shelter_name: str, content: bytes, media_type: str, status: int
) -> None:
    _, plain = run
    shelter = ClosingShelter(plain.server, plain.models)
    transport = httpx.ASGITransport(app=shelter.server.create_app(shelter))

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://pets.test") as http:
            headers = {
                "Authorization": "Bearer good",
                "X-Shelter": shelter_name,
                "Content-Type": media_type,
                "Idempotency-Key": "k-1",
            }
            return await http.post("/pets", content=content, headers=headers)

    response = asyncio.run(post())

    assert response.status_code == status, response.text
    assert shelter.prechecked == [
        ("createPet", {"idempotency_key": "k-1", "session": None, "x_shelter": shelter_name})
    ]
    assert shelter.received == []


def test_body_precheck_is_not_called_when_the_body_is_valid(run: tuple[Any, Shelter]) -> None:
    client_module, plain = run
    shelter = ClosingShelter(plain.server, plain.models)
    client = _client(client_module, shelter, token="good")
    cat = shelter.models.CatRequest(petType="cat", name="Tom")

    made = asyncio.run(client.create_pet(body=shelter.models.PetRequest(cat), x_shelter="closed"))

    assert isinstance(made.root, shelter.models.CatResponse)
    assert shelter.prechecked == []


def _get(shelter: Shelter, url: str, method: str = "GET") -> httpx.Response:
    transport = httpx.ASGITransport(app=shelter.server.create_app(shelter))

    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://pets.test") as http:
            return await http.request(method, url, headers={"Authorization": "Bearer good"})

    return asyncio.run(send())


def test_server_reads_typed_path_and_repeated_query_parameters_when_they_are_valid(
    run: tuple[Any, Shelter],
) -> None:
    _, shelter = run

    response = _get(shelter, "/pets/7/owner?fields=name&fields=nickname")
    bare = _get(shelter, "/pets/8/owner")

    assert response.status_code == 200, response.text
    assert bare.status_code == 200, bare.text
    assert shelter.received == [(7, ["name", "nickname"]), (8, None)]


@pytest.mark.parametrize(
    ("url", "field"),
    [("/pets/0/owner", "path.petId"), ("/pets/seven/owner", "path.petId")],
)
def test_server_names_the_parameter_when_it_breaks_the_schema(
    run: tuple[Any, Shelter], url: str, field: str
) -> None:
    _, shelter = run

    response = _get(shelter, url)

    assert response.status_code == 400
    assert response.json()["fields"] == [field]
    assert shelter.received == []


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "DELETE"])
def test_server_answers_405_with_allow_when_the_method_is_not_documented(
    run: tuple[Any, Shelter], method: str
) -> None:
    _, shelter = run

    response = _get(shelter, "/pets/7/owner", method=method)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert shelter.received == []


def test_second_security_alternative_admits_request_when_first_fails(
    run: tuple[Any, Shelter],
) -> None:
    client_module, shelter = run
    client = _client(client_module, shelter, api_key=("X-Api-Key", "key"))

    owner = asyncio.run(client.get_pet_owner(1))

    assert isinstance(owner, shelter.models.Owner)
    assert (owner.name, owner.nickname) == ("Ann", None)


@pytest.mark.parametrize("content", [b"null", b" null\n", b""])
def test_nullable_response_gives_none_when_body_is_json_null(
    run: tuple[Any, Shelter], content: bytes
) -> None:
    client_module, _ = run
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            200, content=content, headers={"Content-Type": "application/json"}
        )
    )
    client = client_module.PetsClient("http://pets.test", token="good", transport=transport)

    assert client.get_pet_owner(2) is None


def test_first_alternative_refusal_answers_when_no_alternative_admits(
    run: tuple[Any, Shelter],
) -> None:
    client_module, shelter = run
    client = _client(client_module, shelter, token="bad")

    with pytest.raises(client_module.ApiResponseError) as caught:
        asyncio.run(client.get_pet_owner(1))

    assert caught.value.status_code == 401
    assert "bearer" in caught.value.text


def test_public_operation_returns_inline_schema_as_json_when_called_without_credentials(
    run: tuple[Any, Shelter],
) -> None:
    client_module, shelter = run
    client = _client(client_module, shelter)

    assert asyncio.run(client.meta_root()) == {"pets": "https://pets.test/pets"}


def test_case_colliding_enum_values_get_distinct_members_when_generated(
    package: ModuleType,
) -> None:
    bark = importlib.import_module(f"{PACKAGE}.models").Bark

    assert sorted(member.value for member in bark) == ["1-yip", "WOOF", "Woof", "null", "woof"]
