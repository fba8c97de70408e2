"""`regen` from spec to files: load → bundle → validate → IR → render → format.

The stages are imported inside the functions that run them: a regen whose stamp shows nothing
changed (`RegenCache`) never loads the spec validator, Jinja or datamodel-code-generator, which
would cost more than all of its own work.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oaskit.emit import Stamp, SyncResult, read_stamp, stamp_is_current, write_stamp
from oaskit.errors import Finding, Level, Location

if TYPE_CHECKING:
    from oaskit.ir import ModelNames
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
    "model_package",
    "regen",
    "regen_key",
]

# From this spec size on, models are rendered in a second process while this one bundles and
# validates: starting that process costs ~0.5 s of imports, more than a small spec's models take.
_CONCURRENT_OVER = 1 << 20
# The oaskit modules whose code decides what regen writes (lint/, fuzz/, cli.py do not).
_GENERATOR_MODULES = ("pipeline.py", "errors.py", "spec", "ir", "render", "emit")
# Tools whose version changes the output: models come from one, formatting from the other.
_GENERATOR_TOOLS = ("datamodel-code-generator", "ruff")


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
) -> Generation:
    """The generated package and the spec files it read; raises GenerationError.

    `read_write_models` is `split` (request and response models for schemas with readOnly or
    writeOnly members) or `shared` (one model per schema). `$ref`s are read inside the spec's
    folder and `ref_roots` only. `validation_status` is the generated server's status for a
    request that breaks the spec: `400`, `422`, or `documented` (`oaskit.ir.build_api`).
    """
    from oaskit.emit import FormatError, format_tree
    from oaskit.ir import SHARED, build_api, file_header
    from oaskit.render import render_code
    from oaskit.spec import bundle_spec, unroutable_paths, validate_bundle

    split = read_write_models == "split"
    header = file_header(source)
    worker = None
    try:
        bundle = bundle_spec(spec_path, ref_roots=ref_roots)
        if bundle.files == (spec_path.resolve(),) and _size(spec_path) >= _CONCURRENT_OVER:
            # datamodel-codegen is the longest stage and only needs the spec: a second process
            # renders, splits and formats the models from the file as loaded, while this one
            # validates, builds the IR and renders and formats the rest. Its models are kept if
            # the bundle turns out the same data. It starts only once the bundle has read the
            # spec within its limits and found no `$ref` to another file (datamodel-codegen
            # follows `$ref`s itself, outside oaskit's root and budgets). A plain subprocess, not
            # multiprocessing: spawn re-runs the caller's __main__ (a script without a main guard
            # would spawn forever) and fork copies the caller's threads badly.
            worker = _start_models_worker(spec_path, header=header, package=package, split=split)
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
        # The rest is rendered while the models are: the IR names the request and response
        # models the split makes, which are checked for once the models are there.
        expected = _expected_names(bundle.data) if split else SHARED
        api = build_api(
            bundle.data,
            name=name,
            source=source,
            package=package,
            models=expected,
            validation_status=validation_status,
        )
        code = render_code(api, templates=templates)
        try:
            files = format_tree(code, package=package)
        except FormatError:
            check_compiles(code, package=package)  # says where, when it is a syntax error
            raise
        model_files = None
        if worker is not None and bundle.files == (spec_path.resolve(),):
            model_files = _models_from_worker(worker, digest=_data_digest(bundle.data))
        if model_files is None:
            model_files = _model_files(bundle, header=header, package=package, split=split)
        if split:
            _check_variants(bundle, expected, model_files)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()  # a speculation nobody needs (spec errors, several files) stops here
            worker.wait()
    files.update(model_files)
    # House rule 15: nothing reaches the disk that Python would not compile, whatever ruff let by.
    check_compiles(files, package=package)
    _refuse_lone_surrogates(files, bundle)
    return Generation(dict(sorted(files.items())), bundle.files)


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
    escaped, what does not compile comes from a template, the place to look.
    """
    findings = []
    for name, text in sorted(files.items()):
        if not name.endswith(".py"):
            continue
        where = Path(*package.split("."), name)
        try:
            # `dont_inherit`: this module's `from __future__` imports must not apply to the code.
            compile(text, str(where), "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:  # ValueError: NUL bytes, before Python 3.12
            line, col = (
                (exc.lineno or 1, exc.offset or 1) if isinstance(exc, SyntaxError) else (1, 1)
            )
            reason = exc.msg if isinstance(exc, SyntaxError) else str(exc)
            message = f"the generated module does not compile: {reason}"
            findings.append(Finding("generated-code-invalid", message, Location(where, line, col)))
    if findings:
        raise GenerationError(findings)


def _model_files(bundle: Bundle, *, header: str, package: str, split: bool) -> dict[str, str]:
    from oaskit.render import ModelsError

    try:
        return model_package(bundle.data, header=header, package=package, split=split)
    except ModelsError as exc:
        where = ("components", "schemas", exc.schema) if exc.schema is not None else ()
        finding = Finding("models-unsupported", str(exc), bundle.locate(where))
        raise GenerationError([finding]) from None


def _expected_names(data: Any) -> ModelNames:
    from oaskit.ir import ModelNames, class_name
    from oaskit.render import direction_variants

    variants = direction_variants(data) if isinstance(data, dict) else {}
    return ModelNames({class_name(name): pair for name, pair in variants.items()})


def _check_variants(bundle: Bundle, names: ModelNames, model_files: dict[str, str]) -> None:
    """Raise GenerationError unless the models define every request and response model."""
    from oaskit.ir import model_classes

    classes = model_classes(text for name, text in model_files.items() if name.endswith(".py"))
    for model, pair in sorted(names.split.items()):
        missing = [model + suffix for suffix in pair if model + suffix not in classes]
        if missing:
            # datamodel-codegen numbered a clash with another model's name (`XRequest1`).
            message = (
                f"the models have no {' or '.join(missing)}: another model takes the name; "
                'rename the schema or set read-write-models = "shared" for this API'
            )
            raise GenerationError([Finding("models-unsupported", message, bundle.locate(()))])


def model_package(data: Any, *, header: str, package: str, split: bool) -> dict[str, str]:
    """The formatted model files of a bundled spec: `models.py`, or a lazy `models/` package.

    Raises ModelsError when datamodel-code-generator's output cannot be used.
    """
    from oaskit.emit import FormatError, format_source
    from oaskit.render import render_models, split_models

    models = render_models(
        data, header=header, base_class=f"{package}._base.ApiModel", split_read_write=split
    )
    # Formatted as one file, then split into modules that stay formatted (see render/_imports).
    try:
        formatted = format_source(models, package=package, name="models.py")
    except FormatError:
        check_compiles({"models.py": models}, package=package)
        raise
    files = split_models(formatted, header=header, package=package, entries=_schema_models(data))
    init = "models/__init__.py"
    if init in files:
        files[init] = format_source(files[init], package=package, name=init)
    return files


def _schema_models(data: Any) -> frozenset[str]:
    """The model names of the spec's named schemas, request and response variants included."""
    from oaskit.ir import class_name

    components = data.get("components") if isinstance(data, dict) else None
    schemas = components.get("schemas") if isinstance(components, dict) else None
    names = [class_name(str(name)) for name in schemas or {}]
    return frozenset(n + suffix for n in names for suffix in ("", "Request", "Response"))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # bundle_spec reports the missing file, at its place


def _start_models_worker(
    spec_path: Path, *, header: str, package: str, split: bool
) -> subprocess.Popen[bytes]:
    # The child finds oaskit where this process found it, even if only sys.path says where.
    tools = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [tools, os.environ.get("PYTHONPATH")]))
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "oaskit.pipeline"),
            *(str(spec_path), header, package, "split" if split else "shared"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": path},
    )


def _models_from_worker(worker: subprocess.Popen[bytes], *, digest: str) -> dict[str, str] | None:
    """The worker's model files if it loaded the same data as the bundle; None otherwise."""
    output, _ = worker.communicate()
    if worker.returncode != 0:
        return None  # rendering again in this process raises the error where it can be reported
    result = json.loads(output)
    if result.get("digest") != digest:
        return None
    return {str(name): str(text) for name, text in result["files"].items()}


def _worker_main(spec_path: str, header: str, package: str, read_write_models: str) -> None:
    """`python -m oaskit.pipeline SPEC HEADER PACKAGE MODE`: a spec's digest and model files."""
    import gc

    from oaskit.spec import load_document

    # This process ends once the models are out, so nothing it allocates needs collecting; a
    # collection after datamodel-codegen returns would walk its half a gigabyte of objects.
    gc.disable()
    data = load_document(Path(spec_path)).data
    digest = _data_digest(data)  # before rendering, in case the generator changes `data`
    split = read_write_models == "split"
    files = model_package(data, header=header, package=package, split=split)
    sys.stdout.write(json.dumps({"digest": digest, "files": files}))


def _data_digest(data: Any) -> str:
    # Canonical JSON: two loads of the same document, or a bundle equal to it, digest alike.
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def regen_key(
    *,
    name: str,
    package: str,
    source: str,
    templates: Sequence[Path] = (),
    read_write_models: str = "split",
    validation_status: str = "documented",
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

    add(name, package, source, read_write_models, validation_status)
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


if __name__ == "__main__":
    _worker_main(*sys.argv[1:5])
    sys.stdout.flush()
    # The parent reads until this process closes its stdout; freeing half a gigabyte of models
    # object by object first would keep it waiting (~0.4 s on GitHub's spec) for nothing.
    os._exit(0)
