"""docs/scenario-format.md documents every field of the schema."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel

from sanctionsim.scenario import (
    distributions,
    schema,
    schema_base,
    schema_forms,
    schema_record,
    schema_target,
)


def test_every_field_is_documented(repo_root: Path) -> None:
    text = (repo_root / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # fences would pair backticks wrongly
    spans = re.findall(r"`([^`]+)`", prose)
    documented = {word for span in spans for word in re.findall(r"[a-z_]+", span)}
    missing = set()
    for module in (schema, schema_base, schema_forms, schema_record, schema_target, distributions):
        for model in vars(module).values():
            if (
                isinstance(model, type)
                and issubclass(model, BaseModel)
                and model.__module__ == module.__name__
            ):
                missing |= {name for name in model.model_fields if name not in documented}
    assert missing == set()
