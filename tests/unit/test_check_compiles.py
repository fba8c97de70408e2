"""`check_compiles`: every generated module compiles, or a finding says where it does not; large
outputs are compiled by two other interpreters, with the same findings."""

from __future__ import annotations

from pathlib import Path

import pytest

import oaskit.pipeline as pipeline
from oaskit.pipeline import GenerationError, check_compiles

FILES = {
    "client.py": "def f(a, b):\n    return a + b\n",
    "models/_a.py": "x = 1\n",
    # Compiles to an AST, refused by the compiler: a repeated keyword argument.
    "models/_b.py": "x = 1\ny = dict(a=1, a=2)\n",
    "server.py": "class A:\n    def f(self):\n        return (\n",
    "README.txt": "not python (\n",
}


def _findings(files: dict[str, str]) -> list[tuple[str, int, str]]:
    with pytest.raises(GenerationError) as raised:
        check_compiles(files, package="pkg")
    return [(str(f.location.file), f.location.line, f.code) for f in raised.value.findings]


EXPECTED = [
    (str(Path("pkg/models/_b.py")), 2, "generated-code-invalid"),
    (str(Path("pkg/server.py")), 3, "generated-code-invalid"),
]


def test_names_each_module_that_does_not_compile_when_compiled_here() -> None:
    assert _findings(FILES) == EXPECTED


def test_other_interpreters_report_the_same_findings_when_output_is_large(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[object] = []
    real = pipeline._start_compiler

    def recording(modules: list[tuple[str, str]]) -> object:
        helper = real(modules)
        started.append(helper)
        return helper

    monkeypatch.setattr(pipeline, "_SHARE_COMPILING_OVER", 0)
    monkeypatch.setattr(pipeline, "_start_compiler", recording)

    assert _findings(FILES) == EXPECTED
    assert len(started) == 2
    assert all(helper is not None for helper in started)


def test_compiles_here_when_no_other_interpreter_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_SHARE_COMPILING_OVER", 0)
    monkeypatch.setattr(pipeline, "_start_compiler", lambda modules: None)

    assert _findings(FILES) == EXPECTED


def test_lone_surrogates_and_nul_travel_to_the_other_interpreters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "_SHARE_COMPILING_OVER", 0)
    files = {"a.py": "s = '\\ud800'\n", "b.py": "x = 1\x00\n"}

    assert _findings(files) == [(str(Path("pkg/b.py")), 1, "generated-code-invalid")]


def test_passes_when_every_module_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_SHARE_COMPILING_OVER", 0)
    check_compiles({"a.py": "x = 1\n", "b.py": "def f():\n    return 2\n"}, package="pkg")
