"""`oaskit fuzz`: usage problems exit 2 with a one-line reason; findings exit 1 with reports."""

from __future__ import annotations

import argparse
import html
import json
import re
import shlex
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from oaskit.cli import _fuzz, main
from tests._specs import CLEAN_SPEC, write
from tests.fuzz import orders_api
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
    assert root.find("testsuite").get("name") == "items.json"  # type: ignore[union-attr]
    base_url = root.find("testsuite/properties/property[@name='base_url']")
    assert base_url is not None
    assert base_url.get("value") == url
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


def test_shows_a_default_for_every_option_when_printing_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The fuzz command's own parser: the options every command shares are not its to document.
    parser = argparse.ArgumentParser(prog="oaskit")
    _fuzz.add_parser(parser.add_subparsers())
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["fuzz", "--help"])

    assert exited.value.code == 0
    options = " ".join(capsys.readouterr().out.split()).split("options:", 1)[1]
    # An entry runs from its option to the next one.
    entries = re.split(r" (?=--[a-z-]+[ ,])", options)
    described = {entry.split()[0]: entry for entry in entries if entry.startswith("--")}
    assert set(described) == {
        *("--spec", "--api", "--url", "--token", "--header", "--max-examples", "--seed"),
        *("--mode", "--phases", "--checks", "--workers", "--max-time", "--rate-limit"),
        *("--include", "--exclude", "--junit", "--html", "--help"),
        *("--parameter", "--fresh", "--current", "--check-module"),
        # argparse lists both spellings of a BooleanOptionalAction before its help.
        *("--track-etags,", "--no-track-etags", "--allow-nul,", "--no-allow-nul"),
    }
    for option, entry in described.items():
        assert "(default: " in entry or option in {"--help", "--track-etags,", "--allow-nul,"}, (
            entry
        )
    for shown in (
        "(default: 100, as `st run`)",
        "(default: all)",
        "(default: examples,coverage,fuzzing,stateful)",
        "(default: 1)",
        "(default: auto)",
        "(default: [tool.oaskit.fuzz] url)",
        "(default: the spec of each [[tool.oaskit.apis]] entry, in turn)",
    ):
        assert shown in options


def write_project(workdir: Path, apis: dict[str, dict[str, Any]], fuzz: str = "") -> Path:
    """A pyproject.toml listing `apis` (name: spec, each written as NAME.json) and `fuzz`."""
    lines = ["[tool.oaskit]", ""]
    for name, spec in apis.items():
        (workdir / f"{name}.json").write_text(json.dumps(spec))
        lines += [
            "[[tool.oaskit.apis]]",
            f'name = "{name}"',
            f'spec = "{name}.json"',
            f'package = "generated.{name}"',
            "",
        ]
    path = workdir / "pyproject.toml"
    path.write_text("\n".join(lines) + fuzz, encoding="utf-8")
    return path


def creates_spec() -> dict[str, Any]:
    """The items spec with its one operation on `/items` only, so no links to follow."""
    spec: dict[str, Any] = json.loads(json.dumps(SPEC))
    create = spec["paths"]["/items"]["post"]
    del create["responses"]["201"]["links"]
    spec["paths"] = {"/items": {"post": create}}
    return spec


TABLE = f"""
[tool.oaskit.fuzz]
max-examples = {MAX_EXAMPLES}
seed = {SEED}

[tool.oaskit.fuzz.headers]
Authorization = "Bearer ${{ITEMS_TOKEN}}"
X-Trace = "trace-7f3a9c"
"""


def table_rows(out: str) -> dict[str, list[str]]:
    """The status table of a text report: label -> its cells, and "operation" -> the header."""
    rows: dict[str, list[str]] = {}
    for line in out.splitlines():
        # The table ends at its first blank line; a warning below it names operations too.
        if not line.strip() and "operation" in rows:
            break
        cells = line.split()
        if len(cells) > 2 and (cells[0] == "operation" or cells[0].isupper()):
            label = " ".join(cells[:2]) if cells[0].isupper() else cells[0]
            rows.setdefault(label, cells[2:] if cells[0].isupper() else cells[1:])
    return rows


def test_fuzzes_the_configured_spec_when_only_url_is_given(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(workdir, {"items": SPEC}, TABLE)
    monkeypatch.setenv("ITEMS_TOKEN", TOKEN)

    with serve(build_app()) as url:
        code = main(["fuzz", "--url", url, "--phases", "examples,coverage"])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == (
        f"fuzz: 0 failures, {out.split(' cases,')[0].rsplit(' ', 1)[1]} cases, 3 operations,"
        f" seed {SEED}"
    )
    # Only a request with the expanded token gets a 201.
    rows = table_rows(out)
    created = rows["POST /items"][rows["operation"].index("201")]
    assert int(created) > 0
    assert "== " not in out


def test_takes_url_from_the_table_and_seed_from_the_command_line_when_both_set_one(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ITEMS_TOKEN", TOKEN)
    with serve(build_app()) as url:
        table = TABLE.replace("[tool.oaskit.fuzz]\n", f'[tool.oaskit.fuzz]\nurl = "{url}"\n', 1)
        write_project(workdir, {"items": SPEC}, table)
        code = main(["fuzz", "--seed", "7", "--phases", "examples"])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].endswith(", seed 7")


def test_fuzzes_each_api_in_turn_when_project_lists_several(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(workdir, {"items": SPEC, "creates": creates_spec()}, TABLE)
    monkeypatch.setenv("ITEMS_TOKEN", TOKEN)

    with serve(build_app("body_off_schema")) as url:
        code = main(["fuzz", "--url", url, "--phases", "examples,coverage", "--junit", "fuzz.xml"])

    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    assert [line for line in out.splitlines() if line.startswith("== ")] == [
        "== items: items.json ==",
        "== creates: creates.json ==",
    ]
    # The planted defect is in the read, which only the first spec has.
    assert out.splitlines()[-1] == "fuzz: 1 of 2 APIs failed (items)"
    root = ET.parse(workdir / "fuzz.xml").getroot()
    suites = root.findall("testsuite")
    assert [(suite.get("name"), suite.get("failures")) for suite in suites] == [
        ("items", "1"),
        ("creates", "0"),
    ]


def test_fuzzes_only_the_named_api_when_api_is_given(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(workdir, {"items": SPEC, "creates": creates_spec()}, TABLE)
    monkeypatch.setenv("ITEMS_TOKEN", TOKEN)

    with serve(build_app()) as url:
        code = main(["fuzz", "--url", url, "--api", "creates", "--phases", "examples,coverage"])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert list(table_rows(out)) == ["operation", "POST /items"]


def test_skips_an_api_whose_spec_the_include_filter_does_not_reach(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(workdir, {"items": SPEC, "creates": creates_spec()}, TABLE)
    monkeypatch.setenv("ITEMS_TOKEN", TOKEN)

    with serve(build_app()) as url:
        code = main(["fuzz", "--url", url, "--include", "getItem", "--phases", "examples"])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "== creates: creates.json ==\nskipped: no selected operation is in this spec\n" in out
    assert out.splitlines()[-1] == "fuzz: 1 API passed"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--api", "nope"],
            "oaskit: --api nope: no such entry in [[tool.oaskit.apis]] (items, creates)\n",
        ),
        (
            ["--api", "items", "--spec", "items.json"],
            "oaskit: --api picks an entry of [[tool.oaskit.apis]]; drop it or --spec\n",
        ),
        (
            ["--include", "operation-id:nope"],
            "oaskit: --include operation-id:nope matches no operation in items, creates\n",
        ),
    ],
)
def test_exits_2_with_one_line_when_api_selection_is_wrong(
    workdir: Path,
    dead_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    write_project(workdir, {"items": SPEC, "creates": creates_spec()}, TABLE)
    monkeypatch.setenv("ITEMS_TOKEN", TOKEN)

    code = main(["fuzz", "--url", dead_url, *arguments])

    assert (code, *capsys.readouterr()) == (2, "", message)


def test_exits_2_when_there_is_neither_a_spec_nor_a_project(
    workdir: Path, dead_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fuzz", "--url", dead_url])

    assert (code, *capsys.readouterr()) == (
        2,
        "",
        "oaskit: no --spec given and no pyproject.toml with [tool.oaskit] here or above\n",
    )


def test_exits_2_when_no_url_is_given_or_configured(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(workdir, {"items": SPEC})

    code = main(["fuzz"])

    assert (code, *capsys.readouterr()) == (
        2,
        "",
        "oaskit: no URL to fuzz: pass --url or set url in [tool.oaskit.fuzz]\n",
    )


def test_exits_2_naming_the_variable_when_a_header_names_an_unset_one(
    workdir: Path,
    dead_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_project(workdir, {"items": SPEC}, TABLE)
    monkeypatch.delenv("ITEMS_TOKEN", raising=False)

    code = main(["fuzz", "--url", dead_url])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        "pyproject.toml:13:1 env-unset [tool.oaskit.fuzz.headers] Authorization names the"
        " environment variable ITEMS_TOKEN, which is not set\n"
    )


def test_needs_no_variable_when_the_command_line_replaces_its_header(
    workdir: Path,
    dead_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_project(workdir, {"items": SPEC}, TABLE)
    monkeypatch.delenv("ITEMS_TOKEN", raising=False)

    code = main(["fuzz", "--url", dead_url, "--token", TOKEN])

    # It gets as far as the server, which is not there.
    assert (code, *capsys.readouterr()) == (
        2,
        "",
        f"oaskit: cannot reach {dead_url}: connection refused\n",
    )


@pytest.mark.parametrize(
    ("entry", "where", "message"),
    [
        (
            'checks = ["not_a_server_error", "nonsense"]',
            "8:33",
            "[tool.oaskit.fuzz] checks: unknown check nonsense (known: ",
        ),
        (
            'phases = ["coverage", "warmup"]',
            "8:23",
            "[tool.oaskit.fuzz] phases: unknown phase warmup (known: ",
        ),
        (
            'mode = "both"',
            "8:1",
            "[tool.oaskit.fuzz] mode: unknown mode both (known: positive, negative, all)",
        ),
        (
            'rate-limit = "fast"',
            "8:1",
            "[tool.oaskit.fuzz] rate-limit: invalid rate limit 'fast': expected auto or N/s",
        ),
        (
            'include = ["getItem", "method:GET"]',
            "8:23",
            "[tool.oaskit.fuzz] include: operation filter 'method:GET' is not KIND:VALUE",
        ),
        (
            'exclude = ["tag:nope"]',
            "8:12",
            "[tool.oaskit.fuzz] exclude: tag:nope matches no operation in items",
        ),
    ],
)
def test_exits_2_at_the_value_when_the_table_holds_a_name_schemathesis_lacks(
    workdir: Path,
    dead_url: str,
    capsys: pytest.CaptureFixture[str],
    entry: str,
    where: str,
    message: str,
) -> None:
    write_project(workdir, {"items": SPEC}, f"[tool.oaskit.fuzz]\n{entry}\n")

    # Nobody listens at the URL: each is refused first, from the table and the spec alone.
    code = main(["fuzz", "--url", dead_url])

    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith(f"pyproject.toml:{where} config-invalid {message}")
    assert err.count("\n") == 1


def test_finds_the_planted_500_with_default_examples_that_25_miss(workdir: Path) -> None:
    (workdir / "orders.json").write_text(json.dumps(orders_api.SPEC))
    arguments = ["fuzz", "--spec", "orders.json", "--seed", str(orders_api.SEED)]

    def oaskit(*extra: str) -> tuple[int, str]:
        # In a process of its own, as a user runs it: which examples a seed yields must not
        # depend on what other tests imported into this one (pytest's collection imports the
        # whole suite, and the service's stack changed the cases this seed produced).
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from oaskit.cli import main; sys.exit(main())",
                *arguments,
                *extra,
            ],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return done.returncode, done.stdout

    with serve(orders_api.build_app()) as url:
        found, found_out = oaskit("--url", url)
        missed, missed_out = oaskit("--url", url, "--max-examples", "25")

    assert found == 1
    assert "1. POST /orders [not_a_server_error] Server error" in found_out
    # A whole number of crates of 37.
    quantity = re.search(r'"quantity": (\d+)', found_out)
    assert quantity is not None
    assert int(quantity.group(1)) % orders_api.CRATE == 0
    assert (missed, missed_out.splitlines()[-1].split(",")[0]) == (0, "fuzz: 0 failures")


def test_reproduces_a_failure_when_running_its_replay_command_from_the_report(
    workdir: Path, items_spec: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(build_app("server_error")) as url:
        first = main([*fuzz_items(url), "--header", "X-Trace: trace-7f3a9c", "--html", "fuzz.html"])
        page = (workdir / "fuzz.html").read_text(encoding="utf-8")
        replays = re.findall(r"<pre id=\"c\d+\">(oaskit fuzz [^<]*operation-id:createItem)<", page)
        # The curl and replay commands mask the credentials, which the replay needs back.
        argv = shlex.split(html.unescape(replays[0]))
        argv = [TOKEN if arg == "***" else arg for arg in argv]
        argv = ["X-Trace: trace-7f3a9c" if arg == "X-Trace: ***" else arg for arg in argv]
        capsys.readouterr()
        replayed = main(argv[1:])

    out, _ = capsys.readouterr()
    assert (first, replayed) == (1, 1)
    assert argv[:2] == ["oaskit", "fuzz"]
    assert argv[-4:] == ["--seed", str(SEED), "--include", "operation-id:createItem"]
    assert "[not_a_server_error] Server error" in out
    assert list(table_rows(out)) == ["operation", "POST /items"]
    assert TOKEN not in page
    assert "trace-7f3a9c" not in page
    assert f"oaskit fuzz --spec items.json --url {url} --token &#x27;***&#x27;" in page
