"""Other tools read what `oaskit bundle` writes: openapi-python-client, datamodel-code-generator
and schemathesis here (Spectral and Redocly under `make judges`, tests/judges).

Each reads the bundle of the project's three specs and of the spec with cycles across files,
and its output is used: the generated client and models import, schemathesis lists every
operation the spec has.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
import yaml

from oaskit.cli import main
from tests.bundle.conftest import SPECS

BIN = Path(sys.executable).parent
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# A generator that has not finished in this long is stuck, not slow.
LIMIT = 600


@pytest.fixture(params=sorted(SPECS))
def bundle(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    out = tmp_path / f"{request.param}.yaml"
    assert main(["-q", "bundle", str(SPECS[request.param]), "-o", str(out)]) == 0
    return out


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # Both tools call ruff (a dependency of oaskit) from PATH to format what they write.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=LIMIT, env=env)


def operations(path: Path) -> int:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return sum(len(METHODS & set(item)) for item in document["paths"].values())


def test_openapi_python_client_generates_an_importable_client(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "client"

    done = run(
        str(BIN / "openapi-python-client"), "generate", "--path", str(bundle),
        "--output-path", str(out), cwd=tmp_path,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    # It warns, and leaves the part out, for whatever it cannot read: nothing here.
    assert "Warning" not in done.stdout + done.stderr, done.stdout
    packages = [p for p in out.iterdir() if (p / "__init__.py").is_file()]
    assert len(packages) == 1
    calls = list((packages[0] / "api").rglob("*.py"))
    assert len([p for p in calls if p.name != "__init__.py"]) == operations(bundle)
    imported = run(
        sys.executable, "-c", f"import {packages[0].name}.models, {packages[0].name}.client",
        cwd=out,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr


def test_datamodel_code_generator_writes_importable_models(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "models.py"

    done = run(
        str(BIN / "datamodel-codegen"), "--input", str(bundle), "--input-file-type", "openapi",
        "--output-model-type", "pydantic_v2.BaseModel", "--output", str(out), cwd=tmp_path,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    imported = run(sys.executable, "-c", "import models", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    schemas = yaml.safe_load(bundle.read_text(encoding="utf-8"))["components"]["schemas"]
    text = out.read_text(encoding="utf-8")
    # Every object component became a class of its own name.
    for name, schema in schemas.items():
        if schema.get("type") == "object" and "properties" in schema:
            assert f"class {name}(" in text, name


def test_schemathesis_lists_every_operation(bundle: Path) -> None:
    schema = schemathesis.openapi.from_path(str(bundle))

    found = [result.ok() for result in schema.get_all_operations()]

    assert len(found) == operations(bundle)
    # Each operation's request and response schemas resolve: a strategy can be drawn from each.
    for operation in found:
        operation.as_strategy()
