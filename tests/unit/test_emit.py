"""`oaskit.emit`: ruff formatting, and writing only what changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from oaskit.emit import GENERATED_MARK, FormatError, format_tree, sync_tree

HEADER = f"{GENERATED_MARK}spec/openapi.yaml. DO NOT EDIT.\n"
OLD_TIME = 1_000_000_000


def _files(**texts: str) -> dict[str, str]:
    return {name.replace("__", "/") + ".py": HEADER + text for name, text in texts.items()}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_writes_only_changed_files_when_one_file_differs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = _files(same="x = 1\n", changed="y = 2\n")
    sync_tree(out, files, apply=True, display_root=tmp_path)
    for path in out.iterdir():
        os.utime(path, (OLD_TIME, OLD_TIME))

    result = sync_tree(
        out, {**files, "changed.py": HEADER + "y = 3\n"}, apply=True, display_root=tmp_path
    )

    assert result.written == (out / "changed.py",)
    assert result.removed == ()
    assert (out / "same.py").stat().st_mtime == OLD_TIME
    assert (out / "changed.py").read_text(encoding="utf-8") == HEADER + "y = 3\n"


def test_writes_nothing_when_files_are_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = {**_files(a="a = 1\n", sub__b="b = 2\n"), "py.typed": ""}
    first = sync_tree(out, files, apply=True, display_root=tmp_path)

    second = sync_tree(out, files, apply=True, display_root=tmp_path)

    assert first.written == (out / "a.py", out / "py.typed", out / "sub/b.py")
    assert (second.written, second.removed, second.diff, second.changed) == ((), (), "", False)


def test_removes_stale_file_when_it_carries_the_generated_header(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.py").write_text(HEADER + "old = True\n", encoding="utf-8")
    (out / "hand.py").write_text("# written by a person\n", encoding="utf-8")
    (out / "notes.txt").write_text(HEADER, encoding="utf-8")

    result = sync_tree(out, _files(kept="k = 1\n"), apply=True, display_root=tmp_path)

    assert result.removed == (out / "stale.py",)
    assert sorted(p.name for p in out.iterdir()) == ["hand.py", "kept.py", "notes.txt"]


def test_changes_nothing_and_returns_diff_when_apply_is_false(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "models.py").write_text(HEADER + "x = 1\n", encoding="utf-8")
    (out / "gone.py").write_text(HEADER + "g = 1\n", encoding="utf-8")
    before = _snapshot(out)

    result = sync_tree(
        out, _files(models="x = 2\n", new="n = 1\n"), apply=False, display_root=tmp_path
    )

    assert _snapshot(out) == before
    assert result.written == (out / "models.py", out / "new.py")
    assert result.removed == (out / "gone.py",)
    assert result.diff == (
        "--- a/out/models.py\n"
        "+++ b/out/models.py\n"
        "@@ -1,2 +1,2 @@\n"
        f" {HEADER}"
        "-x = 1\n"
        "+x = 2\n"
        "--- a/out/new.py\n"
        "+++ b/out/new.py\n"
        "@@ -0,0 +1,2 @@\n"
        f"+{HEADER}"
        "+n = 1\n"
        "--- a/out/gone.py\n"
        "+++ b/out/gone.py\n"
        "@@ -1,2 +0,0 @@\n"
        f"-{HEADER}"
        "-g = 1\n"
    )


def test_formats_and_sorts_imports_when_source_is_messy() -> None:
    files = {
        "a.py": "import sys\nimport os\nx=[1,\n  2]\nprint(sys)\n",
        "sub/c.py": "from pkg import a\nimport json\nprint(a, json)\n",
        "py.typed": "",
    }

    formatted = format_tree(files, package="pkg")

    assert formatted == {
        "a.py": "import sys\n\nx = [1, 2]\nprint(sys)\n",
        "sub/c.py": "import json\n\nfrom pkg import a\n\nprint(a, json)\n",
        "py.typed": "",
    }


def test_gives_same_text_when_formatting_twice() -> None:
    files = {"m.py": "from typing import Any\ndef f(a:Any,b=1)->Any:\n  return {'a':a,'b':b}\n"}

    once = format_tree(files, package="pkg")

    assert format_tree(once, package="pkg") == once
    assert once != files


def test_raises_format_error_when_source_is_not_python() -> None:
    with pytest.raises(FormatError, match=r"pkg/a\.py:1:5"):
        format_tree({"a.py": "def (:\n"}, package="pkg")
