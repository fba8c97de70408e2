"""Pydantic v2 models through datamodel-code-generator, used as a library."""

from __future__ import annotations

from typing import Any

from oaskit.ir import class_name

__all__ = ["ModelsError", "render_models"]


class ModelsError(Exception):
    """datamodel-code-generator produced output this renderer cannot use."""


def render_models(spec: dict[str, Any], *, header: str, base_class: str) -> str:
    """The source of `models.py` for a bundled spec, unformatted."""
    # Imported here: `oaskit.render` is imported by every regen, and one whose stamp shows
    # nothing changed renders nothing.
    from datamodel_code_generator import (
        InputFileType,
        PythonVersion,
        TargetPydanticVersion,
        generate,
    )
    from datamodel_code_generator.enums import DataModelType

    source = generate(
        spec,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        # 2.14 made MISSING public (`from pydantic import MISSING`); older targets import it
        # from pydantic.experimental, which 2.14 deprecates with a warning at import time.
        target_pydantic_version=TargetPydanticVersion.V2_14,
        base_class=base_class,
        custom_file_header=header,
        # Our own naming, so the IR can name the same classes without reading this output.
        custom_class_name_generator=class_name,
        use_annotated=True,
        field_constraints=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        # Absent and null differ (PUT keeps absent members, null deletes): MISSING tells them apart.
        use_missing_sentinel=True,
        strict_nullable=True,
        keep_model_order=True,
        disable_timestamp=True,
        enable_version_header=False,
        formatters=[],
    )
    if not isinstance(source, str):
        # Schema names with dots (`account.settings`) make datamodel-code-generator emit a
        # package of modules; rendering those is not supported yet.
        raise ModelsError(
            "schema names with dots make the models a package of modules, which oaskit "
            "does not render yet; rename the schemas (e.g. `account_settings`)"
        )
    return source
