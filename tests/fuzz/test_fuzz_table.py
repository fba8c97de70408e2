"""`[tool.oaskit.fuzz]`: every key parsed, every malformed value refused at its line and column."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from oaskit.config import FuzzConfig, load_config
from oaskit.config._fuzz import expand_headers, expand_parameters, parse_fuzz_config
from oaskit.errors import Location, SpecInputError

PATH = Path("pyproject.toml")

FULL = """\
[tool.oaskit]

[tool.oaskit.fuzz]
url = "http://127.0.0.1:8000"
checks = ["not_a_server_error", "use_after_free"]
phases = ["coverage", "stateful"]
mode = "negative"
max-examples = 250
seed = 42
workers = 4
max-time = 90
rate-limit = "50/s"
include = ["tag:items", "operation-id:getItem"]
exclude = ["path:/health"]

[tool.oaskit.fuzz.headers]
Authorization = "Bearer ${FUZZ_TOKEN}"
X-Tenant = "acme"
"""


def parse(text: str) -> FuzzConfig:
    table = tomllib.loads(text)["tool"]["oaskit"].get("fuzz", {})
    return parse_fuzz_config(table, text=text, path=PATH)


def refusal(text: str) -> tuple[str, int, int, str]:
    with pytest.raises(SpecInputError) as refused:
        parse(text)
    finding = refused.value.finding
    return (finding.code, finding.location.line, finding.location.col, finding.message)


def test_reads_every_key_when_table_sets_them() -> None:
    config = parse(FULL)

    assert config == FuzzConfig(
        url="http://127.0.0.1:8000",
        headers={"Authorization": "Bearer ${FUZZ_TOKEN}", "X-Tenant": "acme"},
        checks=("not_a_server_error", "use_after_free"),
        phases=("coverage", "stateful"),
        mode="negative",
        max_examples=250,
        seed=42,
        workers=4,
        max_time=90.0,
        rate_limit="50/s",
        include=("tag:items", "operation-id:getItem"),
        exclude=("path:/health",),
    )
    # The headers are compared above; equality ignores positions, which are checked here.
    assert dict(config.headers) == {"Authorization": "Bearer ${FUZZ_TOKEN}", "X-Tenant": "acme"}
    assert config.position("max-examples") == Location(PATH, 8, 1)
    assert config.position("include", 1) == Location(PATH, 13, 25)
    assert config.position("headers.X-Tenant") == Location(PATH, 18, 1)


def test_leaves_every_default_when_table_is_absent() -> None:
    config = parse("[tool.oaskit]\n")

    assert config == FuzzConfig()
    assert config.position("seed") is None


def test_reads_checks_all_as_the_default_when_written_as_a_string() -> None:
    assert parse('[tool.oaskit.fuzz]\nchecks = "all"\n').checks is None


def test_reads_inline_headers_with_their_positions_when_written_inline() -> None:
    text = '[tool.oaskit.fuzz]\nseed = 1\nheaders = { Accept = "application/json", X-Id = "7" }\n'

    config = parse(text)

    assert dict(config.headers) == {"Accept": "application/json", "X-Id": "7"}
    assert config.position("headers.X-Id") == Location(PATH, 3, 42)


def test_locates_an_item_after_its_own_key_when_another_list_holds_it_too() -> None:
    text = '[tool.oaskit.fuzz]\ninclude = ["getItem"]\nexclude = [\n  "x",\n  "getItem",\n]\n'

    assert parse(text).position("exclude", 1) == Location(PATH, 5, 3)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("url = 8000", "url must be a string, not 8000"),
        (
            'url = "127.0.0.1:8000"',
            "url must be an http:// or https:// URL with a host, not '127.0.0.1:8000'",
        ),
        ('url = "ftp://host"', "url must be an http:// or https:// URL with a host"),
        (
            'checks = "not_a_server_error"',
            "checks must be a list of check names or \"all\", not 'not_a_server_error'",
        ),
        ("checks = []", "checks must not be empty: leave it out for the default"),
        ('phases = "coverage"', "phases must be a list of phase names, not 'coverage'"),
        ("phases = [1, 2]", "phases must be a list of phase names, not an array"),
        ("mode = true", "mode must be a string, not true"),
        ('max-examples = "100"', "max-examples must be an integer of at least 1, not '100'"),
        ("max-examples = 0", "max-examples must be an integer of at least 1, not 0"),
        ("max-examples = 2.5", "max-examples must be an integer of at least 1, not 2.5"),
        ("seed = true", "seed must be an integer, not true"),
        ('seed = "1"', "seed must be an integer, not '1'"),
        ("workers = 0", "workers must be an integer of at least 1, not 0"),
        ("max-time = 0", "max-time must be a number of seconds above 0, not 0"),
        ("max-time = inf", "max-time must be a number of seconds above 0, not inf"),
        ('max-time = "1m"', "max-time must be a number of seconds above 0, not '1m'"),
        ("rate-limit = 10", "rate-limit must be a string, not 10"),
        ('include = "getItem"', "include must be a list of operation filters, not 'getItem'"),
        ("exclude = [{ a = 1 }]", "exclude must be a list of operation filters, not an array"),
        ("max_examples = 10", "has an unknown key 'max_examples'; did you mean 'max-examples'?"),
        ("maxtime = 10", "has an unknown key 'maxtime'; did you mean 'max-time'?"),
        (
            "verbose = true",
            "has an unknown key 'verbose' (known: url, headers, checks, phases, mode,"
            " max-examples, seed, workers, max-time, rate-limit, include, exclude,"
            " parameters, fresh, track-etags, current, check-modules, allow-nul)",
        ),
        (
            'headers = "Authorization: x"',
            "headers must be a table of NAME = value, not 'Authorization: x'",
        ),
    ],
)
def test_refuses_value_at_its_line_and_column_when_it_is_malformed(line: str, message: str) -> None:
    text = f"[tool.oaskit]\n\n[tool.oaskit.fuzz]\n# what oaskit fuzz does here\n  {line}\n"

    code, found_line, found_col, found = refusal(text)

    assert (code, found_line, found_col) == ("config-invalid", 5, 3)
    assert found.startswith(f"[tool.oaskit.fuzz] {message}")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('"X Bad" = "1"', "'X Bad' is not a header name (RFC 9110 section 5.6.2 token)"),
        ("X-Count = 3", "X-Count must be a string, not 3"),
        ('X-Two = "a\\r\\nX-Injected: 1"', "X-Two holds a line break or NUL"),
        ('X-Var = "${1TOKEN}"', "X-Var: ${1TOKEN} is not an environment variable name"),
        ('X-Open = "Bearer ${TOKEN"', "X-Open: '${' without a closing '}'"),
    ],
)
def test_refuses_header_at_its_line_when_it_is_malformed(entry: str, message: str) -> None:
    text = f'[tool.oaskit.fuzz]\nseed = 1\n\n[tool.oaskit.fuzz.headers]\nAccept = "*/*"\n{entry}\n'

    code, line, col, found = refusal(text)

    assert (code, line, col) == ("config-invalid", 6, 1)
    assert found.startswith(f"[tool.oaskit.fuzz.headers] {message}")


def test_refuses_fuzz_when_it_is_not_a_table() -> None:
    text = '[tool.oaskit]\ntemplates = "t"\nfuzz = 3\n'

    assert refusal(text) == ("config-invalid", 3, 1, "[tool.oaskit.fuzz] must be a table")


def test_expands_variables_when_they_are_set() -> None:
    config = parse(FULL)

    headers = expand_headers(config, {"FUZZ_TOKEN": "s3cr3t"})

    assert headers == {"Authorization": "Bearer s3cr3t", "X-Tenant": "acme"}


def test_refuses_unset_variable_at_its_header_without_printing_values() -> None:
    config = parse(FULL)

    with pytest.raises(SpecInputError) as refused:
        expand_headers(config, {"OTHER": "x"})

    finding = refused.value.finding
    assert (finding.code, finding.location) == ("env-unset", Location(PATH, 17, 1))
    assert finding.message == (
        "[tool.oaskit.fuzz.headers] Authorization names the environment variable FUZZ_TOKEN,"
        " which is not set"
    )


def test_refuses_variable_holding_a_line_break_without_printing_it() -> None:
    config = parse(FULL)

    with pytest.raises(SpecInputError) as refused:
        expand_headers(config, {"FUZZ_TOKEN": "abc\r\nX-Evil: 1"})

    assert refused.value.finding.code == "env-invalid"
    assert "abc" not in refused.value.finding.message
    assert "FUZZ_TOKEN" in refused.value.finding.message


def test_hides_header_values_when_config_is_printed() -> None:
    assert "acme" not in repr(parse(FULL))


def test_loads_table_through_project_config_when_pyproject_has_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(FULL, encoding="utf-8")

    config = load_config(tmp_path).fuzz

    assert config.seed == 42
    assert config.position("seed") == Location(tmp_path / "pyproject.toml", 9, 1)


SUCCESS_PATHS = """\
[tool.oaskit]

[tool.oaskit.fuzz]
fresh = ["header:Idempotency-Key", "createItem=body:/name"]
track-etags = true
check-modules = ["tests.invariants", "checks"]
allow-nul = false

[tool.oaskit.fuzz.parameters]
team_id = "${TEAM_ID}"
"query.limit" = 5
"""


def test_reads_success_path_keys_with_their_positions_when_table_sets_them() -> None:
    config = parse(SUCCESS_PATHS)

    assert config.fresh == ("header:Idempotency-Key", "createItem=body:/name")
    assert config.track_etags is True
    assert config.check_modules == ("tests.invariants", "checks")
    assert dict(config.parameters) == {"team_id": "${TEAM_ID}", "query.limit": 5}
    assert config.position("fresh", 1) == Location(PATH, 4, 36)
    assert config.allow_nul is False
    assert config.position("parameters.team_id") == Location(PATH, 10, 1)


def test_expands_variables_in_pinned_parameters_when_they_are_set() -> None:
    config = parse(SUCCESS_PATHS)

    assert expand_parameters(config, {"TEAM_ID": "7"}) == {"team_id": "7", "query.limit": 5}


def test_refuses_unset_variable_at_its_parameter() -> None:
    with pytest.raises(SpecInputError) as refused:
        expand_parameters(parse(SUCCESS_PATHS), {})

    finding = refused.value.finding
    assert (finding.code, finding.location) == ("env-unset", Location(PATH, 10, 1))
    assert "team_id names the environment variable TEAM_ID" in finding.message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("track-etags = 1", "track-etags must be true or false, not 1"),
        ('allow-nul = "no"', "allow-nul must be true or false, not 'no'"),
        ("fresh = []", "fresh must not be empty"),
        ('check-modules = ["a-b"]', "check-modules: 'a-b' is not a module name"),
        ("parameters = 3", "parameters must be a table of NAME = value, not 3"),
    ],
)
def test_refuses_malformed_success_path_key_at_its_place(line: str, message: str) -> None:
    code, found_line, _, found = refusal(f"[tool.oaskit.fuzz]\n{line}\n")

    assert (code, found_line) == ("config-invalid", 2)
    assert message in found


def test_refuses_a_pinned_parameter_that_is_a_table() -> None:
    code, line, _, found = refusal("[tool.oaskit.fuzz.parameters]\nids = { a = 1 }\n")

    assert (code, line) == ("config-invalid", 2)
    assert "ids must be a string, number or boolean, not a table" in found
