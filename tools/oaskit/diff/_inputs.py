"""Each side of a diff: a spec file in the working tree, or `REV:path` as a git revision holds it.

A revision's spec is materialised, with every YAML and JSON file beside it, into a private
temporary folder (the spec's folder and the ref-roots below the repository, as `git ls-tree`
lists them and `git cat-file` reads them), so that a multi-file spec bundles there as it would
have in a checkout; `Opened.display` maps the files read there back to `REV:path`. Revisions
and paths come from a pull request or a CI variable: git runs with an argument list (never a
shell), a revision that could be read as an option is refused, every path stays inside the
repository and the temporary folder (no `..`, no absolute names, no links out), within a size
budget.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = [
    "Input",
    "Opened",
    "Revision",
    "RevisionError",
    "open_input",
    "parse_input",
    "repository_path",
    "spec_at",
    "verify_revision",
]

# What unpacking one revision may write (rule 16): GitHub's spec, the largest known, is 13 MB.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_UNPACKED_FILES = 100_000
# What a `$ref` names in practice: YAML and JSON documents.
_DOCUMENT_SUFFIXES = (b".yaml", b".yml", b".json")
# Links followed from one symlink before it counts as a loop (Linux's own limit is 40).
_MAX_LINK_HOPS = 40
_GIT_TIMEOUT_S = 300
# Messages from git in English, no prompt for credentials, and a path is only ever a path:
# never pathspec magic (`:(glob)…`, `:!…`) that a `REV:path` could smuggle in.
_GIT_SETTINGS = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_LITERAL_PATHSPECS": "1"}
# Control characters in a revision would end up in messages and in git's own argument parsing.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RevisionError(Exception):
    """A git revision or a path at it that cannot be used: exit 2 with this one-line reason."""


@dataclass(frozen=True, slots=True)
class Revision:
    """`REV:path`: the file at `path` (relative to the repository root) in revision `rev`."""

    rev: str
    path: PurePosixPath

    def __str__(self) -> str:
        return f"{self.rev}:{self.path.as_posix()}"


# One side as given: a file in the working tree, or a file at a revision.
Input = Path | Revision


def parse_input(text: str) -> Input:
    """`text` as a side: a file that exists wins, else `REV:path`, else a path for the reader.

    Raises RevisionError for a `REV:path` that cannot name a file inside the repository.
    """
    if "\0" in text:
        raise RevisionError(f"{text!r} holds a NUL character")
    rev, colon, rest = text.partition(":")
    if not colon or Path(text).is_file():
        return Path(text)
    return Revision(_checked_revision(rev, given=text), _checked_path(rest, given=text))


def _checked_revision(rev: str, *, given: str) -> str:
    if not rev:
        raise RevisionError(f"{given!r} names no revision before ':'; write REV:path")
    if rev.startswith("-"):
        # git would read it as an option (`--output=…`).
        raise RevisionError(f"revision {rev!r} starts with '-'; a revision cannot")
    if _CONTROL.search(rev):
        raise RevisionError(f"revision {rev!r} holds a control character")
    return rev


def _checked_path(text: str, *, given: str) -> PurePosixPath:
    if not text or _CONTROL.search(text):
        raise RevisionError(f"{given!r} names no usable path after ':'")
    path = PurePosixPath(text.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise RevisionError(
            f"{given!r}: the path must be relative to the repository root and stay inside it"
        )
    parts = [part for part in path.parts if part != "."]
    if not parts:
        raise RevisionError(f"{given!r} names the repository root, not a spec file")
    return PurePosixPath(*parts)


@dataclass(frozen=True, slots=True)
class Opened:
    """One side on disk, ready to bundle, and how to show the files read for it."""

    # The root spec file to bundle: in the working tree, or in `tree`.
    spec: Path
    # The folders besides the spec's own that its `$ref`s may read, on the same disk.
    ref_roots: tuple[Path, ...]
    # The side as given: `spec/x.yaml` or `main:spec/x.yaml`.
    label: str
    # Where paths are shown relative to (the working folder).
    root: Path
    # For a revision: the folder it was unpacked into (symlinks followed) and the revision.
    tree: Path | None = None
    rev: str | None = None
    # For a revision: the repository's top folder, where `tree`'s paths lie in a checkout.
    toplevel: Path | None = None

    @classmethod
    def file(cls, spec: Path, *, root: Path, ref_roots: Sequence[Path] = ()) -> Opened:
        """A file in the working tree, shown relative to `root`."""
        return cls(spec=spec, ref_roots=tuple(ref_roots), label=_relative(spec, root), root=root)

    def display(self, file: Path) -> str:
        """`file` as the user knows it: relative to the working folder, or `REV:path`."""
        inside = self._inside_tree(file)
        if inside is not None:
            return f"{self.rev}:{inside.as_posix()}"
        return _relative(file, self.root)

    def checkout_path(self, file: Path) -> str:
        """Where `file` lies in a checkout, relative to the working folder (for annotations)."""
        inside = self._inside_tree(file)
        if inside is not None and self.toplevel is not None:
            return _relative(self.toplevel / inside, self.root)
        return _relative(file, self.root)

    def _inside_tree(self, file: Path) -> PurePosixPath | None:
        if self.tree is None:
            return None
        try:
            return PurePosixPath(Path(os.path.realpath(file)).relative_to(self.tree).as_posix())
        except ValueError:
            return None


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return path.as_posix()


def repository_path(file: Path, *, cwd: Path) -> tuple[Path, PurePosixPath]:
    """The repository's top folder around `cwd` and `file` relative to it; raises if outside."""
    top = _toplevel(cwd)
    try:
        inside = Path(os.path.realpath(file)).relative_to(top)
    except ValueError:
        raise RevisionError(f"{file.as_posix()} is not inside the repository at {top}") from None
    return top, PurePosixPath(inside.as_posix())


def verify_revision(rev: str, *, cwd: Path) -> str:
    """The commit `rev` names, as a full object id; raises RevisionError when none."""
    _checked_revision(rev, given=rev)
    _toplevel(cwd)
    found = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=cwd)
    commit = found.stdout.decode("ascii", "replace").strip()
    if found.returncode != 0 or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise RevisionError(
            f"{rev!r} names no commit in this repository (a shallow CI checkout may need "
            "`git fetch` of it first)"
        )
    return commit


def spec_at(commit: str, path: PurePosixPath, *, cwd: Path) -> str | None:
    """What `path` is in `commit`: `blob` for a file, another git type, or None when absent."""
    # ls-tree reads paths relative to the folder it runs in; `path` is from the top.
    listed = _git(["ls-tree", "-z", commit, "--", path.as_posix()], cwd=_toplevel(cwd))
    if listed.returncode != 0:
        raise RevisionError(f"git cannot list {path.as_posix()} at {commit[:12]}")
    entry = listed.stdout.split(b"\0", 1)[0]
    if not entry:
        return None
    # `<mode> SP <type> SP <object> TAB <path>`
    mode, kind, _ = entry.split(b"\t", 1)[0].split(b" ", 2)
    return "symlink" if mode == b"120000" else kind.decode("ascii", "replace")


@contextlib.contextmanager
def open_input(
    side: Input, *, cwd: Path, ref_roots: Sequence[Path] = (), commit: str | None = None
) -> Iterator[Opened]:
    """`side` on disk for the block: the working-tree file, or the revision unpacked.

    `ref_roots` are working-tree folders (`[tool.oaskit] ref-roots`); at a revision, those inside
    the repository are unpacked too and stand in for them. `commit` skips verifying the revision
    again when the caller has. Raises RevisionError for a revision or path that cannot be used.
    """
    if isinstance(side, Path):
        yield Opened.file(side, root=cwd, ref_roots=ref_roots)
        return
    top = _toplevel(cwd)
    commit = commit or verify_revision(side.rev, cwd=cwd)
    kind = spec_at(commit, side.path, cwd=cwd)
    if kind is None:
        raise RevisionError(f"{side} does not exist: no such file at that revision")
    if kind != "blob":
        raise RevisionError(f"{side} is a {kind}, not a spec file")
    folders = [side.path.parent]
    for folder in ref_roots:
        try:
            inside = Path(os.path.realpath(folder)).relative_to(top)
        except ValueError:
            continue  # outside the repository: no revision holds it
        folders.append(PurePosixPath(inside.as_posix()))
    tree = Path(tempfile.mkdtemp(prefix="oaskit-diff-"))
    try:
        real = Path(os.path.realpath(tree))
        _unpack(commit, folders, into=real, top=top, label=str(side))
        yield Opened(
            spec=real / side.path,
            ref_roots=tuple(real / folder for folder in folders[1:]),
            label=str(side),
            root=cwd,
            tree=real,
            rev=side.rev,
            toplevel=top,
        )
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def _unpack(
    commit: str, folders: Sequence[PurePosixPath], *, into: Path, top: Path, label: str
) -> None:
    """Write `folders` (from the top of the repository at `top`) as `commit` holds them below
    `into`, within the budget.

    Blobs are read with `git cat-file`, not `git archive`: an archive applies the revision's own
    `.gitattributes` (`export-ignore` would leave a referenced schema out, `export-subst` would
    rewrite text), where this writes exactly the committed bytes. Only regular files are
    written: a symlink becomes a copy of the file it leads to inside the folder (or nothing), so
    no write ever goes through a link.
    """
    entries = _listed(commit, folders, top=top, label=label)
    files: set[PurePosixPath] = set()
    links: dict[PurePosixPath, str] = {}
    with subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=top,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_git_env(),
    ) as process:
        assert process.stdin is not None  # PIPE was asked for
        assert process.stdout is not None
        try:
            for mode, blob, path in entries:
                process.stdin.write(blob + b"\n")
                process.stdin.flush()
                # `<object> SP blob SP <size> LF <contents> LF`
                header = process.stdout.readline().split()
                if len(header) != 3 or header[1] != b"blob":
                    raise RevisionError(f"{label}: git cannot read {path} at that revision")
                data = process.stdout.read(int(header[2]))
                process.stdout.read(1)
                if mode == b"120000":
                    links[path] = os.fsdecode(data)
                else:
                    (into / path).parent.mkdir(parents=True, exist_ok=True)
                    (into / path).write_bytes(data)
                    files.add(path)
        except OSError as exc:
            process.kill()
            raise RevisionError(f"{label}: cannot unpack the revision: {exc}") from None
        except BaseException:
            process.kill()
            raise
        process.stdin.close()
    try:
        for path in links:
            found = _link_target(path, links)
            if found in files:
                (into / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(into / found, into / path)
    except OSError as exc:
        raise RevisionError(f"{label}: cannot unpack the revision: {exc}") from None


def _link_target(path: PurePosixPath, links: Mapping[PurePosixPath, str]) -> PurePosixPath | None:
    """The file a chain of symlinks from `path` ends at, as a path from the top; None when it
    leaves the tree (an absolute target, `..` past the top) or loops."""
    for _ in range(_MAX_LINK_HOPS):
        if path not in links:
            return path
        target = links[path]
        resolved = posixpath.normpath(posixpath.join(path.parent.as_posix(), target))
        if posixpath.isabs(target) or resolved == ".." or resolved.startswith("../"):
            return None
        path = PurePosixPath(resolved)
    return None


def _listed(
    commit: str, folders: Sequence[PurePosixPath], *, top: Path, label: str
) -> list[tuple[bytes, bytes, PurePosixPath]]:
    """Every file below `folders` at `commit`: (mode, object id, path), within the budget."""
    # With no path ls-tree lists the whole tree: a spec at the repository's top.
    wanted = [] if any(not f.parts for f in folders) else sorted({f.as_posix() for f in folders})
    listed = _git(["ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", *wanted], cwd=top)
    if listed.returncode != 0:
        raise RevisionError(f"{label}: git cannot list the spec's folder at that revision")
    entries: list[tuple[bytes, bytes, PurePosixPath]] = []
    total = 0
    for record in listed.stdout.split(b"\0"):
        if not record:
            continue
        # `<mode> SP <type> SP <object> SP+ <size> TAB <path>`
        meta, _, name = record.partition(b"\t")
        mode, kind, blob, size = meta.split()
        if kind != b"blob" or not name.lower().endswith(_DOCUMENT_SUFFIXES):
            # A submodule's commit, or a file no `$ref` reads as a document (a spec at the top
            # of a repository would otherwise unpack all of its code).
            continue
        total += int(size)
        if total > MAX_UNPACKED_BYTES or len(entries) >= MAX_UNPACKED_FILES:
            raise RevisionError(
                f"{label}: the spec's folder at that revision is over "
                f"{MAX_UNPACKED_BYTES // 2**20} MiB or {MAX_UNPACKED_FILES} files"
            )
        entries.append((mode, blob, _tree_path(name, label=label)))
    return entries


def _tree_path(name: bytes, *, label: str) -> PurePosixPath:
    """A path from a git tree, refused unless it is plainly relative (a crafted tree may hold
    `..` or an absolute name that git itself would never check out)."""
    text = os.fsdecode(name)
    parts = text.split("/")
    if any(part in ("", ".", "..") or "\0" in part for part in parts):
        raise RevisionError(f"{label}: the revision holds a path git would not check out")
    return PurePosixPath(*parts)


def _git_env() -> dict[str, str]:
    return {**os.environ, **_GIT_SETTINGS}


def _toplevel(cwd: Path) -> Path:
    found = _git(["rev-parse", "--show-toplevel"], cwd=cwd)
    if found.returncode != 0:
        raise RevisionError("not inside a git repository; REV:path and --base need one")
    return Path(os.path.realpath(os.fsdecode(found.stdout.rstrip(b"\n"))))


def _git(arguments: Sequence[str], *, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *arguments],
            cwd=cwd,
            capture_output=True,
            env=_git_env(),
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed; REV:path and --base need it") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git took over {_GIT_TIMEOUT_S} s") from None
