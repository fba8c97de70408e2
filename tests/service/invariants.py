"""The service's invariants as schemathesis checks, for `oaskit fuzz --check-module` and tests.

Importing this module registers three class-based checks (`schemathesis.check`); schemathesis
builds one instance of each per run, so what a check remembers spans the run and no further.
`oaskit fuzz` runs them when `[tool.oaskit.fuzz] check-modules` (or `--check-module`) names
this module. They judge what a success returns, which the spec's schemas cannot state:

- `list_items_match_reads`: an item of the native list equals the read of the same connector
  at the same `version` (DOMAIN.md: every read path shows a connector the same way);
- `no_secret_in_responses`: no response of any dialect holds a secret value a request sent, or
  a value sealed at rest (`{"$sealed": "v1.<key id>.<base64url>"}`);
- `version_tracks_state`: `version` and `ETag` change exactly when stored state changes: a
  write that changes nothing keeps both (the native PUT's description), one that changes
  something bumps both, and the `ETag` is the version as a strong entity tag.

They are classes, not functions, because each compares a response with earlier ones of the
run. Shrinking and replays call a check again with a response it has seen
(`schemathesis/checks.py::check`), so what a check remembers is the latest state, never a count.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import schemathesis
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case

__all__ = [
    "MASK",
    "is_secret_name",
    "list_items_match_reads",
    "no_secret_in_responses",
    "version_tracks_state",
]

# What every secret that is set reads as (DOMAIN.md, "Secrets").
MASK = "**********"
# Substrings of a key name, lower-cased with `_ - .` removed, that make its string value
# secret (DOMAIN.md, "Secrets"; the service's `domain/_secrets.py` decides the same way).
SECRET_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authorization",
    "cookie",
)
# A value sealed at rest: `v1.<key id>.<base64url of nonce and ciphertext>` (crypto.py).
SEALED_MEMBER = "$sealed"
SEALED_TOKEN = re.compile(r"v1\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{24,}")
# Shorter secrets are compared with whole response strings only: a two-letter secret occurs
# inside many unrelated strings. Below the first length, not even that: generated secrets like
# "0" equal server-made values by chance.
EXACT_MIN = 4
SUBSTRING_MIN = 8
# Members that change on every successful write whatever it changed.
VOLATILE = frozenset({"version", "updatedAt", "updatedBy"})


def is_secret_name(name: str) -> bool:
    """Whether a key's name marks its string value as secret."""
    normalised = name.lower().replace("_", "").replace("-", "").replace(".", "")
    return any(word in normalised for word in SECRET_WORDS)


@schemathesis.check
class no_secret_in_responses:  # noqa: N801 - schemathesis names a check after its class
    """No response holds a secret any request of the run sent, nor a sealed value."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        # Values a request also sent where they are no secret (a name, a path segment): seeing
        # one again proves nothing.
        self.public: set[str] = set()
        self.lock = threading.Lock()

    def after_response(self, ctx: Any, response: Response, case: Case[Any]) -> bool | None:
        secrets, public = request_values(case)
        with self.lock:
            self.public |= public
            self.secrets |= secrets
            tracked = self.secrets - self.public
        text = response.text or ""
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = None
        for where, value in _strings(body):
            if SEALED_TOKEN.search(value) and value not in self.public:
                raise AssertionError(f"a sealed value is in the response at {str(where) or '/'}")
        for where, node in _objects(body):
            if SEALED_MEMBER in node:
                raise AssertionError(f"a sealed value is in the response at {str(where) or '/'}")
        leaked = leaked_secrets(tracked, body, text)
        if leaked:
            shown = ", ".join(
                f"{len(value)}-character secret at {where}" for where, value in leaked
            )
            raise AssertionError(f"a secret a request sent is in the response: {shown}")
        return None


def request_values(case: Case[Any]) -> tuple[set[str], set[str]]:
    """The secret strings `case` sends in its body, and every other string it sends."""
    secrets: set[str] = set()
    public: set[str] = set()
    for container in (case.path_parameters, case.query, case.headers, case.cookies):
        for value in (container or {}).values():
            if isinstance(value, str):
                public.add(value)
    body = case.body
    if not isinstance(body, Mapping):
        return secrets, public
    defined, defaults = _secret_fields(body)
    # The default of a secret field is itself a secret (census, `default`).
    secrets.update(value for value in defaults if value and value != MASK)
    for path, value in _strings(body):
        if _is_secret_place(path, defined) and value and value != MASK and "{{" not in value:
            # A template names a value (`Bearer {{ api_token }}`); it holds none itself.
            secrets.add(value)
        else:
            public.add(value)
    return secrets, public


def leaked_secrets(secrets: set[str], body: object, text: str) -> list[tuple[str, str]]:
    """Where each of `secrets` shows up in a response: whole strings, or inside long ones."""
    found = []
    strings = list(_strings(body))
    for secret in sorted(secrets):
        if len(secret) < EXACT_MIN:
            continue
        for where, value in strings:
            if value == secret or (len(secret) >= SUBSTRING_MIN and secret in value):
                found.append((str(where) or "/", secret))
                break
        else:
            if body is None and len(secret) >= SUBSTRING_MIN and secret in text:
                found.append(("the body", secret))
    return found


def _secret_fields(body: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """Ids of the fields the body defines as secret, in any dialect's shape, and their defaults."""
    ids: set[str] = set()
    defaults: set[str] = set()
    definitions: list[Mapping[str, Any]] = []
    connector = body.get("connector")
    for holder in (body, connector if isinstance(connector, Mapping) else {}):
        for name in ("fields", "configuration_definition"):
            fields = holder.get(name)
            if isinstance(fields, Mapping):
                for key, field in fields.items():
                    if isinstance(field, Mapping) and field.get("secret") is True:
                        ids.add(str(key))
                        definitions.append(field)
            elif isinstance(fields, list):
                for field in fields:
                    if isinstance(field, Mapping) and field.get("secret") is True:
                        ids.update(str(field[key]) for key in ("id", "name", "key") if key in field)
                        definitions.append(field)
    for field in definitions:
        if isinstance(field.get("default"), str):
            defaults.add(field["default"])
    return ids, defaults


# Where configuration values live: native flat `data`, and `configuration.configuration_json`
# (the native vendor shape and Supermetrics). Census and the vendor `connector.data` hold the
# HTTP template instead, whose secret headers must be placeholders.
_CONTAINERS = (("data",), ("configuration", "configuration_json"))


def _is_secret_place(path: tuple[str, ...], defined: set[str]) -> bool:
    for container in _CONTAINERS:
        if path[: len(container)] != container or len(path) == len(container):
            continue
        inside = path[len(container) :]
        if inside[0] in defined:
            return True
        # A list item has no name of its own: the nearest member name decides.
        names = [part for part in inside if not part.isdigit()]
        return bool(names) and is_secret_name(names[-1])
    return False


def _strings(node: object) -> Iterator[tuple[_Path, str]]:
    for where, value in _walk(node):
        if isinstance(value, str):
            yield where, value


def _objects(node: object) -> Iterator[tuple[_Path, Mapping[str, Any]]]:
    for where, value in _walk(node):
        if isinstance(value, Mapping):
            yield where, value


def _walk(node: object) -> Iterator[tuple[_Path, object]]:
    """Every node under `node` with its path: a tuple of tokens, shown as a JSON pointer."""
    pending: list[tuple[object, tuple[str, ...]]] = [(node, ())]
    while pending:
        value, here = pending.pop()
        yield _Path(here), value
        if isinstance(value, Mapping):
            pending.extend((item, (*here, str(key))) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((item, (*here, str(index))) for index, item in enumerate(value))


class _Path(tuple[str, ...]):
    """Path tokens that read as an RFC 6901 JSON pointer."""

    def __str__(self) -> str:
        return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in self)

    def __bool__(self) -> bool:
        return len(self) > 0


@dataclass(frozen=True)
class _Seen:
    version: int
    view: Mapping[str, Any]


@schemathesis.check
class list_items_match_reads:  # noqa: N801 - schemathesis names a check after its class
    """An item of `GET /v1/connectors` equals `GET /v1/connectors/{id}` at the same version."""

    def __init__(self) -> None:
        self.reads: dict[str, _Seen] = {}
        self.listed: dict[str, _Seen] = {}
        self.lock = threading.Lock()

    def after_response(self, ctx: Any, response: Response, case: Case[Any]) -> bool | None:
        if case.method.upper() != "GET" or response.status_code != 200:
            return None
        body = _json(response)
        data = body.get("data") if isinstance(body, Mapping) else None
        if case.path == "/v1/connectors" and isinstance(data, Mapping):
            items = data.get("items")
            for item in items if isinstance(items, list) else ():
                seen = _connector(item)
                if seen is None:
                    continue
                with self.lock:
                    read = self.reads.get(str(item["id"]))
                    self.listed[str(item["id"])] = seen
                _compare(listed=seen, read=read, id_=str(item["id"]))
        elif case.path == "/v1/connectors/{id}" and isinstance(data, Mapping):
            seen = _connector(data)
            if seen is None:
                return None
            with self.lock:
                listed = self.listed.get(str(data["id"]))
                self.reads[str(data["id"])] = seen
            _compare(listed=listed, read=seen, id_=str(data["id"]))
        return None


def _compare(*, listed: _Seen | None, read: _Seen | None, id_: str) -> None:
    if listed is None or read is None or listed.version != read.version:
        return
    # Members both show; a list may leave some out, but what it shows must be what a read shows.
    differing = sorted(
        key for key in listed.view.keys() & read.view.keys() if listed.view[key] != read.view[key]
    )
    if differing:
        raise AssertionError(
            f"connector {id_} at version {listed.version}: the list and a read differ in "
            + ", ".join(differing)
        )


def _connector(data: object) -> _Seen | None:
    if not isinstance(data, Mapping) or not isinstance(data.get("version"), int):
        return None
    if "id" not in data:
        return None
    view = {key: value for key, value in data.items() if key not in VOLATILE}
    return _Seen(version=data["version"], view=view)


@schemathesis.check
class version_tracks_state:  # noqa: N801 - schemathesis names a check after its class
    """`version` and `ETag` change exactly when a connector's stored state changes."""

    def __init__(self) -> None:
        self.seen: dict[str, _Seen] = {}
        self.lock = threading.Lock()

    def after_response(self, ctx: Any, response: Response, case: Case[Any]) -> bool | None:
        if not 200 <= response.status_code < 300:
            return None
        body = _json(response)
        data = body.get("data") if isinstance(body, Mapping) else None
        current = _connector(data)
        if current is None:
            return None
        assert isinstance(data, Mapping)  # `_connector` accepted it
        etags = response.headers.get("etag") or []
        # The spec's ETag header: "the connector's version as a strong entity tag" (RFC 9110
        # section 8.8.3: an opaque-tag in double quotes, no `W/`).
        if etags and etags[0] != f'"{current.version}"':
            raise AssertionError(
                f"ETag {etags[0]} does not name version {current.version} of connector {data['id']}"
            )
        method = case.method.upper()
        with self.lock:
            before = self.seen.get(str(data["id"]))
            self.seen[str(data["id"])] = current
        if before is None:
            return None
        changed = before.view != current.view
        if current.version < before.version:
            raise AssertionError(
                f"connector {data['id']}: version went back from {before.version} to"
                f" {current.version}"
            )
        if method == "GET" and current.version == before.version and changed:
            raise AssertionError(
                f"connector {data['id']}: reads at version {current.version} differ in "
                + ", ".join(_differing(before.view, current.view))
            )
        if method not in {"PUT", "PATCH"}:
            return None
        if changed and current.version == before.version:
            raise AssertionError(
                f"{method} changed connector {data['id']} ("
                + ", ".join(_differing(before.view, current.view))
                + f") but kept version {current.version} and its ETag"
            )
        # One bump and no visible change is a write that changed nothing, unless it may have
        # set a secret, which reads show masked either way. A larger step means writes this
        # check did not see (a probe request of another check), so it proves nothing.
        if (
            not changed
            and current.version == before.version + 1
            and not _may_set_secrets(case.body)
        ):
            raise AssertionError(
                f"{method} changed nothing visible in connector {data['id']} but moved its"
                f" version from {before.version} to {current.version}"
            )
        return None


def _may_set_secrets(body: object) -> bool:
    if not isinstance(body, Mapping):
        return False
    configuration = body.get("configuration")
    return "data" in body or (
        isinstance(configuration, Mapping) and "configuration_json" in configuration
    )


def _differing(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def _json(response: Response) -> object:
    try:
        return response.json()
    except Exception:
        return None
