"""What a fuzz run is asked to do, checked against what schemathesis knows."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from types import MappingProxyType

from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.engine.run import TESTING_PHASES
from schemathesis.generation import GenerationMode

from oaskit.fuzz._checks import load_check_modules
from oaskit.fuzz._errors import FuzzUsageError
from oaskit.fuzz._select import OperationFilter

DEFAULT_PHASES = tuple(phase.value for phase in TESTING_PHASES)
# `st run` leaves `max_examples` unset, so Hypothesis' own default applies: 100 per operation,
# phase and generation mode (`settings.max_examples`). With 25, oaskit missed a planted 500 that
# `st run --seed 1` found (issue #14).
DEFAULT_MAX_EXAMPLES = 100
# `st run --mode all`, its default: schema-valid data and data that breaks the schema.
MODE_ALL = "all"
MODES = (*(mode.value for mode in GenerationMode), MODE_ALL)
# schemathesis' own rate syntax (`core/rate_limit.py::parse_units`), plus its `auto`.
RATE_LIMIT_AUTO = "auto"
_RATE = re.compile(r"(?P<count>[0-9]+)/(?P<unit>[smhd])")
# Where a pinned parameter may live: OAS 3.1 section 4.8.12.1, `in`. A bare name matches any.
PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")
# A fresh target: `header:NAME` (an RFC 9110 section 5.6.2 token) or `body:/json/pointer`
# (RFC 6901), optionally for one operation: `operationId=header:NAME`.
_FRESH = re.compile(
    r"(?:(?P<operation>[^=\s]+)=)?"
    r"(?:header:(?P<header>[!#$%&'*+\-.^_`|~0-9A-Za-z]+)|body:(?P<pointer>(?:/[^/]*)+))"
)

# A current target: `body:/request/pointer=/response/pointer`, optionally for one operation.
_CURRENT = re.compile(
    r"(?:(?P<operation>[^=\s]+)=)?body:(?P<pointer>(?:/[^/=]*)+)=(?P<source>(?:/[^/]*)*)"
)


def _pointer(text: str) -> tuple[str, ...]:
    # RFC 6901 section 4: `~1` is `/` and `~0` is `~`, unescaped in that order.
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in text.split("/")[1:])


@dataclass(frozen=True)
class CurrentTarget:
    """A body member sent with the value the resource has now, read from its last response.

    For members a server sets once and refuses to change (an id's owner, a kind, a unique name):
    a client that read the resource sends back what it read, so a case does too.
    """

    text: str
    pointer: tuple[str, ...]
    source: tuple[str, ...]
    operation_id: str | None

    @classmethod
    def parse(cls, text: str) -> CurrentTarget:
        """`body:/provider=/data/provider`, `updateItem=body:/kind=/kind`."""
        match = _CURRENT.fullmatch(text)
        if match is None:
            raise FuzzUsageError(
                f"invalid current target {text!r}: expected"
                " body:/request/pointer=/response/pointer, optionally after OPERATION-ID=",
                option="current",
                value=text,
            )
        return cls(
            text=text,
            pointer=_pointer(match["pointer"]),
            source=_pointer(match["source"]),
            operation_id=match["operation"],
        )


@dataclass(frozen=True)
class FreshTarget:
    """A request value that must differ in every case: one header, or one string in the body."""

    text: str
    header: str | None
    pointer: tuple[str, ...] | None
    operation_id: str | None

    @classmethod
    def parse(cls, text: str) -> FreshTarget:
        """`header:Idempotency-Key`, `body:/connector/service_name`, `createItem=header:X`."""
        match = _FRESH.fullmatch(text)
        if match is None:
            raise FuzzUsageError(
                f"invalid fresh target {text!r}: expected header:NAME or body:/json/pointer,"
                " optionally after OPERATION-ID=",
                option="fresh",
                value=text,
            )
        pointer = match["pointer"]
        return cls(
            text=text,
            header=match["header"],
            # RFC 6901 section 4: `~1` is `/` and `~0` is `~`, unescaped in that order.
            pointer=(
                tuple(
                    token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]
                )
                if pointer is not None
                else None
            ),
            operation_id=match["operation"],
        )


def known_phases() -> tuple[str, ...]:
    """Names of the test phases schemathesis can run, in the order it runs them."""
    return DEFAULT_PHASES


def known_modes() -> tuple[str, ...]:
    """Generation modes: `positive` (valid data), `negative` (invalid data) or `all` (both)."""
    return MODES


def known_checks() -> tuple[str, ...]:
    """Names of every check registered with schemathesis, built-in and custom, sorted."""
    # Open API checks register on import; schemathesis' own CLI calls this at import time too.
    load_all_checks()
    return tuple(sorted(CHECKS.get_all_names()))


@dataclass(frozen=True)
class FuzzOptions:
    """Settings for one fuzz run of a spec against an implementation."""

    spec_path: Path
    _: KW_ONLY
    base_url: str | None = None
    # Headers usually carry credentials, so they stay out of `repr` and the tracebacks using it.
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    phases: tuple[str, ...] = DEFAULT_PHASES
    # `None` runs every check schemathesis enables by default, which is all of them except
    # `max_response_time`: that one only runs once given a limit.
    checks: tuple[str, ...] | None = None
    mode: str = MODE_ALL
    workers: int = 1
    max_time: float | None = None
    # `auto` waits out a 429 for as long as its `Retry-After` says (schemathesis clamps it to 60 s,
    # and gives up after 3 retries); `N/s`, `N/m`, `N/h`, `N/d` pace requests instead, and then
    # schemathesis does not retry a 429: its engine takes one or the other per operation
    # (`engine/_rate_limit_retry.py::send_tracked`).
    rate_limit: str = RATE_LIMIT_AUTO
    include: tuple[OperationFilter, ...] = ()
    exclude: tuple[OperationFilter, ...] = ()
    # Folders besides the spec's own that its `$ref`s may read (`[tool.oaskit] ref-roots`).
    ref_roots: tuple[Path, ...] = ()
    # Values every case sends for these parameters, keyed by name or `location.name`: what
    # schemathesis' `[parameters]` table pins, e.g. the caller's own tenant id.
    parameters: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    # Request values replaced in every case that carries them by one no other case sent, e.g.
    # an Idempotency-Key, whose reuse with another body a server must refuse.
    fresh: tuple[FreshTarget, ...] = ()
    # Send the entity tag last seen for a URL in the `If-Match` of the next request to it.
    track_etags: bool = False
    # Body members sent with the value the last response for the same URL showed.
    current: tuple[CurrentTarget, ...] = ()
    # The user's own modules whose `@schemathesis.check`s join the run; each is imported.
    check_modules: tuple[str, ...] = ()
    # Whether generated strings may hold U+0000 (schemathesis' `generation.allow-x00`). JSON
    # allows it (RFC 8259 section 7), but many stores do not, and a schema cannot forbid it in
    # every key and value of a free-form object.
    allow_nul: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", MappingProxyType(dict(self.headers)))
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        for key in self.parameters:
            _require_parameter_key(key)
        # Imported before `checks` is checked, so the names may be the modules' own checks.
        load_check_modules(self.check_modules)
        _require_known("phase", "phases", self.phases, known_phases())
        if self.checks is not None:
            _require_known("check", "checks", self.checks, known_checks())
        _require_known("mode", "mode", (self.mode,), known_modes())
        if not self.phases:
            raise FuzzUsageError(
                "no phases to run: pass at least one of " + ", ".join(DEFAULT_PHASES),
                option="phases",
            )
        if self.checks is not None and not self.checks:
            raise FuzzUsageError("no checks to run: pass at least one check name", option="checks")
        for name, value in (("max_examples", self.max_examples), ("workers", self.workers)):
            if value < 1:
                raise FuzzUsageError(f"{name} must be at least 1, got {value}", option=name)
        if self.max_time is not None and not 0 < self.max_time < math.inf:
            raise FuzzUsageError(
                f"max_time must be positive, got {self.max_time:g}", option="max_time"
            )
        _require_rate(self.rate_limit)


def _require_parameter_key(key: str) -> None:
    # schemathesis looks `location.name` up first, then the bare name
    # (`config/_dictionaries.py::lookup_parameter`); any other dot is part of a name.
    location, dot, name = key.partition(".")
    if key.strip() and not (dot and location in PARAMETER_LOCATIONS and not name):
        return
    raise FuzzUsageError(
        f"invalid parameter {key!r}: expected NAME or LOCATION.NAME with LOCATION one of "
        + ", ".join(PARAMETER_LOCATIONS),
        option="parameters",
        value=key,
    )


def _require_rate(value: str) -> None:
    if value == RATE_LIMIT_AUTO:
        return
    match = _RATE.fullmatch(value)
    if match is None or int(match["count"]) < 1:
        raise FuzzUsageError(
            f"invalid rate limit {value!r}: expected auto or N/s, N/m, N/h, N/d with N >= 1",
            option="rate_limit",
        )


def _require_known(kind: str, option: str, names: tuple[str, ...], known: tuple[str, ...]) -> None:
    unknown = [name for name in names if name not in known]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise FuzzUsageError(
            f"unknown {kind}{plural} {', '.join(unknown)} (known: {', '.join(known)})",
            option=option,
            value=unknown[0],
        )
