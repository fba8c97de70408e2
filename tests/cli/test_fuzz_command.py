"""`oaskit fuzz`: problems with how it was asked to run exit 2 with a one-line reason."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from oaskit.cli import main
from tests._specs import CLEAN_SPEC, write


@pytest.fixture
def dead_url() -> str:
    """A URL on 127.0.0.1 at a port that was free a moment ago and that nobody listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_exits_2_with_one_line_when_nobody_listens_at_url(
    workdir: Path, dead_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    code = main(["fuzz", "--spec", "openapi.yaml", "--url", dead_url, "--max-examples", "1"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == f"oaskit: cannot reach {dead_url}: connection refused\n"


def test_exits_2_with_one_line_when_check_name_is_unknown(
    workdir: Path, dead_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    code = main(["fuzz", "--spec", "openapi.yaml", "--url", dead_url, "--checks", "nonsense"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("oaskit: unknown check nonsense (known: ")
    assert "not_a_server_error" in err
    assert err.count("\n") == 1


def test_exits_2_with_one_line_when_spec_file_is_missing(
    workdir: Path, dead_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fuzz", "--spec", "missing.yaml", "--url", dead_url])

    assert (code, *capsys.readouterr()) == (2, "", "oaskit: missing.yaml: no such file\n")


def test_exits_2_with_one_line_when_header_has_no_colon(
    workdir: Path, dead_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    code = main(["fuzz", "--spec", "openapi.yaml", "--url", dead_url, "--header", "X-Token"])

    assert (code, *capsys.readouterr()) == (2, "", "oaskit: --header 'X-Token' is not NAME:VALUE\n")
