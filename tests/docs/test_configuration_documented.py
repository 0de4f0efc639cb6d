"""Every setting is documented in README.md, and every documented setting exists.

The settings are the fields of the shared `BaseServiceSettings` and of each process's own
`Settings` in its `config.py` (the gateway's and every service's, found on disk, so a new
service is checked without touching this file). README.md's "Configuration" section has a
`###` part per class: "Every process" for the shared fields, then one named after the
process's folder (`gateway`, `asset-svc`, …) for the fields that class adds. A part's
variables are the backticked names in the first column of its table; a numeric default in
the second column must be the code's.
"""

from __future__ import annotations

import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic.fields import FieldInfo

from guanjia_shared.settings import BaseServiceSettings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SHARED_PART = "Every process"


def _process_config_modules() -> dict[str, str]:
    """The part of README.md each process's settings belong in, and its config module."""
    modules = {"gateway": "gateway.config"}
    for config in sorted(ROOT.glob("services/*/src/*/config.py")):
        modules[config.parents[2].name] = f"{config.parent.name}.config"
    return modules


PROCESSES = _process_config_modules()


def _settings_class(module_name: str) -> type[BaseServiceSettings]:
    module = importlib.import_module(module_name)
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseServiceSettings)
        and value is not BaseServiceSettings
        and value.__module__ == module.__name__
    ]
    assert len(found) == 1, f"{module_name} defines {len(found)} settings classes"
    return found[0]


def _variable(name: str, field: FieldInfo) -> str:
    """The variable as README.md names it: after the prefix, unless the field is read from
    a variable of its own (an alias, e.g. GUANJIA_ADMIN_PASSWORD)."""
    alias = field.validation_alias
    return alias if isinstance(alias, str) else name.upper()


def _configuration_parts() -> dict[str, str]:
    """Each `###` part of the "Configuration" section (its heading line and its text), by
    its heading."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Configuration\n(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README.md has no '## Configuration' section"
    parts = re.split(r"^### (.+)\n", section.group(1), flags=re.M)
    return {
        heading.strip(): f"{heading}\n{body}"
        for heading, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def _part(heading_start: str) -> str:
    matching = [
        body
        for heading, body in _configuration_parts().items()
        if heading.startswith(heading_start)
    ]
    assert len(matching) == 1, (
        f"README.md's Configuration needs one '### {heading_start} …' part, found {len(matching)}"
    )
    return matching[0]


def _rows(part: str) -> list[tuple[list[str], str]]:
    """Each table row of a part: the variables its first column names, and its default."""
    rows = []
    for line in part.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or set(cells[0]) <= {"-"}:
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0])
        if names:
            rows.append((names, cells[1]))
    return rows


def _numbers(text: str) -> set[Decimal]:
    return {Decimal(number) for number in re.findall(r"\d+(?:\.\d+)?", text)}


def _check_part(part: str, fields: dict[str, FieldInfo]) -> list[str]:
    expected = {_variable(name, field): field for name, field in fields.items()}
    rows = _rows(part)
    documented = {name: default for names, default in rows for name in names}
    problems = [f"{name} is not documented" for name in sorted(expected.keys() - documented)]
    problems += [
        f"{name} is documented but no setting" for name in sorted(documented - expected.keys())
    ]
    for name in sorted(expected.keys() & documented.keys()):
        default = expected[name].default
        numeric = isinstance(default, int | float | Decimal) and not isinstance(default, bool)
        if numeric and Decimal(str(default)).normalize() not in {
            number.normalize() for number in _numbers(documented[name])
        }:
            problems.append(
                f"{name}: the code's default is {default}, README says {documented[name]!r}"
            )
    return problems


def test_every_shared_setting_is_documented_under_every_process():
    problems = _check_part(_part(SHARED_PART), dict(BaseServiceSettings.model_fields))
    assert not problems, "README.md, Configuration, " + SHARED_PART + ":\n" + "\n".join(problems)


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_every_setting_of_a_process_is_documented_under_its_name(process: str):
    settings = _settings_class(PROCESSES[process])
    own = {
        name: field
        for name, field in settings.model_fields.items()
        if name not in BaseServiceSettings.model_fields
    }
    part = _part(process)
    prefix = settings.model_config["env_prefix"]
    assert f"`{prefix}`" in part, f"README.md's '{process}' part does not name its prefix {prefix}"
    problems = _check_part(part, own)
    assert not problems, f"README.md, Configuration, {process}:\n" + "\n".join(problems)


def test_every_document_in_docs_is_listed_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    unlisted = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "docs").glob("*.md"))
        if f"]({path.relative_to(ROOT).as_posix()})" not in readme
    ]
    assert not unlisted, f"README.md does not link {unlisted}"
