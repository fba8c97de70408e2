"""Client-to-server smoke run of one spec: generate, serve, call every operation, compare.

`run_spec(path)` generates a package from the spec, serves its FastAPI app over a `Recorder`,
calls every operation through the generated sync client (over real HTTP on 127.0.0.1) and async
client (over an ASGI transport) with valid values of every argument, and records per operation
whether the handler received what was sent and the client parsed the reply into its return type.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import json
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import uvicorn
from pydantic import TypeAdapter, ValidationError

from oaskit.errors import SpecInputError
from oaskit.ir import build_api
from oaskit.pipeline import GenerationError, generate_package
from oaskit.spec import bundle_spec
from tests.smoke.implementation import Planned, Recorder, difference, normalise
from tests.smoke.values import NoValueError, Values

__all__ = [
    "Call",
    "Exercise",
    "Generated",
    "OpResult",
    "Outcome",
    "SpecResult",
    "Target",
    "one_line",
    "plan_spec",
    "plan_targets",
    "run_spec",
    "serving",
    "spec_operations",
]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, slots=True)
class OpResult:
    """One operation's outcome: `pass`, `fail` (with the stage and a reason) or `skip`."""

    spec: str
    operation: str
    method: str
    path: str
    status: str
    stage: str = ""
    reason: str = ""

    def line(self) -> str:
        """`spec operation (METHOD /path): stage: reason`."""
        return (
            f"{self.spec} {self.operation} ({self.method} {self.path}): {self.stage}: {self.reason}"
        )


@dataclass(frozen=True, slots=True)
class SpecResult:
    """Every operation of one spec, and how long the run took."""

    spec: str
    operations: tuple[OpResult, ...]
    seconds: float

    def count(self, status: str) -> int:
        """How many operations ended with `status`."""
        return sum(1 for op in self.operations if op.status == status)


@dataclass
class Call:
    """One planned call: the client's arguments, what the handler must receive, the reply."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    expected: dict[str, Any]
    reply: Planned
    # The status the client must raise for (no 2xx documented), else None.
    raises: int | None
    label: str = ""


@dataclass
class Outcome:
    """How one call went: no stage when it passed."""

    stage: str = ""
    reason: str = ""


@dataclass
class Target:
    """One operation's planned calls, or why it is skipped."""

    name: str
    method: str
    path: str
    calls: list[Call] = field(default_factory=list)
    skip: str = ""
    return_annotation: str = "Any"
    # The IR's operation (for its parameters' spec names and locations).
    op: Any = None


def spec_operations(data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """`(operationId or METHOD path, METHOD, path)` of every operation in the spec."""
    found: list[tuple[str, str, str]] = []
    for path, item in (data.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                label = operation.get("operationId") or f"{method.upper()} {path}"
                found.append((str(label), method.upper(), str(path)))
    return found


@dataclass(frozen=True, slots=True)
class Generated:
    """A spec's oaskit package, imported: what an exercise calls its operations with."""

    path: Path
    label: str
    root: Path
    api: Any
    data: dict[str, Any]
    client: ModuleType
    server: ModuleType


# Calls every operation of a generated package; `run_spec` takes another for peer generators.
Exercise = Callable[[Generated], list[OpResult]]


def run_spec(
    path: Path, *, label: str | None = None, exercise: Exercise | None = None
) -> SpecResult:
    """Generate, serve and call every operation of the spec at `path`."""
    label = label or path.name
    started = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="oaskit-smoke-"))
    try:
        with warnings.catch_warnings():
            # Generated packages may warn (a deprecated format, a field shadowing a parent's).
            warnings.simplefilter("ignore")
            results = _run(path, label, root, exercise or _exercise_oaskit)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return SpecResult(label, tuple(results), time.perf_counter() - started)


def _run(path: Path, label: str, root: Path, exercise: Exercise) -> list[OpResult]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raw = {}
    listed = spec_operations(raw)

    def everything(stage: str, reason: str) -> list[OpResult]:
        return [OpResult(label, n, m, p, "fail", stage, reason) for n, m, p in listed]

    slug = re.sub(r"\W+", "_", label.lower()).strip("_")
    package = f"smoke_{slug}"[:60]
    name = re.sub(r"\W+", "_", path.stem).strip("_") or "api"
    try:
        files = generate_package(path, name=name, package=package, source=path.name)
        bundle = bundle_spec(path)
        api = build_api(
            bundle.data,
            name=name,
            source=path.name,
            package=package,
            validation_status="documented",
        )
    except GenerationError as exc:
        found = "; ".join(f"{f.code}: {f.message}" for f in exc.findings[:2])
        return everything("generate", one_line(found))
    except SpecInputError as exc:
        return everything("generate", one_line(f"{exc.finding.code}: {exc.finding.message}"))
    except Exception as exc:  # a crash of the generator is a finding too
        return everything("generate", one_line(f"crashed: {type(exc).__name__}: {exc}"))
    for relative, text in files.items():
        target = root / package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        try:
            client = importlib.import_module(f"{package}.client")
            server = importlib.import_module(f"{package}.server")
        except Exception as exc:  # a generated module that does not import
            return everything("import", one_line(f"{type(exc).__name__}: {exc}"))
        try:
            return exercise(Generated(path, label, root, api, bundle.data, client, server))
        except Exception as exc:  # create_app refusing the implementation, or a harness bug
            return everything("import", one_line(f"exercise crashed: {type(exc).__name__}: {exc}"))
    finally:
        sys.path.remove(str(root))
        for module in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[module]


def plan_targets(generated: Generated) -> tuple[list[Target], Recorder, Any]:
    """Every operation's planned calls, the recorder answering them, and the app serving it."""
    api, client, server = generated.api, generated.client, generated.server
    values = Values(generated.data)
    namespace = vars(client)
    targets = [_target(op, generated.data, values, namespace) for op in api.operations]
    recorder = Recorder(
        reply_type=server.Reply,
        operations=frozenset(t.name for t in targets if not t.skip),
        error_type=server.ApiError,
        schemes={s.name: (s.location, s.key) for s in api.credentials},
    )
    return targets, recorder, server.create_app(recorder)


def _exercise_oaskit(generated: Generated) -> list[OpResult]:
    api, client, label = generated.api, generated.client, generated.label
    targets, recorder, app = plan_targets(generated)
    namespace = vars(client)
    credentials = _credentials(api, client)
    sync_cls = getattr(client, api.client_class)
    async_cls = getattr(client, f"Async{api.client_class}")
    sync_outcomes: dict[str, Outcome] = {}
    with serving(app) as base_url, sync_cls(base_url, credentials=credentials) as sync_client:
        for target in targets:
            if not target.skip:
                invoke = functools.partial(_sync_call, sync_client, target)
                sync_outcomes[target.name] = _run_target(target, recorder, namespace, invoke)
    async_outcomes = asyncio.run(
        _async_all(targets, recorder, namespace, async_cls, credentials, app)
    )
    results: list[OpResult] = []
    for target in targets:
        if target.skip:
            results.append(
                OpResult(
                    label, target.name, target.method, target.path, "skip", "values", target.skip
                )
            )
            continue
        outcome = _combine(sync_outcomes[target.name], async_outcomes[target.name])
        status = "fail" if outcome.stage else "pass"
        results.append(
            OpResult(
                label,
                target.name,
                target.method,
                target.path,
                status,
                outcome.stage,
                outcome.reason,
            )
        )
    return results


async def _async_all(
    targets: list[Target],
    recorder: Recorder,
    namespace: dict[str, Any],
    async_cls: Any,
    credentials: Any,
    app: Any,
) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    transport = httpx.ASGITransport(app=app)
    async with async_cls(
        "http://smoke.test", credentials=credentials, transport=transport
    ) as async_client:
        for target in targets:
            if target.skip:
                continue
            outcome = Outcome()
            for call in target.calls:
                recorder.received.pop(target.name, None)
                recorder.refusals.clear()
                recorder.plans[target.name] = call.reply
                try:
                    method = getattr(async_client, target.name)
                    result = await method(*call.args, **call.kwargs)
                    error: BaseException | None = None
                except Exception as exc:  # judged below, by stage
                    result, error = None, exc
                outcome = _judge(target, call, recorder, namespace, result, error)
                if outcome.stage:
                    break
            outcomes[target.name] = outcome
    return outcomes


def _sync_call(sync_client: Any, target: Target, call: Call) -> Any:
    return getattr(sync_client, target.name)(*call.args, **call.kwargs)


def _run_target(
    target: Target, recorder: Recorder, namespace: dict[str, Any], invoke: Callable[[Call], Any]
) -> Outcome:
    outcome = Outcome()
    for call in target.calls:
        recorder.received.pop(target.name, None)
        recorder.refusals.clear()
        recorder.plans[target.name] = call.reply
        try:
            result = invoke(call)
            error: BaseException | None = None
        except Exception as exc:  # judged below, by stage
            result, error = None, exc
        outcome = _judge(target, call, recorder, namespace, result, error)
        if outcome.stage:
            break
    return outcome


def _judge(
    target: Target,
    call: Call,
    recorder: Recorder,
    namespace: dict[str, Any],
    result: Any,
    error: BaseException | None,
) -> Outcome:
    prefix = f"[{call.label}] " if call.label else ""
    ran = target.name in recorder.received
    if not ran:
        if recorder.refusals:
            return Outcome("call", prefix + "server refused: " + recorder.refusals[-1].line())
        if error is not None:
            return Outcome("call", prefix + one_line(f"{type(error).__name__}: {error}"))
        return Outcome("call", prefix + "the handler did not run")
    if recorder.crashes:
        return Outcome("handler-args", prefix + recorder.crashes.pop())
    received = recorder.received[target.name]
    for key, sent in call.expected.items():
        if key not in received:
            return Outcome("handler-args", prefix + f"{key}: not passed to the handler")
        found = difference(sent, received[key], key)
        if found:
            return Outcome("handler-args", prefix + found)
    if call.raises is not None:
        status = getattr(error, "status_code", None)
        if status == call.raises:
            return Outcome()
        what = f"{type(error).__name__} status {status}" if error else f"returned {result!r:.60}"
        return Outcome("response-parse", prefix + f"expected a raise for {call.raises}, {what}")
    if error is not None:
        if isinstance(error, ValidationError):
            details = error.errors()
            where = ".".join(str(p) for p in details[0]["loc"]) if details else ""
            text = (
                f"ValidationError at {where or 'root'}: {details[0]['msg'] if details else error}"
            )
        else:
            text = f"{type(error).__name__}: {error}"
        if recorder.refusals:
            text += " (server: " + recorder.refusals[-1].line() + ")"
        return Outcome("response-parse", prefix + one_line(text))
    return _check_result(target, call, namespace, result, prefix)


def _check_result(
    target: Target, call: Call, namespace: dict[str, Any], result: Any, prefix: str
) -> Outcome:
    try:
        annotation = eval(target.return_annotation, namespace)  # the client's own annotation
    except Exception:
        annotation = Any
    try:
        TypeAdapter(annotation).validate_python(result)
    except ValidationError as exc:
        return Outcome(
            "response-parse",
            prefix
            + one_line(
                f"returned {type(result).__name__} for {target.return_annotation}: "
                f"{exc.errors()[0]['msg']}"
            ),
        )
    except Exception:
        pass  # an annotation TypeAdapter cannot build: the comparison below still judges
    if call.reply.body is not None:
        found = difference(call.reply.body, normalise(result), "response")
        if found:
            return Outcome("response-parse", prefix + one_line(found))
    return Outcome()


def _combine(sync: Outcome, asynchronous: Outcome) -> Outcome:
    if sync.stage and asynchronous.stage:
        if (sync.stage, sync.reason) == (asynchronous.stage, asynchronous.reason):
            return sync
        return Outcome(sync.stage, f"sync: {sync.reason} | async: {asynchronous.reason}")
    if sync.stage:
        return Outcome(sync.stage, f"sync only: {sync.reason}")
    if asynchronous.stage:
        return Outcome(asynchronous.stage, f"async only: {asynchronous.reason}")
    return Outcome()


def _credentials(api: Any, client: ModuleType) -> Any:
    given = {
        scheme.python_name: ("smoke", "secret") if scheme.kind == "basic" else "smoke-token"
        for scheme in api.credentials
    }
    return client.Credentials(**given)


# Planning: the values of every call, from the spec's schemas.


def _target(op: Any, data: dict[str, Any], values: Values, namespace: dict[str, Any]) -> Target:
    target = Target(
        op.name, op.method.upper(), op.path, return_annotation=op.return_annotation, op=op
    )
    try:
        target.calls = plan_spec(op, data, values, namespace)
    except NoValueError as exc:
        target.skip = one_line(str(exc))
    except Exception as exc:  # a schema shape values.py does not expect: say so, go on
        target.skip = one_line(f"harness error planning values: {type(exc).__name__}: {exc}")
    return target


def plan_spec(
    op: Any, data: dict[str, Any], values: Values, namespace: dict[str, Any]
) -> list[Call]:
    """The calls that exercise `op`: one per body media type the client can choose."""
    item = values.resolve((data.get("paths") or {}).get(op.path) or {})
    operation = values.resolve(item.get(op.method.lower()) or {})
    declared = _parameters(item, operation, values)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for parameter in op.parameters:
        spec_parameter = declared.get((parameter.name, parameter.location), {})
        schema = _parameter_schema(spec_parameter, values)
        given = _spaced(values.value(schema, mode="request"), values.resolve(schema))
        python = _to_python(parameter.annotation, given, namespace)
        expected[parameter.python_name] = given
        if parameter.location == "path":
            continue
        kwargs[parameter.python_name] = python
    for parameter in op.path_parameters:
        args.append(_to_python(parameter.annotation, expected[parameter.python_name], namespace))
    reply, raises = _reply(operation, values)
    if op.body is None:
        return [Call(tuple(args), kwargs, expected, reply, raises)]
    body = values.resolve(operation.get("requestBody") or {})
    content = body.get("content") or {}
    # The client sends the body in the media type the IR chose for it (`Body.media_type`).
    media_type = op.body.media_type
    schema = (content.get(media_type) or {}).get("schema")
    value: Any
    if op.body.kind == "binary":
        # Raw bytes whatever the schema says (`format: binary`, an array of bytes, none).
        value = b"smoke-bytes"
    elif schema is None:
        value = "smoke"
    else:
        value = values.value(schema, mode="request", binary=op.body.kind != "json")
    body_value = _to_python(op.body.annotation, value, namespace)
    return [
        Call(
            tuple(args), {**kwargs, "body": body_value}, {**expected, "body": value}, reply, raises
        )
    ]


def _spaced(value: Any, schema: Any) -> Any:
    """A free-text parameter as `smoke value`: a space must survive each location's encoding
    (`%20` in a path, `+` or `%20` in a query, as is in a header, percent-encoded in a cookie)."""
    if value != "smoke" or not isinstance(schema, dict):
        return value
    high = schema.get("maxLength")
    return "smoke value" if not isinstance(high, int) or high >= len("smoke value") else value


def _parameters(
    item: dict[str, Any], operation: dict[str, Any], values: Values
) -> dict[tuple[str, str], dict[str, Any]]:
    # Operation parameters override the path item's by name and location (OAS 4.8.9.1).
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = values.resolve(raw)
        if isinstance(parameter, dict):
            found[(str(parameter.get("name")), str(parameter.get("in")))] = parameter
    return found


def _parameter_schema(parameter: dict[str, Any], values: Values) -> Any:
    if "schema" in parameter:
        return parameter["schema"]
    for media in (parameter.get("content") or {}).values():
        return (media or {}).get("schema", {"type": "string"})
    return {"type": "string"}


def _reply(operation: dict[str, Any], values: Values) -> tuple[Planned, int | None]:
    responses: dict[str, Any] = {str(k): v for k, v in (operation.get("responses") or {}).items()}
    success = [s for s in responses if s.startswith("2")]
    if success:
        chosen, raises = success[0], None
    else:
        numeric = [s for s in responses if s.isdigit()]
        chosen = numeric[0] if numeric else "default"
        raises = int(numeric[0]) if numeric else 500
    status = 200 if chosen.upper() == "2XX" else (raises or int(chosen))
    response = values.resolve(responses.get(chosen) or {})
    body: Any = None
    if status not in (204, 205, 304):
        for media_type, media in (response.get("content") or {}).items():
            if _is_json(media_type) and isinstance(media, dict) and "schema" in media:
                body = values.value(media["schema"], mode="response")
                break
    return Planned(status, body), raises


def _is_json(media_type: str) -> bool:
    return "json" in media_type.lower()


def _to_python(annotation: str, value: Any, namespace: dict[str, Any]) -> Any:
    """`value` as the client's annotation wants it: models built, dates parsed, enums made."""
    try:
        kind = eval(annotation, namespace)  # the client module's own annotation text
        adapter: TypeAdapter[Any] = TypeAdapter(kind)
    except Exception:
        return value
    try:
        # JSON input: strict models take an enum's or a date's text only from JSON.
        return adapter.validate_json(json.dumps(value))
    except (TypeError, ValueError):
        pass
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return value


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` served by uvicorn on 127.0.0.1 (a free port) in a thread; its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="critical", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= 300 else line[:297] + "..."
