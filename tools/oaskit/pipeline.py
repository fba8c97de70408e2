"""`regen` from spec to files: load → bundle → validate → IR → render → format.

The stages are imported inside the functions that run them: a regen whose stamp shows nothing
changed (`RegenCache`) never loads the spec validator or Jinja, which would cost more than all of
its own work.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oaskit._collector import collector_paused
from oaskit.emit import Stamp, SyncResult, read_stamp, stamp_is_current, write_stamp
from oaskit.errors import Finding, Level, Location

if TYPE_CHECKING:
    from oaskit.spec import Bundle

__all__ = [
    "Generation",
    "GenerationError",
    "RegenCache",
    "RegenJob",
    "RegenOutcome",
    "check_compiles",
    "generate",
    "generate_package",
    "regen",
    "regen_key",
]

# The oaskit modules whose code decides what regen writes (lint/, fuzz/, cli.py do not).
_GENERATOR_MODULES = ("pipeline.py", "errors.py", "spec", "ir", "render", "emit")
# Tools whose version changes the output: ruff formats it.
_GENERATOR_TOOLS = ("ruff",)


class GenerationError(Exception):
    """The spec has errors, so nothing is generated from it."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__(f"{len(findings)} error(s) in the spec")
        self.findings = tuple(findings)


@dataclass(frozen=True, slots=True)
class Generation:
    """Every file of a generated package, and every spec file it was generated from."""

    files: dict[str, str]
    inputs: tuple[Path, ...]


def generate_package(
    spec_path: Path,
    *,
    name: str,
    package: str,
    source: str,
    templates: Sequence[Path] = (),
    read_write_models: str = "split",
    ref_roots: Sequence[Path] = (),
    validation_status: str = "documented",
    embed_spec: bool = False,
) -> dict[str, str]:
    """Every file of the package generated from `spec_path`, formatted; raises GenerationError."""
    return generate(
        spec_path,
        name=name,
        package=package,
        source=source,
        templates=templates,
        read_write_models=read_write_models,
        ref_roots=ref_roots,
        validation_status=validation_status,
        embed_spec=embed_spec,
    ).files


def generate(
    spec_path: Path,
    *,
    name: str,
    package: str,
    source: str,
    templates: Sequence[Path] = (),
    read_write_models: str = "split",
    ref_roots: Sequence[Path] = (),
    validation_status: str = "documented",
    embed_spec: bool = False,
    timings: dict[str, float] | None = None,
) -> Generation:
    """The generated package and the spec files it read; raises GenerationError.

    `read_write_models` is `split` (request and response models for schemas with readOnly or
    writeOnly members) or `shared` (one model per schema). `$ref`s are read inside the spec's
    folder and `ref_roots` only. `validation_status` is the generated server's status for a
    request that breaks the spec: `400`, `422`, or `documented` (`oaskit.ir.build_api`).
    `embed_spec` adds `openapi.json`, the spec as `oaskit bundle` writes it (JSON).
    `timings`, when given, receives each stage's seconds (bench/regen_stages.py reads them).
    """
    clock = _Clock(timings)
    from oaskit.emit import format_tree
    from oaskit.ir import build_api
    from oaskit.render import render_code
    from oaskit.spec import bundle_spec, dump_document, unroutable_paths, validate_bundle

    with collector_paused():
        clock.lap("import")
        bundle = bundle_spec(spec_path, ref_roots=ref_roots)
        clock.lap("load + bundle")
        try:
            findings = validate_bundle(bundle)
        except UnicodeEncodeError:
            # jsonschema-rs takes only text UTF-8 can hold; a lone surrogate is refused below.
            raise GenerationError([_lone_surrogate(bundle)]) from None
        errors = [f for f in [*bundle.problems, *findings] if f.level is Level.ERROR]
        # A path key no request reaches would make dead routes and client calls to wrong URLs.
        errors.extend(unroutable_paths(bundle))
        if errors:
            raise GenerationError(errors)
        clock.lap("validate")
        api = build_api(
            bundle.data,
            name=name,
            source=source,
            package=package,
            validation_status=validation_status,
            split_read_write=read_write_models == "split",
        )
        clock.lap("IR")
        code = render_code(api, templates=templates)
        clock.lap("render")
        # House rule 15: nothing reaches the disk that Python would not compile. Checked on the
        # rendered code while ruff formats it: ruff's fixes and formatter keep the syntax tree.
        # The models modules import exactly what they use, in isort's order: ruff only formats
        # them.
        settled = {module.path for module in api.models.modules}
        if api.models.lazy:
            settled.add("models/__init__.py")
        files = format_tree(
            code,
            package=package,
            meanwhile=lambda: check_compiles(code, package=package),
            settled=settled,
        )
        clock.lap("format + compile")
        _refuse_lone_surrogates(files, bundle)
        clock.lap("output scan")
        if embed_spec:
            # Bundled again, every external target hoisted: the models above are named after
            # the spec as lint reads it, the served copy is the one other tools read best.
            served = bundle_spec(spec_path, ref_roots=ref_roots, hoist="all")
            files["openapi.json"] = dump_document(served.data, "json")
            clock.lap("embed spec")
    return Generation(dict(sorted(files.items())), bundle.files)


class _Clock:
    """Seconds per stage into `timings`, when there is one to fill."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self._timings = timings
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self._timings is not None:
            now = time.perf_counter()
            self._timings[stage] = now - self._last
            self._last = now


# A lone surrogate as `repr` and the escaping functions write it: `\ud800`, its backslash not
# itself escaped (not preceded by an odd number of backslashes).
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}")


def _refuse_lone_surrogates(files: dict[str, str], bundle: Bundle) -> None:
    """Raise GenerationError if spec text with a lone surrogate reached the generated code.

    JSON can spell one (`"\\ud800"`), but it is no Unicode text (RFC 7493 2.1 forbids it) and
    pydantic refuses it at import (a `Literal`, an alias), so the package would not import. One
    scan of the output, rather than of every string of the spec; the spec is walked only to say
    where.
    """
    # The substring test first: a C scan, where the pattern's look-behind takes 0.3 s on GitHub's.
    if not any("\\ud" in text and _SURROGATE_ESCAPE.search(text) for text in files.values()):
        return
    raise GenerationError([_lone_surrogate(bundle)])


def _lone_surrogate(bundle: Bundle) -> Finding:
    message = "a string holds a lone surrogate (JSON `\\ud800`), which generated code cannot carry"
    where = _surrogate_path(bundle.data)
    return Finding("spec-lone-surrogate", message, bundle.locate(where or ()))


def _surrogate_path(node: Any) -> tuple[str | int, ...] | None:
    """The path to the first key or string in `node` with a lone surrogate, if any."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), node)]
    while stack:
        path, current = stack.pop()
        if isinstance(current, str) and _has_surrogate(current):
            return path
        if isinstance(current, dict):
            for key, value in current.items():
                if isinstance(key, str) and _has_surrogate(key):
                    return (*path, key)
                stack.append(((*path, key), value))
        elif isinstance(current, list):
            stack.extend(((*path, index), item) for index, item in enumerate(current))
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_compiles(files: dict[str, str], *, package: str) -> None:
    """Raise GenerationError, one finding per module, unless every `.py` in `files` compiles.

    Compiled, never run. A finding is at the generated file and line: with every spec string
    escaped, what does not compile comes from a template, the place to look. Past a few
    megabytes (GitHub's 15), two other interpreters compile half each: compiling holds every
    module's syntax tree for a moment, which would raise this process's peak by a quarter.
    """
    modules = [
        (str(Path(*package.split("."), name)), text)
        for name, text in sorted(files.items())
        if name.endswith(".py")
    ]
    findings: list[Finding] = []
    groups = [modules]
    if sum(len(text) for _, text in modules) >= _SHARE_COMPILING_OVER:
        groups = _halves(modules)
        helpers = [_start_compiler(group) for group in groups]
        for group, helper in zip(groups, helpers, strict=True):
            reported = _compiler_findings(helper)
            if reported is None:  # no other interpreter, or it failed: compile its share here
                reported = [found for where, text in group for found in _compiled(where, text)]
            findings.extend(reported)
    else:
        findings = [found for where, text in modules for found in _compiled(where, text)]
    if findings:
        raise GenerationError(sorted(findings, key=lambda f: str(f.location.file)))


def _halves(modules: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Two groups of about the same size, largest modules first."""
    groups: list[list[tuple[str, str]]] = [[], []]
    sizes = [0, 0]
    for module in sorted(modules, key=lambda item: len(item[1]), reverse=True):
        smaller = sizes.index(min(sizes))
        groups[smaller].append(module)
        sizes[smaller] += len(module[1])
    return groups


# From this much generated code on, other interpreters compile it.
_SHARE_COMPILING_OVER = 4 << 20
# The second interpreter's program: compile each [path, text] read as JSON, print the failures.
_COMPILER = """
import json, sys
failures = []
for where, text in json.load(sys.stdin.buffer):
    try:
        compile(text, where, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        syntax = isinstance(exc, SyntaxError)
        failures.append([where, (exc.lineno or 1) if syntax else 1,
                         (exc.offset or 1) if syntax else 1, exc.msg if syntax else str(exc)])
json.dump(failures, sys.stdout)
"""


def _compiled(where: str, text: str) -> list[Finding]:
    try:
        # `dont_inherit`: this module's `from __future__` imports must not apply to the code.
        compile(text, where, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:  # ValueError: NUL bytes, before Python 3.12
        if isinstance(exc, SyntaxError):
            return [_not_compiling(where, exc.lineno or 1, exc.offset or 1, exc.msg)]
        return [_not_compiling(where, 1, 1, str(exc))]
    return []


def _not_compiling(where: str, line: int, col: int, reason: str) -> Finding:
    message = f"the generated module does not compile: {reason}"
    return Finding("generated-code-invalid", message, Location(Path(where), line, col))


def _start_compiler(modules: list[tuple[str, str]]) -> subprocess.Popen[bytes] | None:
    """A second interpreter (isolated: `-I`) compiling `modules`, fed before this returns."""
    try:
        helper = subprocess.Popen(
            [sys.executable, "-I", "-c", _COMPILER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None
    assert helper.stdin is not None
    try:
        # ASCII JSON: lone surrogates travel as `\ud800` escapes and come back as they were.
        helper.stdin.write(json.dumps(modules).encode("ascii"))
        helper.stdin.close()
    except OSError:
        helper.kill()
        helper.wait()
        return None
    return helper


def _compiler_findings(helper: subprocess.Popen[bytes] | None) -> list[Finding] | None:
    if helper is None or helper.stdout is None:
        return None
    output = helper.stdout.read()
    if helper.wait() != 0:
        return None
    try:
        failures = json.loads(output)
    except ValueError:
        return None
    return [
        _not_compiling(str(w), int(line), int(col), str(reason))
        for w, line, col, reason in failures
    ]


def regen_key(
    *,
    name: str,
    package: str,
    source: str,
    templates: Sequence[Path] = (),
    read_write_models: str = "split",
    validation_status: str = "documented",
    embed_spec: bool = False,
) -> str:
    """The digest of everything besides the spec files that decides what regen writes."""
    from oaskit.render import BUILTIN_TEMPLATES

    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            # Length-prefixed, so ("ab", "c") and ("a", "bc") digest differently.
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)

    add(name, package, source, read_write_models, validation_status, str(embed_spec))
    add(f"{sys.version_info.major}.{sys.version_info.minor}")
    for tool in _GENERATOR_TOOLS:
        add(tool, metadata.version(tool))
    here = Path(__file__).resolve().parent
    folders = [
        *(("oaskit", here / module) for module in _GENERATOR_MODULES),
        # Later folders only fill in what earlier ones lack, but all of them are hashed.
        *(("templates", Path(folder)) for folder in [*templates, BUILTIN_TEMPLATES]),
    ]
    for label, folder in folders:
        paths = sorted(folder.rglob("*")) if folder.is_dir() else [folder]
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                add(label, path.relative_to(folder).as_posix(), path.read_bytes())
    return digest.hexdigest()


class RegenCache:
    """Stamps of earlier regens in `folder`, one per output folder, to skip unchanged ones."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def is_current(self, out_dir: Path, *, key: str) -> bool:
        """Whether a regen with `key` into `out_dir` would change nothing."""
        stamp = read_stamp(self._path(out_dir))
        return stamp is not None and stamp_is_current(stamp, key=key, out_dir=out_dir)

    def record(self, out_dir: Path, *, key: str, generation: Generation) -> None:
        """Remember that `out_dir` now holds exactly what `generation` made."""
        write_stamp(
            self._path(out_dir), Stamp.of(key, inputs=generation.inputs, files=generation.files)
        )

    def _path(self, out_dir: Path) -> Path:
        where = hashlib.sha256(str(out_dir.resolve()).encode("utf-8")).hexdigest()[:16]
        return self.folder / f"{out_dir.name}-{where}.json"


@dataclass(frozen=True, slots=True)
class RegenJob:
    """One API to regenerate: its spec, where its package goes, and how it is generated."""

    name: str
    spec_path: Path
    # The spec as the generated files' header names it (relative to the project).
    source: str
    package: str
    out_dir: Path
    read_write_models: str = "split"
    validation_status: str = "documented"
    embed_spec: bool = False


@dataclass(frozen=True, slots=True)
class RegenOutcome:
    """What regen did with one job: skipped as current, refused, or synced (`sync`)."""

    job: RegenJob
    skipped: bool = False
    # The spec's errors (or why the generated code does not parse): nothing was written.
    findings: tuple[Finding, ...] = ()
    format_error: str | None = None
    sync: SyncResult | None = None


def regen(
    jobs: Sequence[RegenJob],
    *,
    apply: bool,
    root: Path,
    templates: Sequence[Path] = (),
    ref_roots: Sequence[Path] = (),
    cache: RegenCache | None = None,
    starting: Callable[[RegenJob], None] | None = None,
) -> Iterator[RegenOutcome]:
    """Each job generated and synced into its folder (`apply`) or compared with it, in order;
    diffs name files relative to `root`.

    A job whose cache stamp says its folder is what the same inputs made last time is skipped;
    `starting` hears of each other one before it is generated.
    """
    from oaskit.emit import FormatError, sync_tree

    for job in jobs:
        key = ""
        if cache is not None:
            key = regen_key(
                name=job.name,
                package=job.package,
                source=job.source,
                templates=templates,
                read_write_models=job.read_write_models,
                validation_status=job.validation_status,
                embed_spec=job.embed_spec,
            )
            if cache.is_current(job.out_dir, key=key):
                yield RegenOutcome(job, skipped=True)
                continue
        if starting is not None:
            starting(job)
        try:
            generation = generate(
                job.spec_path,
                name=job.name,
                package=job.package,
                source=job.source,
                templates=templates,
                read_write_models=job.read_write_models,
                ref_roots=ref_roots,
                validation_status=job.validation_status,
                embed_spec=job.embed_spec,
            )
        except GenerationError as exc:
            yield RegenOutcome(job, findings=exc.findings)
            continue
        except FormatError as exc:
            yield RegenOutcome(job, format_error=str(exc))
            continue
        result = sync_tree(job.out_dir, generation.files, apply=apply, display_root=root)
        if cache is not None and (apply or not result.changed):
            cache.record(job.out_dir, key=key, generation=generation)
        yield RegenOutcome(job, sync=result)
