"""Runs in the openapi-python-client venv: call every planned operation, print the outcomes.

`python peer_child.py PLAN.json` with a plan from `tests/smoke/peer.py`. Imports nothing of
this project (only the standard library and the generated client with its own dependencies),
since it runs under another interpreter. Prints one JSON object: outcome by operation key.
"""

from __future__ import annotations

import base64
import datetime
import enum
import importlib
import io
import json
import pkgutil
import re
import sys
import typing
import uuid
from pathlib import Path
from types import ModuleType, UnionType
from typing import Any

_METHOD = re.compile(r'"method":\s*"(\w+)"')
_URL = re.compile(r'"url":\s*f?"([^"]*)"')


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    sys.path.insert(0, plan["root"])
    package = plan["package"]
    client_module = importlib.import_module(f"{package}.client")
    types_module = importlib.import_module(f"{package}.types")
    client = _client(client_module, plan)
    endpoints = _endpoints(package)
    outcomes: dict[str, dict[str, Any]] = {}
    for op in plan["operations"]:
        key = (op["method"].lower(), _shape(op["path"]))
        module = endpoints.get(key)
        if module is None:
            outcomes[op["key"]] = {"error": "no endpoint generated (the peer skipped it)"}
            continue
        try:
            outcomes[op["key"]] = _call(module, op, client, types_module)
        except Exception as exc:  # reported as the call's outcome
            outcomes[op["key"]] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    print(json.dumps(outcomes))


def _client(module: ModuleType, plan: dict[str, Any]) -> Any:
    options: dict[str, Any] = {
        "base_url": plan["base_url"],
        "headers": dict(plan["headers"]),
        "cookies": dict(plan["cookies"]),
        # Query API keys go with every request through httpx's own `params`.
        "httpx_args": {"params": dict(plan["params"])},
    }
    if plan["token"]:
        return module.AuthenticatedClient(token=plan["token"], prefix=plan["prefix"], **options)
    return module.Client(**options)


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def _endpoints(package: str) -> dict[tuple[str, str], ModuleType]:
    """Every generated endpoint module by (method, path with placeholders blanked)."""
    found: dict[tuple[str, str], ModuleType] = {}
    api = importlib.import_module(f"{package}.api")
    for info in pkgutil.walk_packages(api.__path__, f"{package}.api."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        method, url = _METHOD.search(source), _URL.search(source)
        if method and url:
            found[(method.group(1).lower(), _shape(url.group(1)))] = module
    return found


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _call(module: ModuleType, op: dict[str, Any], client: Any, types_module: ModuleType) -> Any:
    function = module.sync_detailed
    hints = typing.get_type_hints(function)
    by_squashed = {_squash(name): name for name in hints if name not in ("client", "return")}
    kwargs: dict[str, Any] = {}
    for parameter in op["parameters"]:
        # The peer suffixes the location when two parameters share a name (`id_query`).
        name = by_squashed.get(_squash(parameter["name"] + parameter["in"])) or by_squashed.get(
            _squash(parameter["name"])
        )
        if name is None:
            return {"error": f"no argument for {parameter['in']} parameter {parameter['name']!r}"}
        kwargs[name] = _convert(_decode(parameter["value"]), hints[name], types_module)
    if op.get("body") is not None and "body" in hints:
        kwargs["body"] = _convert(_decode(op["body"]), hints["body"], types_module)
    elif op.get("body") is not None:
        return {"error": "the endpoint takes no body"}
    response = function(client=client, **kwargs)
    parsed = response.parsed
    unset = getattr(types_module, "Unset", None)
    return {
        "status": int(response.status_code),
        "parsed": None if parsed is None or (unset and isinstance(parsed, unset)) else "ok",
        "content": response.content[:300].decode("utf-8", "replace"),
    }


def _decode(value: Any) -> Any:
    """Bytes travel in the plan as {"__bytes__": base64}."""
    if isinstance(value, dict):
        if set(value) == {"__bytes__"}:
            return base64.b64decode(value["__bytes__"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _convert(value: Any, hint: Any, types_module: ModuleType) -> Any:
    """`value` as the peer's annotation wants it: models from dicts, enums, dates, files."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, UnionType):
        members = [m for m in typing.get_args(hint) if m is not type(None)]
        members = [m for m in members if getattr(m, "__name__", "") != "Unset"]
        for member in members:
            try:
                return _convert(value, member, types_module)
            except Exception:  # try the next member
                continue
        return value
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return [_convert(v, item, types_module) for v in value]
    if hint is getattr(types_module, "File", None):
        payload = value if isinstance(value, bytes) else str(value).encode()
        return types_module.File(payload=io.BytesIO(payload), file_name="smoke.bin")
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            return hint(value)
        if hasattr(hint, "from_dict"):
            if not isinstance(value, dict):
                # Let a union try its next member (a `File` for bytes, say).
                raise TypeError(f"{type(value).__name__} is not an object")
            return hint.from_dict(value)
        if hint is datetime.datetime:
            return datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if hint is datetime.date:
            return datetime.date.fromisoformat(value)
        if hint is uuid.UUID:
            return uuid.UUID(value)
        if hint in (int, float, str, bool, bytes) and not isinstance(value, hint):
            raise TypeError(f"{value!r} is not {hint.__name__}")
    return value


if __name__ == "__main__":
    main()
