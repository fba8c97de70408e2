"""Every invalid `[tool.oaskit]` value is one `pyproject.toml:line:col config-invalid` line.

The place is the key at fault (or the value inside a list, or the `[[tool.oaskit.apis]]` entry
that lacks a key); an unknown key comes with the closest known one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from oaskit.config import ApiConfig, load_config
from tests._specs import CLEAN_SPEC, write
from tests.cli.conftest import Run

Oaskit = Callable[..., Run]

API = '[[tool.oaskit.apis]]\nname = "a"\nspec = "openapi.yaml"\npackage = "a"\n'

CASES = [
    (
        "[tool.oaskit]\ntemplate = 't'\n" + API,
        "2:1 [tool.oaskit] has an unknown key 'template'; did you mean 'templates'?",
    ),
    (
        API + "\n[tool.oaskit.lnt]\nselect = []\n",
        "6:1 [tool.oaskit] has an unknown key 'lnt'; did you mean 'lint'?",
    ),
    ("[tool.oaskit]\ntemplates = 3\n", "2:1 [tool.oaskit] templates must be a string: the folder"),
    ("[[tool.oaskit]]\nname = 1\n", "1:1 [tool.oaskit] must be a table"),
    ("[tool.oaskit]\napis = 'a'\n", "2:1 [tool.oaskit] apis must be an array of tables"),
    (
        API + '\n[[tool.oaskit.apis]]\nname = "b"\nspec = "b.yaml"\n',
        "6:1 [[tool.oaskit.apis]] entry 2 has no package; every API needs name, spec and package",
    ),
    (
        '[tool.oaskit]\napis = [{ name = "a", spec = "a.yaml" }]\n',
        "2:1 [[tool.oaskit.apis]] entry 1 has no package",
    ),
    (
        API + "spce = 'x'\n",
        "5:1 [[tool.oaskit.apis]] entry 1 has an unknown key 'spce'; did you mean 'spec'?",
    ),
    (API.replace('name = "a"', "name = 1"), "2:1 [[tool.oaskit.apis]] entry 1: name must be a"),
    (API.replace('spec = "openapi.yaml"', 'spec = ""'), "3:1 [[tool.oaskit.apis]] entry 1: spec"),
    (
        API.replace('package = "a"', 'package = "generated.my-api"'),
        "4:1 [[tool.oaskit.apis]] entry 1: package 'generated.my-api' is not a Python import name",
    ),
    (
        API + 'read-write-models = "both"\n',
        "5:1 [[tool.oaskit.apis]] entry 1: read-write-models must be one of split, shared, "
        "not 'both'",
    ),
    (
        API + "validation-status = 404\n",
        "5:1 [[tool.oaskit.apis]] entry 1: validation-status must be 400, 422 or "
        '"documented", not 404',
    ),
    (
        API + "validation-status = true\n",
        "5:1 [[tool.oaskit.apis]] entry 1: validation-status must be 400, 422 or ",
    ),
    (
        API + 'embed-spec = "yes"\n',
        "5:1 [[tool.oaskit.apis]] entry 1: embed-spec must be true or false, not 'yes'",
    ),
    (API + 'out = "../elsewhere"\n', "5:1 [[tool.oaskit.apis]] entry 1: out must be a folder"),
    (API + 'out = "/tmp/a"\n', "5:1 [[tool.oaskit.apis]] entry 1: out must be a folder below"),
    (
        API + "\n" + API.replace('package = "a"', 'package = "b"'),
        "7:1 [[tool.oaskit.apis]] entry 2: name 'a' is taken by entry 1",
    ),
    (
        API + "\n" + API.replace('name = "a"', 'name = "b"'),
        "9:1 [[tool.oaskit.apis]] entry 2 writes into a/, as entry 1 does",
    ),
    ("[tool.oaskit]\nlint = 1\n", "2:1 [tool.oaskit.lint] must be a table"),
    (
        API + '\n[tool.oaskit.lint]\nselect = "ALL"\n',
        "7:1 [tool.oaskit.lint] select must be a list of rule names",
    ),
    (
        API + '\n[tool.oaskit.lint]\nignore = ["a", 1]\n',
        "7:1 [tool.oaskit.lint] ignore must be a list of rule names",
    ),
    (
        API + '\n[tool.oaskit.lint]\nignor = ["a"]\n',
        "7:1 [tool.oaskit.lint] has an unknown key 'ignor'; did you mean 'ignore'?",
    ),
    (
        API + "\n[tool.oaskit.lint]\nseverity = 'error'\n",
        "7:1 [tool.oaskit.lint] severity must be a table of rule = level",
    ),
    (
        API + "\n[tool.oaskit.lint.severity]\noperation-has-summary = ['error']\n",
        "7:1 severity of 'operation-has-summary' must be one of error, warning, info, off, "
        "not ['error']",
    ),
    (
        API + '\n[tool.oaskit.lint]\nper-file-ignores = ["x"]\n',
        "7:1 [tool.oaskit.lint] per-file-ignores must be a table of glob = [rules]",
    ),
    (
        API + '\n[tool.oaskit.lint.per-file-ignores]\n"spec/*.yaml" = "oas-schema"\n',
        "7:1 per-file-ignores 'spec/*.yaml' must be a list of rule names",
    ),
    ("[tool.oaskit]\napis = [\n", "2:9 not valid TOML: Invalid value"),
    # tomllib says "at end of document": the place is just after the last character.
    ('[tool.oaskit]\ntemplates = "t', "2:15 not valid TOML: Unterminated string"),
    ("[tool.oaskit\n", "1:13 not valid TOML: Expected ']' at the end of a table declaration"),
]


@pytest.mark.parametrize(("config", "expected"), CASES)
def test_exits_2_at_the_key_when_config_value_is_invalid(
    oaskit: Oaskit, config: str, expected: str
) -> None:
    write("openapi.yaml", CLEAN_SPEC)
    write("pyproject.toml", config)

    run = oaskit("lint")

    place, _, message = expected.partition(" ")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith(f"pyproject.toml:{place} config-invalid {message}")
    assert run.err.count("\n") == 1


def test_reads_every_api_key_when_entries_are_valid(workdir: Path) -> None:
    write(
        "pyproject.toml",
        API + '\n[[tool.oaskit.apis]]\nname = "b"\nspec = "b.yaml"\npackage = "shop.b"\n'
        'out = "src/shop/b"\nread-write-models = "shared"\nvalidation-status = 422\n'
        "embed-spec = true\n",
    )

    assert load_config(workdir).apis == (
        ApiConfig(name="a", spec=Path("openapi.yaml"), package="a"),
        ApiConfig(
            name="b",
            spec=Path("b.yaml"),
            package="shop.b",
            read_write_models="shared",
            out=Path("src/shop/b"),
            validation_status="422",
            embed_spec=True,
        ),
    )
    assert load_config(workdir).apis[1].output_dir == Path("src/shop/b")


@pytest.mark.parametrize(
    ("written", "status"),
    [("", "documented"), ('"documented"', "documented"), ("400", "400"), ('"422"', "422")],
)
def test_reads_validation_status_when_given_as_integer_or_string(
    workdir: Path, written: str, status: str
) -> None:
    write("pyproject.toml", API + (f"validation-status = {written}\n" if written else ""))

    assert load_config(workdir).apis[0].validation_status == status


def test_finds_no_project_when_pyproject_mentions_the_table_in_a_comment_only(
    oaskit: Oaskit,
) -> None:
    write("pyproject.toml", "[project]\nname = 'x'\n# [tool.oaskit] is not set up yet\n")

    run = oaskit("lint")

    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("oaskit: no pyproject.toml with [tool.oaskit] here or above")
