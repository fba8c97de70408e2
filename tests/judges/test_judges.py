"""Independent judges: Spectral (`spectral:oas`) and Redocly (`recommended`) find no errors.

The two CLIs are npm packages, pinned below and installed once into `.cache/judges/`
(re-used while the pinned versions are there). Without `npm` the judges are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from oaskit.spec import Pointer, bundle_spec
from tests.judges._npm import npm_install

REPO = Path(__file__).resolve().parents[2]
# Every API folder, the ones still being written included.
SPECS = sorted((REPO / "spec").glob("*/openapi.yaml"))

PINS = {"@stoplight/spectral-cli": "6.16.3", "@redocly/cli": "2.77.0"}
CACHE = REPO / ".cache" / "judges"
INSTALL_TIMEOUT = 300
LINT_TIMEOUT = 180
ENV = {
    **os.environ,
    "NO_COLOR": "1",
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "npm_config_update_notifier": "false",
}


@dataclass(frozen=True, slots=True)
class Judges:
    """The installed judge executables and the Spectral ruleset they run with."""

    home: Path
    spectral: Path
    redocly: Path
    ruleset: Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One error a judge reported: its rule, where (`file:line`, JSON pointer) and why."""

    judge: str
    code: str
    where: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: [{self.judge} {self.code}] at {self.pointer}: {self.message}"


def install_judges(home: Path) -> Judges:
    """Install the pinned judges into `home` unless they are already there."""
    npm_install(home, PINS, timeout=INSTALL_TIMEOUT, env=ENV)
    ruleset = home / "spectral-oas.yaml"
    ruleset.write_text('extends: ["spectral:oas"]\n', encoding="utf-8")
    bin_dir = home / "node_modules" / ".bin"
    return Judges(home, bin_dir / "spectral", bin_dir / "redocly", ruleset)


@pytest.fixture(scope="session")
def judges() -> Judges:
    """The pinned judges, installed once per session."""
    return install_judges(CACHE)


def shown(path: Path) -> str:
    """`path` relative to the repository when it lies below it."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def run(command: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a judge with colours, telemetry and update notices off."""
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=LINT_TIMEOUT,
        check=False,
    )


def bundle_pointer(data: Any, path: list[Any]) -> Pointer:
    """Spectral's result path as bundle pointer tokens: list indices become ints."""
    tokens: list[str | int] = []
    node = data
    for token in path:
        if isinstance(node, list) and str(token).isdigit():
            tokens.append(int(token))
            node = node[int(token)] if int(token) < len(node) else None
        else:
            tokens.append(str(token))
            node = node.get(str(token)) if isinstance(node, dict) else None
    return tuple(tokens)


# Keywords whose members are names the author chose, so `example` below one is a name.
NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})


def is_schema_like_data(code: Any, path: list[Any]) -> bool:
    """Whether Spectral read example data as a Schema Object: a known false positive.

    `oas3-valid-schema-example` checks every object with `type` and `default`/`example`,
    example values included, and fails data such as a field definition's `required: true`
    (stoplightio/spectral#1972, consolidated in #2669). Example values are checked against
    their schemas by `oas3-valid-media-example` and tests/spec/test_examples.py instead.
    """
    if code != "oas3-valid-schema-example":
        return False
    tokens = [str(token) for token in path]
    for index, token in enumerate(tokens[1:-1], start=1):
        if tokens[index - 1] in NAME_MAPS:
            continue
        if token == "example":
            return True  # `example` of a Media Type, Parameter, Header or Schema: literal data
        if token == "examples" and not tokens[index + 1].isdigit():
            # A map of Example Objects (a schema's `examples` is a list); data is in `value`.
            return tokens[index + 2 : index + 3] == ["value"] and index + 3 < len(tokens)
    return False


def spectral_errors(judges: Judges, spec: Path, *, workdir: Path) -> list[Problem]:
    """Errors (severity 0) Spectral reports for `spec`, located in the hand-written files.

    Spectral lints oaskit's bundle of the spec, not the files as written: in OAS 3.1 its
    `oas3-schema` rule flags every path item that is an external `$ref` ("must not have
    unevaluated properties") and never checks the referenced file's content
    (stoplightio/spectral#2655, fix proposed in #2844). Every result is mapped back to its
    source file and line through the bundle.
    """
    bundle = bundle_spec(spec)
    bundled = workdir / f"{spec.parent.name}.bundled.json"
    bundled.write_text(json.dumps(bundle.data, indent=1), encoding="utf-8")
    # The report goes to a file: on stdout Spectral appends a human summary to the JSON.
    report = workdir / f"{spec.parent.name}.spectral.json"
    report.unlink(missing_ok=True)
    command = [str(judges.spectral), "lint", "--ruleset", str(judges.ruleset), "--format", "json"]
    done = run([*command, "--output", str(report), str(bundled)], cwd=judges.home)
    text = report.read_text(encoding="utf-8") if report.is_file() else ""
    results = parse_json(text, done, judge="spectral")
    problems = []
    for result in results if isinstance(results, list) else []:
        path = result.get("path", [])
        if result.get("severity") != 0 or is_schema_like_data(result.get("code"), path):
            continue
        pointer = "/" + "/".join(str(token) for token in path)
        if Path(result.get("source", "")) == bundled:
            location = bundle.locate(bundle_pointer(bundle.data, path))
            where = f"{shown(location.file)}:{location.line}"
        else:
            line = result.get("range", {}).get("start", {}).get("line", 0) + 1
            where = f"{shown(Path(result.get('source', '?')))}:{line}"
        problems.append(
            Problem("spectral", result.get("code", "?"), where, pointer, result["message"])
        )
    return problems


def redocly_errors(judges: Judges, spec: Path, *, workdir: Path) -> list[Problem]:
    """Errors Redocly reports for `spec`, linted as written (it follows multi-file `$ref`s)."""
    del workdir  # Redocly needs no scratch files; the signature matches spectral_errors.
    command = [str(judges.redocly), "lint", "--extends", "recommended", "--format", "json"]
    # Run from the cache folder so a project `redocly.yaml` never changes the judge's rules.
    done = run([*command, "--max-problems", "10000", str(spec)], cwd=judges.home)
    report = parse_json(done.stdout, done, judge="redocly")
    problems = []
    for problem in report.get("problems", []) if isinstance(report, dict) else []:
        if problem.get("severity") != "error":
            continue
        location = (problem.get("location") or [{}])[0]
        source = judges.home / location.get("source", {}).get("ref", "?")
        line = location.get("start", {}).get("line", 1)
        where = f"{shown(source.resolve())}:{line}"
        pointer = location.get("pointer", "#").removeprefix("#") or "/"
        problems.append(
            Problem("redocly", problem.get("ruleId", "?"), where, pointer, problem["message"])
        )
    return problems


def parse_json(text: str, done: subprocess.CompletedProcess[str], *, judge: str) -> Any:
    """The judge's JSON report; a crash or a missing report fails the test with its output."""
    # Both judges exit 1 when they found errors, and with other codes when they crashed.
    output = f"{done.stdout}\n{without_banner(done.stderr)}".strip()
    if done.returncode not in (0, 1):
        pytest.fail(f"{judge} exited {done.returncode}:\n{output}")
    try:
        return json.loads(text)
    except ValueError:
        pytest.fail(f"{judge} wrote no JSON report:\n{output}")


def without_banner(text: str) -> str:
    """`text` without the boxed notices (Redocly's Node.js deprecation) that hide the cause."""
    boxed = ("╔", "║", "╚")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(boxed))


Judge = Callable[..., list[Problem]]
JUDGES: dict[str, Judge] = {"spectral": spectral_errors, "redocly": redocly_errors}


def verdict(problems: list[Problem], *, spec: Path) -> str:
    """The assertion message: every error, one a line."""
    listed = "\n".join(f"  {problem}" for problem in problems)
    return f"{len(problems)} error(s) in {shown(spec)}:\n{listed}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.parent.name)
def test_spectral_reports_no_errors_when_linting_spec(
    judges: Judges, spec: Path, tmp_path: Path
) -> None:
    problems = spectral_errors(judges, spec, workdir=tmp_path)
    assert not problems, verdict(problems, spec=spec)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.parent.name)
def test_redocly_reports_no_errors_when_linting_spec(
    judges: Judges, spec: Path, tmp_path: Path
) -> None:
    problems = redocly_errors(judges, spec, workdir=tmp_path)
    assert not problems, verdict(problems, spec=spec)


# A two-file spec both judges accept; BROKEN_PATHS drops a required response `description`
# (OAS 3.1 §4.8.17.1) in the referenced file.
SOUND_ROOT = """\
openapi: 3.1.0
info:
  title: Items
  version: "1"
  description: Items.
  contact:
    email: api@example.com
  license:
    name: MIT
    identifier: MIT
servers:
  - url: https://api.example.com
tags:
  - name: items
    description: Items.
security:
  - bearerAuth: []
paths:
  /items:
    $ref: ./paths/items.yaml
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
"""
SOUND_PATHS = """\
get:
  operationId: listItems
  summary: List items.
  description: Lists items.
  tags: [items]
  responses:
    "200":
      description: The items.
      content:
        application/json:
          schema:
            type: array
            items:
              type: string
    "400":
      description: Bad request.
"""
BROKEN_PATHS = SOUND_PATHS.replace("      description: The items.\n", "")


def write_spec(root: Path, paths_text: str) -> Path:
    """Lay out the two-file spec below `root`; return its root document."""
    (root / "paths").mkdir(parents=True)
    (root / "paths" / "items.yaml").write_text(paths_text, encoding="utf-8")
    spec = root / "openapi.yaml"
    spec.write_text(SOUND_ROOT, encoding="utf-8")
    return spec


@pytest.mark.parametrize("judge", sorted(JUDGES))
def test_judge_reports_no_errors_when_spec_is_sound(
    judges: Judges, judge: str, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path / "sound", SOUND_PATHS)
    assert JUDGES[judge](judges, spec, workdir=tmp_path) == []


@pytest.mark.parametrize("judge", sorted(JUDGES))
def test_judge_reports_an_error_in_the_referenced_file_when_a_response_lacks_description(
    judges: Judges, judge: str, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path / "broken", BROKEN_PATHS)
    problems = JUDGES[judge](judges, spec, workdir=tmp_path)
    assert problems, f"{judge} accepted a response without a description"
    assert all("description" in problem.message for problem in problems), problems
    assert {problem.where.rsplit(":", 1)[0] for problem in problems} == {
        str(spec.parent / "paths" / "items.yaml")
    }, problems


# Example data shaped like a schema (`type`, `default`, `required: true`) in a response,
# beside a schema whose `default` really is off its type: Spectral must keep only the latter.
SCHEMA_LIKE_PATHS = SOUND_PATHS.replace(
    """\
            type: array
            items:
              type: string
""",
    """\
            $ref: ../openapi.yaml#/components/schemas/Field
          examples:
            field:
              $ref: ../openapi.yaml#/components/examples/Field
""",
)
SCHEMA_LIKE_COMPONENTS = """\
  schemas:
    Field:
      type: object
      properties:
        field:
          type: object
        flag:
          type: boolean
          default: "yes"
  examples:
    Field:
      value:
        field:
          type: string
          default: x
          required: true
"""


def test_spectral_reports_only_the_schema_when_example_data_looks_like_a_schema(
    judges: Judges, tmp_path: Path
) -> None:
    assert SCHEMA_LIKE_PATHS != SOUND_PATHS
    spec = write_spec(tmp_path / "schema-like", SCHEMA_LIKE_PATHS)
    spec.write_text(SOUND_ROOT + SCHEMA_LIKE_COMPONENTS, encoding="utf-8")
    problems = spectral_errors(judges, spec, workdir=tmp_path)
    assert [(problem.code, problem.pointer) for problem in problems] == [
        ("oas3-valid-schema-example", "/components/schemas/Field/properties/flag/default")
    ], problems


BUNDLED = {
    **{spec.parent.name: spec for spec in SPECS},
    "cycles": REPO / "tests" / "bundle" / "specs" / "cycles" / "openapi.yaml",
}


def oaskit_bundle(spec: Path, out: Path) -> Path:
    """`oaskit bundle SPEC -o OUT`, as a user runs it."""
    from oaskit.cli import main

    assert main(["-q", "bundle", str(spec), "-o", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_spectral_reads_the_bundle_without_errors(
    judges: Judges, name: str, tmp_path: Path
) -> None:
    bundled = oaskit_bundle(BUNDLED[name], tmp_path / f"{name}.yaml")
    report = tmp_path / "spectral.json"
    command = [str(judges.spectral), "lint", "--ruleset", str(judges.ruleset), "--format", "json"]

    done = run([*command, "--output", str(report), str(bundled)], cwd=judges.home)

    results = parse_json(report.read_text(encoding="utf-8"), done, judge="spectral")
    errors = [
        f"{r.get('code')} at /{'/'.join(map(str, r.get('path', [])))}: {r.get('message')}"
        for r in results
        if r.get("severity") == 0 and not is_schema_like_data(r.get("code"), r.get("path", []))
    ]
    # The bundle is one file, so Spectral's oas3-schema check reaches all of it (see
    # spectral_errors for what it skips in a multi-file spec).
    assert {Path(r.get("source", str(bundled))) for r in results} <= {bundled}
    assert errors == []


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_redocly_reads_the_bundle_without_errors(judges: Judges, name: str, tmp_path: Path) -> None:
    bundled = oaskit_bundle(BUNDLED[name], tmp_path / f"{name}.yaml")
    # Only the rules about the document's structure and references: the recommended style
    # rules are about how a spec is written, which the cycles fixture does not try to be.
    config = tmp_path / "redocly.yaml"
    config.write_text(
        "extends: [minimal]\nrules:\n  no-unresolved-refs: error\n  struct: error\n",
        encoding="utf-8",
    )
    command = [str(judges.redocly), "lint", "--config", str(config), "--format", "json"]

    done = run([*command, str(bundled)], cwd=judges.home)

    report = parse_json(done.stdout, done, judge="redocly")
    errors = [
        f"{p.get('ruleId')}: {p.get('message')}"
        for p in report.get("problems", [])
        if p.get("severity") == "error"
    ]
    assert errors == []
