"""`oaskit fuzz`: usage problems exit 2 with a one-line reason; findings exit 1 with reports."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from oaskit.cli import main
from tests._specs import CLEAN_SPEC, write
from tests.fuzz.items_api import MAX_EXAMPLES, SEED, SPEC, TOKEN, build_app, serve


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


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            ["--include", "method:GET"],
            "oaskit: operation filter 'method:GET' is not KIND:VALUE with KIND one of"
            " operation-id, path, tag (a bare value is an operation id)\n",
        ),
        (["--exclude", "path:"], "oaskit: operation filter 'path:' has an empty value\n"),
        (
            ["--rate-limit", "fast"],
            "oaskit: invalid rate limit 'fast': expected auto or N/s, N/m, N/h, N/d with N >= 1\n",
        ),
        (["--max-time", "0"], "oaskit: max_time must be positive, got 0\n"),
        (["--junit", "nowhere/report.xml"], "oaskit: --junit nowhere/report.xml: no such folder"),
        (["--html", "nowhere/report.html"], "oaskit: --html nowhere/report.html: no such folder"),
    ],
)
def test_exits_2_with_one_line_when_new_option_is_malformed(
    workdir: Path,
    dead_url: str,
    capsys: pytest.CaptureFixture[str],
    option: list[str],
    message: str,
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    code = main(["fuzz", "--spec", "openapi.yaml", "--url", dead_url, *option])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_exits_2_before_any_request_when_include_matches_nothing(
    workdir: Path, dead_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write("openapi.yaml", CLEAN_SPEC)

    # Nobody listens at the URL: the filter is refused first, from the spec alone.
    code = main(["fuzz", "--spec", "openapi.yaml", "--url", dead_url, "--include", "tag:nope"])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("oaskit: --include tag:nope matches no operation in the spec")
    assert err.count("\n") == 1


def fuzz_items(url: str) -> list[str]:
    """`oaskit fuzz` arguments for items.json at `url`, with the token and a fixed seed."""
    return [
        "fuzz",
        "--spec",
        "items.json",
        "--url",
        url,
        "--token",
        TOKEN,
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
    ]


@pytest.fixture
def items_spec(workdir: Path) -> Path:
    path = workdir / "items.json"
    path.write_text(json.dumps(SPEC))
    return path


def test_exits_1_and_writes_reports_when_deleted_item_stays_readable(
    workdir: Path, items_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "out").mkdir()
    with serve(build_app("delete_keeps_item")) as url:
        code = main([*fuzz_items(url), "--junit", "out/fuzz.xml", "--html", "out/fuzz.html"])

    out, err = capsys.readouterr()
    assert code == 1
    # stderr is no terminal here: no progress line, nothing but the report on stdout.
    assert err == ""
    assert "[use_after_free] Deleted resource still available" in out
    assert out.splitlines()[-1].startswith("fuzz: 1 failure, ")
    root = ET.parse(workdir / "out" / "fuzz.xml").getroot()
    failures = root.findall("testsuite/testcase[@name='DELETE /items/{id}']/failure")
    assert [failure.get("type") for failure in failures] == ["use_after_free"]
    assert root.find("testsuite").get("name") == f"items.json against {url}"  # type: ignore[union-attr]
    page = (workdir / "out" / "fuzz.html").read_text(encoding="utf-8")
    assert '<span class="check">use_after_free</span>' in page
    assert TOKEN not in page
    assert TOKEN not in out


def test_exits_0_when_only_the_correct_operations_are_selected(
    workdir: Path, items_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(build_app("delete_keeps_item")) as url:
        code = main(
            [
                *fuzz_items(url),
                "--exclude",
                "deleteItem",
                "--rate-limit",
                "1000/s",
                "--max-time",
                "60",
            ]
        )

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "DELETE" not in out
    assert out.splitlines()[-1].startswith("fuzz: 0 failures, ")
