"""oaskit as a user gets it: a wheel built from this checkout, installed alone in a fresh venv.

The wheel is built once per session from a copy of the checkout's files (those git tracks or
would track), so nothing a build leaves behind (`build/`, `*.egg-info`) lands in the working
tree or slips into the wheel. One venv per session gets `oaskit[server]` from it; the user
projects in `projects/` are copied to a temporary folder per test and driven with that venv's
executables, from an environment where nothing of this repository is importable.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest

__all__ = ["MakeProject", "UserVenv"]

REPOSITORY = Path(__file__).resolve().parents[2]
PROJECTS = Path(__file__).resolve().parent / "projects"

# Bounds, not expectations: with a warm pip cache the build takes seconds and the install well
# under a minute; with a cold one pip downloads about 65 distributions first.
_BUILD_TIMEOUT = 300.0
_INSTALL_TIMEOUT = 900.0
_COMMAND_TIMEOUT = 180.0
_SERVER_START_TIMEOUT = 30.0

# What would let the developer's environment reach into the user's: an import path, another
# venv, interpreter start-up code, oaskit's own test knobs.
_DROPPED_VARIABLES = frozenset(
    {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH", "VIRTUAL_ENV", "CONDA_PREFIX"}
)


class MakeProject(Protocol):
    """What the `make_project` fixture gives: lay out a user project, return its folder."""

    def __call__(self, name: str, *, based_on: str | None = None) -> Path:
        """Copy projects/<name> (over a copy of projects/<based_on>) to a temporary folder."""
        ...


@dataclass(frozen=True)
class UserVenv:
    """A venv holding oaskit[server] from the wheel, and how to run its executables as a user."""

    root: Path
    # The version the installed wheel carries.
    version: str

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.executable("python")

    def executable(self, name: str) -> Path:
        """The venv's executable `name` (`oaskit`, `uvicorn`, `ruff`, …)."""
        return self.root / "bin" / name

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """This process's environment without a way into the repository, plus `extra`.

        The venv is not activated: executables are called by their path, as a user of
        `.venv/bin/oaskit` or pipx would, so oaskit must find its own ruff without PATH.
        """
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in _DROPPED_VARIABLES and not name.startswith("OASKIT_")
        }
        paths = env.get("PATH", "").split(os.pathsep)
        env["PATH"] = os.pathsep.join(p for p in paths if p and not _inside(Path(p), REPOSITORY))
        # Plain output to match against: no colour, no progress line.
        env["NO_COLOR"] = "1"
        env.pop("FORCE_COLOR", None)
        return {**env, **(extra or {})}

    def run(
        self,
        name: str,
        *args: str,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        timeout: float = _COMMAND_TIMEOUT,
    ) -> subprocess.CompletedProcess[str]:
        """Run the venv's executable `name` with `args` in `cwd`; never raises on an exit code."""
        return subprocess.run(
            [str(self.executable(name)), *args],
            cwd=cwd,
            env=self.environment(env),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )

    @contextmanager
    def serve(self, app: str, *, cwd: Path, env: Mapping[str, str], log: Path) -> Iterator[str]:
        """Run `uvicorn app` from `cwd` on a free 127.0.0.1 port; yields its base URL.

        Ready once an HTTP request gets any answer; the server is stopped on the way out,
        whatever happened meanwhile. Its output goes to `log`.
        """
        port = _free_port()
        with log.open("w", encoding="utf-8") as output:
            process = subprocess.Popen(
                [str(self.executable("uvicorn")), app, "--host", "127.0.0.1", "--port", str(port)],
                cwd=cwd,
                env=self.environment(env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_until_answering(process, port=port, log=log)
                yield f"http://127.0.0.1:{port}"
            finally:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_answering(process: subprocess.Popen[bytes], *, port: int, log: Path) -> None:
    deadline = time.monotonic() + _SERVER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"uvicorn exited with {process.returncode} before answering:\n"
                + log.read_text(encoding="utf-8")
            )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"uvicorn did not answer on port {port} within {_SERVER_START_TIMEOUT:g} s:\n"
                    + log.read_text(encoding="utf-8")
                ) from None
            time.sleep(0.1)
        finally:
            connection.close()


def _repository_files() -> list[Path]:
    # Tracked files and untracked ones that are not ignored: the checkout as its author sees it.
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    )
    names = (name for name in listed.stdout.decode().split("\0") if name)
    # A tracked file deleted in the working tree is still listed by --cached.
    return [Path(name) for name in names if (REPOSITORY / name).is_file()]


@pytest.fixture(scope="session")
def oaskit_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The oaskit wheel built by `python -m build --wheel` from a copy of this checkout."""
    source = tmp_path_factory.mktemp("oaskit-source")
    for name in _repository_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPOSITORY / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=_BUILD_TIMEOUT,
        check=False,
    )
    assert built.returncode == 0, f"building the wheel failed:\n{built.stdout}\n{built.stderr}"
    (wheel,) = dist.glob("oaskit-*.whl")
    return wheel


@pytest.fixture(scope="session")
def user_venv(tmp_path_factory: pytest.TempPathFactory, oaskit_wheel: Path) -> UserVenv:
    """A fresh venv (no system site-packages) with `oaskit[server]` installed from the wheel."""
    root = tmp_path_factory.mktemp("user") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=120)
    # The wheel's version, from its file name (PEP 427: name-version-tags.whl).
    venv = UserVenv(root=root, version=oaskit_wheel.name.split("-")[1])
    command = [str(venv.python), "-m", "pip", "install", f"{oaskit_wheel}[server]"]
    try:
        installed = subprocess.run(
            command,
            env=venv.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=_INSTALL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"pip install took over {_INSTALL_TIMEOUT:g} s:\n{_text(exc.output)}")
    assert installed.returncode == 0, f"pip install failed:\n{_text(installed.stdout)}"
    return venv


def _text(output: bytes | None) -> str:
    # Read as bytes: a timeout leaves whatever pip had written so far, perhaps mid-character.
    return (output or b"").decode(errors="replace")


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """A factory: `make_project(name, based_on=None)` copies projects/<name> to a temporary folder.

    With `based_on`, that project is copied first and <name>'s files go over it, so a variant
    keeps only what differs. The copy's folder is named `name`.
    """

    # Inside the checkout, "nothing of the repository on sys.path" could not be told apart.
    assert not _inside(tmp_path, REPOSITORY), f"--basetemp must lie outside {REPOSITORY}"

    def make(name: str, *, based_on: str | None = None) -> Path:
        target = tmp_path / name
        for source in (based_on, name):
            if source is not None:
                shutil.copytree(
                    PROJECTS / source,
                    target,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".cache"),
                )
        return target

    return make
