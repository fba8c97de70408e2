"""Unusable input (a spec that cannot be read or is not OpenAPI, a bad config) in every format.

Each is a located finding and exit 2: on stderr in the text format, and in the document a
machine format prints (never an empty stdout, which a SARIF upload or a JSON reader would
choke on).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from oaskit.lint import FORMATS
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

CASES = {
    "not_yaml": {"openapi.yaml": "openapi: 3.1.0\ntags: [a, b\ninfo: {}\n"},
    "missing": {},
    "not_openapi": {"openapi.yaml": "title: a plain YAML file\n"},
    "bad_config": {
        "openapi.yaml": CLEAN_SPEC,
        "pyproject.toml": PROJECT.replace('package = "items"', 'pakage = "items"'),
    },
}


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_reports_a_located_finding_and_exits_2_when_input_is_unusable(
    oaskit: Oaskit, snapshot: Snapshot, case: str, format: str
) -> None:
    for path, text in CASES[case].items():
        write(path, text)
    argv = ["lint", "--format", format] + ([] if case == "bad_config" else ["openapi.yaml"])

    run = oaskit(*argv)

    assert run.code == 2
    assert (run.out == "") is (format == "text")
    snapshot(f"{case}.{format}", run.transcript())


def test_lints_the_other_specs_when_one_is_unusable(oaskit: Oaskit) -> None:
    write("good.yaml", CLEAN_SPEC.replace('schemas/Item"', 'schemas/Itme"'))
    write("bad.yaml", "openapi: [\n")

    run = oaskit("lint", "--format", "json", "bad.yaml", "good.yaml")

    assert run.code == 2
    assert [(item["file"], item["code"]) for item in json.loads(run.out)] == [
        ("bad.yaml", "input-syntax"),
        ("good.yaml", "ref-unresolvable"),
    ]


def test_counts_unusable_specs_in_the_summary_when_format_is_text(oaskit: Oaskit) -> None:
    write("good.yaml", CLEAN_SPEC)

    run = oaskit("lint", "missing.yaml", "good.yaml")

    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == [
        "missing.yaml:1:1 input-unreadable cannot read file: No such file or directory",
        "lint: 2 spec(s), 0 error(s), 0 other finding(s), 1 unusable",
    ]


def test_reports_the_table_when_config_lists_no_apis(oaskit: Oaskit) -> None:
    write("pyproject.toml", '[project]\nname = "x"\n\n[tool.oaskit]\ntemplates = "t"\n')

    run = oaskit("lint", "--format", "github")

    assert (run.code, run.err) == (2, "")
    assert run.out == (
        "::error file=pyproject.toml,line=4,col=1,title=config-invalid::[tool.oaskit] lists no "
        "apis; add a [[tool.oaskit.apis]] table per API\n"
    )
