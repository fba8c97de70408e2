"""`templates/runtime/`: the same module in every generated package, whatever its spec.

The templates see nothing but the file header, so the IR cannot reach into them; the rendered
modules are checked by `mypy --strict` and ruff with the golden output (tests/golden).
"""

from __future__ import annotations

import pytest

from tests.support.runtime_module import RUNTIME_TEMPLATES, render_runtime

NAMES = sorted(path.name.removesuffix(".py.jinja") for path in RUNTIME_TEMPLATES.glob("*.jinja"))


def test_every_runtime_module_has_a_template() -> None:
    assert NAMES == ["__init__", "client", "media", "server", "style", "types"]


@pytest.mark.parametrize("name", NAMES)
def test_template_is_static_python_after_its_header(name: str) -> None:
    source = (RUNTIME_TEMPLATES / f"{name}.py.jinja").read_text(encoding="utf-8")
    first, rest = source.split("\n", 1)
    assert first == "{{ api.header }}"
    assert not any(marker in rest for marker in ("{{", "{%", "{#"))
    assert render_runtime(name) == "# test\n" + rest


def test_types_validate_lists_of_models_as_models(tmp_path_factory: pytest.TempPathFactory) -> None:
    from pydantic import BaseModel, ValidationError

    from tests.support.runtime_module import runtime_module

    class Item(BaseModel):
        name: str

    with runtime_module("types", tmp_path_factory.mktemp("types")) as module:
        items = module.validate_json(list[Item], b'[{"name": "a"}]')
        form = module.validate_python(Item, {"name": "b"}, strict=False)
        with pytest.raises(ValidationError):
            module.validate_json(list[Item], b'[{"size": 1}]')

    assert items == [Item(name="a")]
    assert form == Item(name="b")
