"""Drives the schemathesis engine over a hand-written spec and collects a `FuzzReport`."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import schemathesis
from schemathesis.checks import CHECKS
from schemathesis.config import SchemathesisConfig
from schemathesis.core.errors import InvalidSchema, LoaderError
from schemathesis.engine import from_schema
from schemathesis.python import asgi
from schemathesis.schemas import BaseSchema
from schemathesis.transport import is_asgi_app

from oaskit.errors import SpecInputError
from oaskit.fuzz._adjust import CaseAdjuster, adjusting
from oaskit.fuzz._collector import ReportCollector
from oaskit.fuzz._config import accept_documented_state_rules, build_config
from oaskit.fuzz._errors import FuzzUsageError
from oaskit.fuzz._guard import Confinement, Origin, confined, origin_of
from oaskit.fuzz._offline import Withheld, withhold_remote
from oaskit.fuzz._options import FuzzOptions
from oaskit.fuzz._probe import ensure_reachable
from oaskit.fuzz._progress import LiveProgress
from oaskit.fuzz._recorded import Redactor
from oaskit.fuzz._report import FuzzReport
from oaskit.fuzz._select import narrow_schema, operation_ids, selected_operations
from oaskit.spec import Bundle, bundle_spec

# Base URL for in-process runs: the `Host` schemathesis' ASGI client sends by default.
IN_PROCESS_BASE_URL = f"http://{asgi.HOST}"
# Header names (lower case) whose values are credentials, besides any name containing a marker.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
# `api-key`, not `key`: an Idempotency-Key is no credential and helps to replay a failure.
CREDENTIAL_MARKERS = ("token", "api-key", "apikey", "secret", "auth", "session", "password")


def run_fuzz(
    options: FuzzOptions, *, app: object | None = None, progress: TextIO | None = None
) -> FuzzReport:
    """Fuzz the implementation behind `options.base_url`, or the ASGI `app` in process.

    With `progress` (a terminal), a status line is redrawn there while the run goes on.
    """
    if app is not None and not is_asgi_app(app):
        raise FuzzUsageError(f"not an ASGI application: {app!r}")
    if app is None:
        if options.base_url is None:
            raise FuzzUsageError("nothing to fuzz: pass a base URL or an ASGI app")
        base_url = options.base_url
    else:
        # A given base URL still contributes its path prefix; the host is never dialled.
        base_url = options.base_url or IN_PROCESS_BASE_URL
    config = build_config(options, base_url=base_url)
    # What the spec would make schemathesis fetch elsewhere is left out before it sees the spec.
    spec, withheld = withhold_remote(_bundle(options.spec_path, ref_roots=options.ref_roots))
    accept_documented_state_rules(config, spec)
    # Filters are checked against the spec before any request is sent, so a typo is a usage
    # error rather than a run that silently tests nothing.
    selected = selected_operations(spec, include=options.include, exclude=options.exclude)
    redactor = Redactor(
        secrets=_credentials(options.headers),
        headers=options.headers,
    )
    collector = ReportCollector(
        redactor=redactor,
        filtered=bool(options.include or options.exclude),
        operation_ids=operation_ids(spec),
    )
    # Loading the schema already builds schemathesis' reference registry, which retrieves what
    # a `$ref` names; the guard is up from then on. In process, nothing may go over the network.
    with confined(None if app is not None else base_url) as confinement:
        schema = narrow_schema(
            _load_schema(spec, path=options.spec_path, config=config),
            include=options.include,
            exclude=options.exclude,
        )
        if app is None:
            ensure_reachable(base_url)
        # This is what `schemathesis.openapi.from_asgi` does after fetching the schema from the
        # app; loading the hand-written file instead keeps the code-derived schema out of it.
        schema.app = app
        display = LiveProgress(progress, operations=len(selected)) if progress is not None else None
        adjuster = CaseAdjuster(
            fresh=options.fresh,
            track_etags=options.track_etags,
            current=options.current,
            base_path=urlsplit(base_url).path,
        )
        started = time.monotonic()
        try:
            with adjusting(schema, adjuster):
                for event in from_schema(schema).execute():
                    collector.on_event(event)
                    if display is not None:
                        display.on_event(event, failures=collector.failure_count)
                    if event.is_terminal:
                        break
        finally:
            if display is not None:
                display.close()
            if app is not None:
                # The ASGI transport starts the app's lifespan once and keeps it for the whole
                # process; end it with the run, as schemathesis' pytest plugin does after each
                # test.
                asgi.shutdown_lifespans()
    report = collector.build(
        elapsed=time.monotonic() - started,
        seed=config.seed,
        spec=options.spec_path.as_posix(),
        base_url=redactor.url(base_url),
        checks=_enabled_checks(config),
        settings=_settings(options),
    )
    return dataclasses.replace(
        report,
        withheld=_withheld(
            withheld, confinement=confinement, redactor=redactor, own=origin_of(base_url)
        ),
    )


def load_spec(path: Path, *, ref_roots: Sequence[Path] = ()) -> dict[str, Any]:
    """The spec at `path` bundled into one document; FuzzUsageError if it cannot be used."""
    # Our bundler, not `from_path`: schemathesis resolves a relative `$ref` inside a file that
    # was itself reached through a `$ref` against the root's folder, not that file's own, and
    # so cannot read this project's multi-file specs.
    data = _bundle(path, ref_roots=ref_roots).data
    assert isinstance(data, dict)  # `_bundle` refuses any other document
    return data


def _bundle(path: Path, *, ref_roots: Sequence[Path] = ()) -> Bundle:
    if not path.is_file():
        raise FuzzUsageError(f"cannot read spec {path}: no such file")
    try:
        bundle = bundle_spec(path, ref_roots=ref_roots)
    except SpecInputError as exc:
        raise FuzzUsageError(
            f"cannot load spec {exc.finding.location.display()}: {exc.finding.message}"
        ) from None
    if bundle.problems:
        first = bundle.problems[0]
        raise FuzzUsageError(f"cannot load spec {first.location.display()}: {first.message}")
    if not isinstance(bundle.data, dict):
        raise FuzzUsageError(f"cannot load spec {path}: the document is not a mapping")
    return bundle


def _load_schema(spec: dict[str, Any], *, path: Path, config: SchemathesisConfig) -> BaseSchema:
    try:
        return schemathesis.openapi.from_dict(spec, config=config)
    except (LoaderError, InvalidSchema) as exc:
        first_line = (
            exc.message.strip().splitlines()[0] if exc.message.strip() else type(exc).__name__
        )
        raise FuzzUsageError(f"cannot load spec {path}: {first_line}") from None


def _withheld(
    withheld: tuple[Withheld, ...],
    *,
    confinement: Confinement,
    redactor: Redactor,
    own: Origin | None,
) -> tuple[str, ...]:
    """Report lines: what the spec names that was not fetched, then what the guard refused."""
    # Places relative to the working directory, as the command line names specs.
    lines = [item.display(root=Path.cwd()) for item in withheld]
    # A `$ref` noted above is also refused when the registry asks for it; once is enough.
    noted = {item.what.removeprefix("$ref ") for item in withheld}
    for attempt in confinement.refused:
        kind, _, url = attempt.partition(" ")
        if kind == "retrieve" and url in noted:
            continue
        # Only in process can the target's own origin be refused: schemathesis sends its
        # capability probes through a network session even then (`engine/run/probes.py::send`
        # uses `make_session`, not the ASGI client), which looked up `testserver` in DNS. They
        # are kept off the network, and are no request to another host.
        if kind != "retrieve" and origin_of(url) == own:
            continue
        lines.append(f"refused: {kind} {redactor.url(url)}")
    return tuple(lines)


def _credentials(headers: Mapping[str, str]) -> Iterable[str]:
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in CREDENTIAL_HEADERS or any(marker in lowered for marker in CREDENTIAL_MARKERS):
            yield value
            # "Bearer <token>": the token alone may show up too, e.g. echoed in a response body.
            scheme, _, token = value.partition(" ")
            if token and scheme.isalpha():
                yield token.strip()


def _enabled_checks(config: SchemathesisConfig) -> tuple[str, ...]:
    # As `st run`'s HTML report lists them (`reporting/html/build.py::enabled_checks`):
    # `max_response_time` counts only once given a limit.
    checks = config.projects.override.checks
    names = [
        check.__name__
        for check in CHECKS.get_all()
        if check.__name__ != "max_response_time" and checks.get_by_name(name=check.__name__).enabled
    ]
    if checks.max_response_time.enabled:
        names.append("max_response_time")
    return tuple(sorted(names))


def _settings(options: FuzzOptions) -> tuple[tuple[str, str], ...]:
    """Report rows for what the run was asked to do; headers by name only, never by value."""
    # The seed and the phases have report fields of their own.
    rows = [
        ("max examples", str(options.max_examples)),
        ("mode", options.mode),
        ("workers", str(options.workers)),
        ("rate limit", options.rate_limit),
        ("max time", f"{options.max_time:g} s" if options.max_time is not None else "none"),
        ("include", ", ".join(map(str, options.include)) or "every operation"),
        ("exclude", ", ".join(map(str, options.exclude)) or "none"),
        ("headers", ", ".join(options.headers) or "none"),
        # Names only: a pinned value may identify a tenant.
        ("pinned parameters", ", ".join(options.parameters) or "none"),
        ("fresh", ", ".join(target.text for target in options.fresh) or "none"),
        ("current", ", ".join(target.text for target in options.current) or "none"),
        ("track ETags", "yes" if options.track_etags else "no"),
        ("check modules", ", ".join(options.check_modules) or "none"),
        ("U+0000 in strings", "yes" if options.allow_nul else "no"),
    ]
    return tuple(rows)
