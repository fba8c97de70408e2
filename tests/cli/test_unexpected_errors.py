"""No traceback ever: an error nobody foresaw is still one located line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

import oaskit.cli._lint
from oaskit.cli import main


def _raising(exc: BaseException) -> object:
    def run(args: object) -> int:
        raise exc

    return run


@pytest.mark.parametrize(
    ("exc", "code", "text"),
    [
        (ValueError("root:x:0:0:root:/root:/bin/bash"), "internal-error", "ValueError"),
        (RecursionError("maximum recursion depth exceeded"), "input-too-deep", "nested too"),
        (MemoryError(), "input-too-large", "more memory"),
        (PermissionError(13, "Permission denied", "spec/x.yaml"), "io-error", "spec/x.yaml"),
    ],
)
def test_reports_one_located_line_when_a_command_fails_unexpectedly(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
    code: str,
    text: str,
) -> None:
    monkeypatch.delenv("OASKIT_TRACEBACK", raising=False)
    monkeypatch.setattr(oaskit.cli._lint, "run", _raising(exc))

    status = main(["lint", "spec/openapi.yaml"])

    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"spec/openapi.yaml:1:1 {code} ")
    assert text in line
    # The exception's own text may quote input (a file outside the root): never shown.
    assert "root:/root" not in err
    assert "Traceback" not in err


def test_lets_the_exception_through_when_oaskit_traceback_is_set(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OASKIT_TRACEBACK", "1")
    monkeypatch.setattr(oaskit.cli._lint, "run", _raising(ValueError("boom")))

    with pytest.raises(ValueError, match="boom"):
        main(["lint", "spec/openapi.yaml"])
