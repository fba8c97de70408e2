"""Name quality of a generated package: numbered model names, client methods returning `Any`.

`python -m bench.model_names [PACKAGE_FOLDER ...]` from the repository root; with no folder,
GitHub's spec (bench/_inputs.py) is generated through `oaskit.pipeline.generate_package` into a
temporary folder and counted there.

- Models: the top-level `class X(...)` and `X = TypeAliasType(...)` of `models.py`, or of every
  module of a `models/` package (its lazy `__init__.py` only re-exports them). A name ending in
  a digit (`Issue2`, `Event1`) is numbered: a name the generator made unique by counting,
  where one from the spec would say what the model is.
- Client methods: the public methods of the classes of `client.py` (sync and async alike), and
  those whose return annotation is `Any` or a union with `Any` as a member (`-> Any:`,
  `-> Any | None:`); `dict[str, Any]` is not counted, since the `Any` there is a value's type.
  Every method is counted, whether or not the spec gives its response a JSON schema, so none
  means none anywhere.
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NameCounts", "count_names", "generate_github", "main"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class NameCounts:
    """The counts of one generated package."""

    package: str
    models: int
    numbered: tuple[str, ...]
    methods: int
    any_methods: tuple[str, ...]

    @property
    def numbered_share(self) -> float:
        """Numbered model names over all model names."""
        return len(self.numbered) / self.models if self.models else 0.0

    @property
    def any_share(self) -> float:
        """Client methods returning `Any` over all client methods."""
        return len(self.any_methods) / self.methods if self.methods else 0.0

    def summary(self) -> str:
        """One line: the counts and shares, with a few examples of each kind."""
        numbered = _examples(self.numbered)
        returning = _examples(self.any_methods)
        return (
            f"{self.package}: {len(self.numbered)} of {self.models} model names numbered"
            f" ({self.numbered_share:.1%}){numbered}; {len(self.any_methods)} of {self.methods}"
            f" client methods return Any ({self.any_share:.1%}){returning}"
        )


def count_names(folder: Path) -> NameCounts:
    """Count the models and client methods of the generated package in `folder`."""
    modules = [folder / "models.py"] if (folder / "models.py").is_file() else []
    if (folder / "models").is_dir():
        modules += sorted(
            path for path in (folder / "models").glob("*.py") if path.name != "__init__.py"
        )
    names: list[str] = []
    for module in modules:
        names.extend(_model_names(ast.parse(module.read_bytes(), str(module))))
    methods: list[str] = []
    returning_any: list[str] = []
    client = folder / "client.py"
    if client.is_file():
        tree = ast.parse(client.read_bytes(), str(client))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            for member in node.body:
                if not isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if member.name.startswith("_"):
                    continue
                qualified = f"{node.name}.{member.name}"
                methods.append(qualified)
                if member.returns is not None and _returns_any(member.returns):
                    returning_any.append(qualified)
    numbered = tuple(sorted(name for name in names if name[-1:].isdigit()))
    return NameCounts(folder.name, len(names), numbered, len(methods), tuple(returning_any))


def generate_github(target: Path) -> Path:
    """Generate GitHub's spec as `oaskit regen` would into `target/github_api`; that folder."""
    from bench._inputs import GITHUB, fetch
    from oaskit.emit import sync_tree
    from oaskit.pipeline import generate_package

    spec = fetch([GITHUB])[GITHUB]
    if not isinstance(spec, Path):
        raise SystemExit(f"GitHub's spec is unavailable: {spec}")
    package = "github_api"
    files = generate_package(spec, name=package, package=package, source=spec.as_posix())
    out_dir = target / package
    sync_tree(out_dir, files, apply=True, display_root=target)
    return out_dir


def main(argv: Sequence[str] | None = None) -> int:
    """Print the counts of each folder given, or of GitHub's spec generated for the purpose."""
    parser = argparse.ArgumentParser(prog="python -m bench.model_names", description=__doc__)
    parser.add_argument("folders", type=Path, nargs="*", help="generated package folders")
    args = parser.parse_args(argv)
    if args.folders:
        for folder in args.folders:
            print(count_names(folder).summary())
        return 0
    with tempfile.TemporaryDirectory(prefix="model-names-") as scratch:
        print(count_names(generate_github(Path(scratch))).summary())
    return 0


def _model_names(tree: ast.Module) -> list[str]:
    names = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.append(node.name)
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and _is_name(node.value.func, "TypeAliasType")
        ):
            names.append(node.targets[0].id)
    return names


def _returns_any(annotation: ast.expr) -> bool:
    """`Any`, `typing.Any`, or a union (`|`, `Union[...]`, `Optional[...]`) with `Any` in it."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    if _is_name(annotation, "Any"):
        return True
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _returns_any(annotation.left) or _returns_any(annotation.right)
    if isinstance(annotation, ast.Subscript) and (
        _is_name(annotation.value, "Union") or _is_name(annotation.value, "Optional")
    ):
        members = annotation.slice
        items = members.elts if isinstance(members, ast.Tuple) else [members]
        return any(_returns_any(item) for item in items)
    return False


def _is_name(node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == name) or (
        isinstance(node, ast.Attribute) and node.attr == name
    )


def _examples(names: Sequence[str], limit: int = 5) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:limit])
    return f" (e.g. {shown}{', …' if len(names) > limit else ''})"


if __name__ == "__main__":
    sys.exit(main())
