"""`--version`, `-q`/`-v` before or after the command, and FORCE_COLOR / NO_COLOR / TERM."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from oaskit.cli._common import wants_colour
from tests._specs import CLEAN_SPEC, write
from tests.cli.conftest import Run, Snapshot

Oaskit = Callable[..., Run]

PROJECT = """\
[tool.oaskit]

[[tool.oaskit.apis]]
name = "items"
spec = "openapi.yaml"
package = "items"
"""
# A `$ref` that misses: one error, from a check that always runs.
BROKEN_REF = CLEAN_SPEC.replace('schemas/Item"', 'schemas/Itme"')


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_prints_the_installed_version_when_asked(
    oaskit: Oaskit, snapshot: Snapshot, option: str
) -> None:
    run = oaskit(option)

    snapshot("version", run.transcript().replace(option, "--version"))


def test_exits_2_when_quiet_and_verbose_are_combined(oaskit: Oaskit) -> None:
    run = oaskit("-q", "lint", "-v")

    assert (run.code, run.out) == (2, "")
    assert run.err.endswith("oaskit: error: -q/--quiet and -v/--verbose cannot be combined\n")


@pytest.mark.parametrize("argv", [("-q", "lint"), ("lint", "--quiet")])
def test_prints_findings_without_the_summary_when_quiet(
    oaskit: Oaskit, argv: tuple[str, ...]
) -> None:
    write("pyproject.toml", PROJECT)
    write("openapi.yaml", BROKEN_REF)

    run = oaskit(*argv)

    assert (run.code, run.err) == (1, "")
    assert run.out.startswith("openapi.yaml:25:23 ref-unresolvable ")


def test_says_what_it_reads_when_verbose(oaskit: Oaskit) -> None:
    write("pyproject.toml", PROJECT)
    write("openapi.yaml", CLEAN_SPEC)

    run = oaskit("lint", "-v")

    assert (run.code, run.out) == (0, "")
    assert run.err.splitlines() == [
        "config: pyproject.toml",
        "lint: reading openapi.yaml",
        "lint: 1 spec(s), 0 error(s), 0 other finding(s)",
    ]


def test_colours_text_findings_when_force_color_is_set(
    oaskit: Oaskit, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("openapi.yaml", BROKEN_REF)
    monkeypatch.setenv("FORCE_COLOR", "1")

    run = oaskit("lint", "openapi.yaml")

    assert run.out.startswith("\033[1mopenapi.yaml:25:23\033[0m \033[1m\033[31mref-unresolvable")


@pytest.mark.parametrize(
    ("environ", "terminal", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        # An empty value counts as unset (no-color.org, force-color.org).
        ({"NO_COLOR": ""}, True, True),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, False, False),
        # NO_COLOR wins over FORCE_COLOR, as in CPython's _colorize and pytest.
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, True),
    ],
)
def test_chooses_colour_by_environment_then_terminal_when_asked(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], terminal: bool, expected: bool
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    assert wants_colour(_Terminal() if terminal else io.StringIO()) is expected


def test_returns_0_and_prints_usage_when_asked_for_help(oaskit: Oaskit) -> None:
    run = oaskit("--help")

    assert run.code == 0
    assert run.out.startswith("usage: oaskit [-h] [-V] [-q | -v] COMMAND ...")
    for command in ("init", "lint", "regen", "fuzz", "rule", "rules"):
        assert f"    {command} " in run.out


def test_runs_in_any_folder_when_only_the_version_is_asked(workdir: Path, oaskit: Oaskit) -> None:
    # No project, no spec: --version needs neither.
    assert oaskit("--version").code == 0
    assert list(workdir.iterdir()) == []
