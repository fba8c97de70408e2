"""`oaskit lint` and `oaskit regen` on hostile specs: a located finding, never more (issue #15).

Each case runs the real command in a subprocess under a memory ceiling and a timeout, so a
document that would exhaust the machine fails the test instead of the test run. The ceilings
are generous bounds, not benchmarks. A file outside the spec's folder holds a marker that must
never reach stdout, stderr or a written file, and a FIFO outside it tells whether anything
opened it; a TCP listener on 127.0.0.1 tells whether anything connected.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="POSIX limits, FIFOs, symlinks")

CORPUS = Path(__file__).parent / "corpus"
SECRET = "OASKIT-SECRET-MARKER-4b1d"
# Far above what any case needs when oaskit refuses it early; a billion laughs expanded took
# 7.7 GB, a traceback-free refusal takes a few hundred MB.
MEMORY = 2 * 1024**3
TIMEOUT = 120
# `file:line:col code message`, one line, as the CLI prints unusable input.
LOCATED = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+) (?P<code>[a-z-]+) \S.*$")
SECRET_SPEC = f"type: object\ndescription: {SECRET}\nproperties:\n  {SECRET}: {{type: string}}\n"


@dataclass(frozen=True, slots=True)
class Result:
    """One finished run."""

    code: int
    out: str
    err: str


class Sentinel:
    """A FIFO outside the root: opening it, for any purpose, releases a writer waiting on it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opened = False
        self._stopping = False
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    def _wait(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # returns once a reader opens the FIFO
        self.opened = not self._stopping
        os.close(fd)

    def stop(self) -> None:
        self._stopping = True
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self._thread.join(timeout=10)
        os.close(fd)


class Listener:
    """A TCP socket on 127.0.0.1 that counts the connections made to it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self.socket.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            self._accept()

    def _accept(self) -> None:
        try:
            connection, _ = self.socket.accept()
        except TimeoutError:
            return
        self.connections += 1
        connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._accept()  # one made as the run ended waits in the backlog
        self.socket.close()


@dataclass(slots=True)
class Project:
    """A project folder with `api/` (the root) beside `outside/` (never to be read)."""

    base: Path
    listener: Listener
    sentinel: Sentinel

    @property
    def api(self) -> Path:
        return self.base / "project" / "api"

    @property
    def outside(self) -> Path:
        return self.base / "outside"

    def place(self, name: str) -> Path:
        """The corpus case `name` copied into `api/`, its placeholders filled in."""
        source = CORPUS / name
        if source.is_dir():
            shutil.copytree(source, self.api, dirs_exist_ok=True)
            return self.api / "openapi.yaml"
        target = self.api / name
        raw = source.read_bytes()
        for key, value in (
            (b"{OUTSIDE}", str(self.outside)),
            (b"{PORT}", str(self.listener.port)),
            (b"{SECRET}", SECRET),
        ):
            raw = raw.replace(key, value.encode())
        target.write_bytes(raw)
        return target

    def run(self, *argv: str) -> Result:
        """`oaskit ARGV…` from the project folder, under the memory ceiling and timeout."""
        env = {k: v for k, v in os.environ.items() if k not in ("OASKIT_TRACEBACK", "NO_COLOR")}
        env["NO_COLOR"] = "1"
        done = subprocess.run(
            [sys.executable, "-c", "from oaskit.cli import run; run()", *argv],
            cwd=self.base / "project",
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            env=env,
            preexec_fn=_limit_memory,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def written(self) -> Iterator[str]:
        """The text of every file under the project that oaskit may have written."""
        for path in (self.base / "project").rglob("*"):
            if path.is_file() and not path.is_symlink() and path.parent != self.api:
                yield path.read_text(encoding="utf-8", errors="replace")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    (tmp_path / "project" / "api").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(SECRET_SPEC, encoding="utf-8")
    listener = Listener()
    sentinel = Sentinel(tmp_path / "outside" / "sentinel.yaml")
    made = Project(tmp_path, listener, sentinel)
    try:
        yield made
    finally:
        listener.stop()
        sentinel.stop()
    assert listener.connections == 0, "something connected to the listener"
    assert not sentinel.opened, "something opened a file outside the root"


def _assert_refused(project: Project, spec: Path, *, code: str, line: int | None = None) -> None:
    """lint and regen both exit 2 with one located line naming `code`, and leak nothing."""
    relative = spec.relative_to(project.base / "project")
    lint = project.run("lint", str(relative))
    regen = project.run("regen", "--spec", str(relative), "--out", "out")
    for result in (lint, regen):
        assert result.code == 2, result.err
        assert "Traceback" not in result.err
        [message] = result.err.splitlines()
        match = LOCATED.match(message)
        assert match is not None, message
        assert match["code"] == code, message
        if line is not None:
            assert (match["file"], int(match["line"])) == (str(relative), line), message
        assert SECRET not in result.out + result.err
    assert not (project.base / "project" / "out").exists()
    assert all(SECRET not in text for text in project.written())


def _link(project: Project, name: str, target: Path) -> None:
    (project.api / name).symlink_to(target)


# Each corpus case, what it needs beside it, the code it is refused with and on which line.
CASES = {
    "absolute_path.yaml": ("ref-outside-root", 6),
    "dot_dot.yaml": ("ref-outside-root", 6),
    "dot_dot_fragment.yaml": ("ref-outside-root", 6),
    "symlink_out.yaml": ("ref-outside-root", 6),
    "symlink_loop.yaml": ("input-unreadable", 6),
    "fifo.yaml": ("input-unreadable", 6),
    "directory.yaml": ("input-unreadable", 6),
    "url_http.yaml": ("ref-remote", 6),
    "url_https.yaml": ("ref-remote", 6),
    "url_network_path.yaml": ("ref-remote", 6),
    "url_file.yaml": ("ref-remote", 6),
    "custom_tag.yaml": ("input-syntax", 6),
    "python_tag.yaml": ("input-syntax", 6),
    "not_utf8.yaml": ("input-unreadable", 6),
    "utf16.yaml": ("input-unreadable", 1),
    "billion_laughs.yaml": ("input-too-large", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_refuses_with_one_located_line_when_spec_is_hostile(project: Project, name: str) -> None:
    spec = project.place(name)
    if name == "symlink_out.yaml":
        _link(project, "link.yaml", project.outside / "secret.yaml")
    elif name == "symlink_loop.yaml":
        _link(project, "loop.yaml", project.api / "loop2.yaml")
        _link(project, "loop2.yaml", project.api / "loop.yaml")
    elif name == "fifo.yaml":
        os.mkfifo(project.api / "pipe.yaml")
    elif name == "directory.yaml":
        (project.api / "folder.yaml").mkdir()
    code, line = CASES[name]

    _assert_refused(project, spec, code=code, line=line)


@pytest.mark.parametrize("name", ["absolute_path.yaml", "dot_dot.yaml", "symlink_out.yaml"])
def test_never_opens_the_target_when_ref_leaves_the_root(project: Project, name: str) -> None:
    # The sentinel (a FIFO) takes the secret's place: the fixture fails if anything opens it.
    spec = project.place(name)
    spec.write_text(spec.read_text().replace("secret.yaml", "sentinel.yaml"))
    _link(project, "link.yaml", project.outside / "sentinel.yaml")

    _assert_refused(project, spec, code="ref-outside-root", line=6)


def test_never_fetches_when_a_spec_over_a_megabyte_names_a_url(project: Project) -> None:
    # Over 1 MB, regen renders models in a second process from the file as written, before the
    # bundle is checked; that process must not follow the reference either.
    spec = project.place("url_http.yaml")
    padding = "".join(
        f"    Pad{i}: {{type: string, description: {'p' * 80}}}\n" for i in range(12_000)
    )
    spec.write_text(spec.read_text() + padding)

    _assert_refused(project, spec, code="ref-remote", line=6)


def test_refuses_when_the_root_spec_is_a_symlink_loop(project: Project) -> None:
    _link(project, "openapi.yaml", project.api / "openapi.yaml")

    _assert_refused(project, project.api / "openapi.yaml", code="input-unreadable", line=1)


def test_refuses_when_the_root_spec_is_a_fifo(project: Project) -> None:
    os.mkfifo(project.api / "openapi.yaml")

    _assert_refused(project, project.api / "openapi.yaml", code="input-unreadable", line=1)


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_refuses_at_the_number_when_an_integer_has_over_4300_digits(
    project: Project, suffix: str
) -> None:
    spec = project.api / f"openapi.{suffix}"
    spec.write_text(
        '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},\n'
        ' "components": {"schemas": {"A": {"type": "integer", "maximum": '
        + "9" * 100_000
        + "}}}}\n"
    )

    _assert_refused(project, spec, code="input-too-large", line=2)


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_refuses_at_the_node_when_nesting_is_deep(project: Project, suffix: str) -> None:
    # Deeper than the C JSON parser's recursion guard and PyYAML's composer.
    depth = 100_000
    spec = project.api / f"openapi.{suffix}"
    spec.write_text(
        '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},\n'
        ' "x-deep": ' + "[" * depth + "]" * depth + "}\n"
    )

    _assert_refused(project, spec, code="input-too-deep", line=2)


def test_refuses_before_reading_when_the_file_is_over_the_size_limit(project: Project) -> None:
    spec = project.api / "openapi.yaml"
    with spec.open("wb") as stream:
        stream.truncate(64 * 1024 * 1024 + 1)  # sparse: no disk, no time

    _assert_refused(project, spec, code="input-too-large", line=1)


@pytest.mark.parametrize("name", ["cycle_self.yaml", "cycle_pair.yaml", "cycle_files"])
def test_reports_ref_cycle_when_refs_loop_without_content(project: Project, name: str) -> None:
    spec = project.place(name)
    relative = str(spec.relative_to(project.base / "project"))

    lint = project.run("lint", relative)
    regen = project.run("regen", "--spec", relative, "--out", "out")

    # A mistake in a readable spec: lint reports it with the rest (exit 1), regen stops (exit 2).
    assert (lint.code, regen.code) == (1, 2), lint.err + regen.err
    assert " ref-cycle $ref cycle that never reaches a definition" in lint.out
    [message] = regen.err.splitlines()
    assert LOCATED.match(message) is not None
    assert " ref-cycle " in message
    assert "Traceback" not in lint.err + regen.err


def test_generates_models_when_a_recursive_schema_has_content(project: Project) -> None:
    spec = project.place("recursive_ok.yaml")

    regen = project.run(
        "regen", "--spec", str(spec.relative_to(project.base / "project")), "--out", "out"
    )

    assert regen.code == 0, regen.err
    assert "class Tree(" in (project.base / "project" / "out" / "models.py").read_text()


def _big_spec(path: Path, *, megabytes: int, as_yaml: bool) -> None:
    """A valid spec of about `megabytes` MB: schemas that each refer to the one before."""
    with path.open("w", encoding="utf-8") as stream:
        if as_yaml:
            stream.write("openapi: 3.1.0\ninfo: {title: Big, version: '1'}\npaths: {}\n")
            stream.write("components:\n  schemas:\n")
            entry = (
                "    M{i}:\n      type: object\n      description: Model {i}, padded out.\n"
                "      properties:\n        id: {{type: integer, format: int64}}\n"
                "        name: {{type: string, maxLength: 100}}\n"
                "        parent: {{$ref: '#/components/schemas/M{j}'}}\n"
            )
        else:
            stream.write('{"openapi": "3.1.0", "info": {"title": "Big", "version": "1"},')
            stream.write(' "paths": {}, "components": {"schemas": {\n')
            entry = (
                '  "M{i}": {{"type": "object", "description": "Model {i}, padded out.",'
                ' "properties": {{"id": {{"type": "integer", "format": "int64"}},'
                ' "name": {{"type": "string", "maxLength": 100}},'
                ' "parent": {{"$ref": "#/components/schemas/M{j}"}}}}}},\n'
            )
        count = megabytes * 1_000_000 // len(entry.format(i=10**5, j=10**5))
        for i in range(count):
            stream.write(entry.format(i=i, j=max(i - 1, 0)))
        if not as_yaml:
            stream.write('  "Last": {"type": "string"}\n}}}\n')


def test_refuses_before_parsing_when_a_yaml_spec_is_50_mb(project: Project) -> None:
    # Composed by PyYAML in pure Python, 50 MB took 4 minutes and 4 GB.
    spec = project.api / "openapi.yaml"
    _big_spec(spec, megabytes=50, as_yaml=True)

    _assert_refused(project, spec, code="input-too-large", line=1)


def test_lints_a_50_mb_json_spec_within_the_memory_ceiling(project: Project) -> None:
    spec = project.api / "openapi.json"
    _big_spec(spec, megabytes=50, as_yaml=False)

    lint = project.run("lint", "api/openapi.json")

    assert lint.code == 0, lint.err
    assert "Traceback" not in lint.err
