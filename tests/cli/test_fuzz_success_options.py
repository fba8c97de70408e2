"""`oaskit fuzz` passes pinned parameters, fresh targets, ETag tracking and check modules on,
from `[tool.oaskit.fuzz]` and from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from oaskit.cli import _fuzz, main
from tests.fuzz.items_api import serve
from tests.fuzz.team_notes_api import SPEC, TEAM, TOKEN, build_app

CREATE = "POST /teams/{team_id}/notes"
UPDATE = "PUT /teams/{team_id}/notes/{id}"


@pytest.fixture
def notes_url(workdir: Path) -> Iterator[str]:
    (workdir / "notes.json").write_text(json.dumps(SPEC), encoding="utf-8")
    with serve(build_app()) as url:
        yield url


def fuzz(url: str, *extra: str) -> list[str]:
    return [
        "fuzz",
        *("--spec", "notes.json", "--url", url, "--token", TOKEN),
        *("--seed", "20261123", "--max-examples", "10", "--mode", "positive"),
        *extra,
    ]


def shares(out: str) -> dict[str, str]:
    """The `2xx` column of the status table, by operation."""
    rows = {}
    for line in out.splitlines():
        if not line.strip():
            break
        cells = line.split()
        if cells[0].isupper():
            rows[" ".join(cells[:2])] = cells[3]
    return rows


def test_reaches_success_paths_when_the_table_configures_them(
    workdir: Path,
    notes_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (workdir / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.oaskit.fuzz]
            fresh = ["header:Idempotency-Key"]
            track-etags = true

            [tool.oaskit.fuzz.parameters]
            team_id = "${NOTES_TEAM}"
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("NOTES_TEAM", str(TEAM))

    code = main(fuzz(notes_url))

    out = capsys.readouterr().out
    assert code == 0, out
    assert "warning:" not in out
    assert all(int(share.rstrip("%")) >= 30 for share in shares(out).values()), out


def test_warns_about_rarely_reached_success_paths_when_nothing_is_configured(
    notes_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(fuzz(notes_url))

    out = capsys.readouterr().out
    assert code == 0, out
    assert "warning: " in out
    assert f"   {CREATE}: 0 of " in out


def test_takes_every_new_option_from_the_command_line(
    workdir: Path, notes_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "cli_note_checks.py").write_text(
        textwrap.dedent(
            """\
            import schemathesis

            @schemathesis.check
            def cli_no_note_is_updated(ctx, response, case):
                if case.method == "PUT" and response.status_code == 200:
                    raise AssertionError("a note was updated")
            """
        ),
        encoding="utf-8",
    )
    try:
        code = main(
            fuzz(
                notes_url,
                *("--parameter", f"team_id={TEAM}", "--fresh", "header:Idempotency-Key"),
                *("--track-etags", "--check-module", "cli_note_checks"),
            )
        )
    finally:
        from schemathesis.checks import CHECKS

        CHECKS.unregister("cli_no_note_is_updated")
        sys.modules.pop("cli_note_checks", None)

    out = capsys.readouterr().out
    assert code == 1
    assert f"{UPDATE} [cli_no_note_is_updated] Custom check failed" in out
    assert "warning:" not in out


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--parameter", "team_id"], "--parameter 'team_id' is not NAME=VALUE"),
        (["--fresh", "Idempotency-Key"], "invalid fresh target 'Idempotency-Key'"),
        (["--check-module", "no_such_checks_here"], "cannot import check module"),
    ],
)
def test_exits_2_with_one_line_when_a_new_option_is_malformed(
    notes_url: str, capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    code = main(fuzz(notes_url, *option))

    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_writes_the_2xx_share_to_junit_when_new_options_are_given(
    workdir: Path, notes_url: str
) -> None:
    args = [
        *fuzz(notes_url, "--parameter", f"team_id={TEAM}", "--fresh", "header:Idempotency-Key"),
        *("--track-etags", "--junit", "out.xml"),
    ]

    assert main(args) == 0
    text = (workdir / "out.xml").read_text(encoding="utf-8")
    assert "answered 2xx" in text


def test_repeats_the_new_options_in_the_replay_command() -> None:
    parser = argparse.ArgumentParser(prog="oaskit")
    _fuzz.add_parser(parser.add_subparsers())
    args = parser.parse_args(
        [
            *("fuzz", "--parameter", "team_id=7", "--fresh", "header:Idempotency-Key"),
            *("--no-track-etags", "--check-module", "checks", "--no-allow-nul"),
        ]
    )

    assert _fuzz._run_options(args) == [
        *("--parameter", "team_id=7", "--fresh", "header:Idempotency-Key"),
        *("--no-track-etags", "--check-module", "checks", "--no-allow-nul"),
    ]
