"""`oaskit fuzz` defaults are at least as thorough as `st run`'s, as the installed one has them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import hypothesis
from schemathesis.checks import CHECKS
from schemathesis.cli.commands.run import DEFAULT_PHASES as ST_RUN_PHASES
from schemathesis.config import ChecksConfig, GenerationConfig
from schemathesis.generation import GenerationMode

from oaskit.cli import _fuzz as cli
from oaskit.fuzz import FuzzOptions
from oaskit.fuzz._checks import foreign_checks
from oaskit.fuzz._config import build_config

SPEC = Path("openapi.json")


def defaults() -> dict[str, Any]:
    return {
        field.name: field.default
        for field in dataclasses.fields(FuzzOptions)
        if field.default is not dataclasses.MISSING
    }


def enabled(checks: ChecksConfig) -> set[str]:
    return {
        check.__name__
        for check in CHECKS.get_all()
        if checks.get_by_name(name=check.__name__).enabled
    }


def test_sends_at_least_as_many_examples_as_st_run_when_left_default() -> None:
    # `st run` leaves max-examples unset, so Hypothesis' default profile decides.
    assert GenerationConfig().max_examples is None
    hypothesis_default = hypothesis.settings.get_profile("default").max_examples

    assert FuzzOptions(SPEC).max_examples >= hypothesis_default


def test_runs_every_phase_of_st_run_when_left_default() -> None:
    assert set(ST_RUN_PHASES) <= set(FuzzOptions(SPEC).phases)


def test_generates_positive_and_negative_data_when_left_default() -> None:
    config = build_config(FuzzOptions(SPEC), base_url="http://127.0.0.1")

    assert set(config.projects.override.generation.modes) == set(GenerationMode)


def test_enables_every_check_st_run_enables_when_left_default() -> None:
    config = build_config(FuzzOptions(SPEC), base_url="http://127.0.0.1")
    # A check some other code registered in this process (a test's check module) runs only in
    # a run that names its module: `st run` would pick it up, oaskit deliberately does not.
    foreign = set(foreign_checks(()))

    assert enabled(ChecksConfig()) - foreign <= enabled(config.projects.override.checks)


def test_narrows_generation_when_mode_is_given() -> None:
    config = build_config(FuzzOptions(SPEC, mode="positive"), base_url="http://127.0.0.1")

    assert config.projects.override.generation.modes == [GenerationMode.POSITIVE]


def test_shows_the_defaults_fuzz_options_has_when_printing_help() -> None:
    # The command line spells its defaults out for --help without importing schemathesis.
    assert {
        "max_examples": cli.DEFAULT_MAX_EXAMPLES,
        "mode": cli.DEFAULT_MODE,
        "phases": tuple(cli.DEFAULT_PHASES.split(",")),
        "checks": None if cli.DEFAULT_CHECKS == "all" else cli.DEFAULT_CHECKS,
        "workers": cli.DEFAULT_WORKERS,
        "rate_limit": cli.DEFAULT_RATE_LIMIT,
        "seed": None,
        "max_time": None,
    }.items() <= defaults().items()
