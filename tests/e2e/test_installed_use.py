"""oaskit installed from its wheel, used on a project of its own, outside this repository (#14).

Each test copies a user project from `projects/` to a temporary folder and drives it with the
executables of a fresh venv that holds only `oaskit[server]` from the wheel: init, lint, regen,
the generated package's own checks, a server on the generated stubs, the generated client
against it, and fuzz, both on a correct implementation and on one with a planted defect.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPOSITORY, MakeProject, UserVenv

pytestmark = pytest.mark.e2e

# The bearer token the servers accept (app.py reads it from BOOKSHELF_TOKEN).
TOKEN = "e2e-bookshelf-token"
SERVER_ENV = {"BOOKSHELF_TOKEN": TOKEN}
# Where `oaskit init` puts the generated code of a project without a package of its own: a
# top-level package named after the API (`info.title`, the spec's folder and file name being
# generic), which the project's app.py and tour.py import.
PACKAGE = "bookshelf"
# A fixed seed keeps the runs reproducible; ten examples per operation and phase find the
# planted defect with any seed tried (1 to 6), in about three seconds. No --max-time: given one,
# schemathesis 4.32 keeps cycling its phases until it is spent (engine/core.py), whatever
# --max-examples says; the command's timeout bounds the run instead.
FUZZ_OPTIONS = ("--token", TOKEN, "--max-examples", "10", "--seed", "1")
# How much of a server's log a failure message quotes.
_LOG_LINES = 60
# What the user venv's Python imports and from where, as JSON; the argument names a package.
PROBE = """\
import importlib.util, json, sys, sysconfig
import oaskit
package = importlib.util.find_spec(sys.argv[1])
print(json.dumps({
    "oaskit": oaskit.__file__,
    "purelib": sysconfig.get_paths()["purelib"],
    "sys_path": sys.path,
    "connectors_service": importlib.util.find_spec("connectors_service") is not None,
    "package": None if package is None else list(package.submodule_search_locations or []),
}))
"""


def test_oaskit_comes_from_the_wheel_alone_when_installed_in_a_fresh_venv(
    user_venv: UserVenv, make_project: MakeProject
) -> None:
    project = make_project("bookshelf")

    version = user_venv.run("oaskit", "--version", cwd=project)
    probe = _probe(user_venv, project)

    assert (version.returncode, version.stdout) == (0, f"oaskit {user_venv.version}\n"), version
    assert Path(probe["oaskit"]).is_relative_to(probe["purelib"]), probe
    assert Path(probe["purelib"]).is_relative_to(user_venv.root), probe
    assert [p for p in probe["sys_path"] if _in_repository(p, cwd=project)] == [], probe
    # The reference service is another distribution, and nothing is generated yet.
    assert (probe["connectors_service"], probe["package"]) == (False, None), probe


def test_bookshelf_goes_from_init_to_a_clean_fuzz_run_when_used_as_a_project_would(
    user_venv: UserVenv, make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project("bookshelf")
    before = _pyproject(project)
    assert "oaskit" not in before.get("tool", {})

    _succeeds(user_venv.run("oaskit", "init", cwd=project))
    after = _pyproject(project)
    assert after["project"] == before["project"], "init changed the [project] table"
    (api,) = after["tool"]["oaskit"]["apis"]
    assert (api["spec"], api["package"]) == ("spec/openapi.yaml", PACKAGE), api
    assert isinstance(api["name"], str), api
    assert api["name"], api

    lint = _succeeds(user_venv.run("oaskit", "lint", cwd=project))
    assert "1 spec(s), 0 error(s)" in lint.stderr, lint.stderr

    _succeeds(user_venv.run("oaskit", "regen", cwd=project))
    package = project / PACKAGE
    assert {"__init__.py", "client.py", "models.py", "py.typed", "server.py"} <= {
        path.name for path in package.iterdir()
    }
    # Once through the regen cache's stamps, as CI would; once regenerating from scratch, which
    # must give the same bytes.
    for check in (("regen", "--check"), ("regen", "--check", "--no-cache")):
        assert _succeeds(user_venv.run("oaskit", *check, cwd=project)).stdout == ""
    assert _probe(user_venv, project)["package"] == [str(project / PACKAGE)]
    _check_generated(user_venv, project)
    _type_check(user_venv, project, [PACKAGE, "app.py", "tour.py"], cache=tmp_path)

    log = tmp_path / "server.log"
    with user_venv.serve("app:app", cwd=project, env=SERVER_ENV, log=log) as url:
        tour = _succeeds(user_venv.run("python", "tour.py", url, cwd=project, env=SERVER_ENV), log)
        fuzz = user_venv.run("oaskit", "fuzz", "--url", url, *FUZZ_OPTIONS, cwd=project)
        _succeeds(fuzz, log)

    assert tour.stdout == "tour: all steps passed\n"
    assert "fuzz: 0 failures" in fuzz.stdout, fuzz.stdout
    assert "7 operations" in fuzz.stdout, fuzz.stdout


def test_fuzz_names_the_planted_defect_when_run_on_an_explicit_spec(
    user_venv: UserVenv, make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project("planted", based_on="bookshelf")
    spec = "spec/openapi.yaml"
    assert "oaskit" not in _pyproject(project).get("tool", {})

    regen = ("regen", "--spec", spec, "--out", PACKAGE, "--package", PACKAGE)
    _succeeds(user_venv.run("oaskit", *regen, cwd=project))
    _check_generated(user_venv, project)
    _type_check(user_venv, project, ["planted.py"], cache=tmp_path)
    log = tmp_path / "server.log"
    with user_venv.serve("planted:app", cwd=project, env=SERVER_ENV, log=log) as url:
        fuzz = user_venv.run(
            "oaskit", "fuzz", "--spec", spec, "--url", url, *FUZZ_OPTIONS, cwd=project
        )

    assert fuzz.returncode == 1, _output(fuzz, log)
    failures = set(re.findall(r"^\d+\. (\S+ \S+) \[(\w+)\]", fuzz.stdout, flags=re.MULTILINE))
    assert ("GET /shelves", "not_a_server_error") in failures, fuzz.stdout
    # The defect is pinned to its operation: no other one is said to fail with a server error.
    server_errors = {operation for operation, check in failures if check == "not_a_server_error"}
    assert server_errors == {"GET /shelves"}, fuzz.stdout


def _check_generated(venv: UserVenv, project: Path) -> None:
    """The generated package compiles, imports, and is as ruff-clean as the golden output."""
    _succeeds(venv.run("python", "-m", "compileall", "-q", PACKAGE, cwd=project))
    modules = ", ".join(f"{PACKAGE}.{name}" for name in ("models", "client", "server"))
    _succeeds(venv.run("python", "-c", f"import {modules}", cwd=project))
    # The settings regen formats with and the rules the golden test holds generated code to,
    # applied by the ruff oaskit installs.
    common = ("--isolated", "--line-length", "100", "--target-version", "py311")
    _succeeds(venv.run("ruff", "format", "--check", *common, PACKAGE, cwd=project))
    rules = ("--select", "E,F,W,I,UP,B", "--ignore", "E501")
    _succeeds(venv.run("ruff", "check", *common, *rules, PACKAGE, cwd=project))


def _type_check(venv: UserVenv, project: Path, targets: list[str], *, cache: Path) -> None:
    """`mypy --strict` on `targets` against what the user venv has installed.

    mypy comes from the development environment (the wheel does not ship it) and reads the user
    venv's packages through --python-executable; the user project's own code shows that the
    generated Protocols, models and client type-check as the user would use them.
    """
    config = cache / "mypy.ini"
    config.write_text("[mypy]\nplugins = pydantic.mypy\n", encoding="utf-8")
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--explicit-package-bases",
            "--config-file",
            str(config),
            "--cache-dir",
            str(cache / "mypy-cache"),
            "--python-executable",
            str(venv.python),
            *targets,
        ],
        cwd=project,
        env=venv.environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    _succeeds(mypy)


def _probe(venv: UserVenv, project: Path) -> dict[str, Any]:
    result = _succeeds(venv.run("python", "-c", PROBE, PACKAGE, cwd=project))
    probed: dict[str, Any] = json.loads(result.stdout)
    return probed


def _pyproject(project: Path) -> dict[str, Any]:
    return tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))


def _in_repository(entry: str, *, cwd: Path) -> bool:
    # An empty entry is the working directory (`python -c`).
    return (cwd / entry).resolve().is_relative_to(REPOSITORY)


def _succeeds(
    result: subprocess.CompletedProcess[str], log: Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, _output(result, log)
    return result


def _output(result: subprocess.CompletedProcess[str], log: Path | None = None) -> str:
    command = " ".join(str(arg) for arg in result.args)
    text = f"`{command}` exited with {result.returncode}\n"
    text += f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    if log is not None:
        # A fuzz run logs thousands of requests; the last ones are those worth reading.
        lines = log.read_text(encoding="utf-8").splitlines()[-_LOG_LINES:]
        text += f"\n--- server log (last {len(lines)} lines)\n" + "\n".join(lines)
    return text


def test_bundle_and_diff_guard_the_contract_when_used_in_a_git_project(
    user_venv: UserVenv, make_project: MakeProject
) -> None:
    project = make_project("bookshelf")
    _succeeds(user_venv.run("oaskit", "init", cwd=project))

    # One self-contained document that other tools can read.
    _succeeds(user_venv.run("oaskit", "bundle", "spec/openapi.yaml", "-o", "api.json", cwd=project))
    bundled = json.loads((project / "api.json").read_text(encoding="utf-8"))
    assert {"Book", "NewBook"} <= set(bundled["components"]["schemas"]), bundled["components"]
    assert all(
        ref.startswith("#/") for ref in re.findall(r'"\$ref": "([^"]*)"', json.dumps(bundled))
    )

    # A pull request that makes `year` required on the write schema breaks every client.
    def git(*args: str) -> None:
        identity = ("-c", "user.name=e2e", "-c", "user.email=e2e@example.com")
        subprocess.run(["git", *identity, *args], cwd=project, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    new_book = project / "spec" / "components" / "schemas" / "NewBook.yaml"
    text = new_book.read_text(encoding="utf-8")
    new_book.write_text(text.replace("[title, author]", "[title, author, year]"), encoding="utf-8")

    same = user_venv.run(
        "oaskit", "diff", "main:spec/openapi.yaml", "main:spec/openapi.yaml", cwd=project
    )
    against = user_venv.run("oaskit", "diff", "--base", "main", "--format", "json", cwd=project)

    assert _succeeds(same).stdout.strip() == "", same.stdout
    assert against.returncode == 1, _output(against)
    report = json.loads(against.stdout)
    (change,) = [c for c in report["changes"] if c["level"] == "error"]
    assert change["rule"] == "request-property-became-required", change
    assert change["head"]["file"].endswith("spec/components/schemas/NewBook.yaml"), change
    assert change["base"]["file"].startswith("main:spec/components/schemas/NewBook.yaml"), change
