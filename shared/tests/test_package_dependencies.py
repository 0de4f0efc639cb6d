"""Each workspace package declares every distribution it imports, so it installs and
imports on its own and not only beside the others in one virtual environment."""

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [ROOT / "shared", ROOT / "gateway", *sorted((ROOT / "services").glob("*-svc"))]
DISTRIBUTIONS_OF_MODULE = packages_distributions()


def pyproject(package: Path) -> dict:
    return tomllib.loads((package / "pyproject.toml").read_text())["project"]


def declared(requirements: list[str]) -> set[str]:
    names = set()
    for text in requirements:
        requirement = Requirement(text)
        names.add(canonicalize_name(requirement.name))
        # An extra of a workspace package brings that extra's requirements with it.
        if requirement.name == "guanjia-shared" and "testing" in requirement.extras:
            names |= declared(pyproject(ROOT / "shared")["optional-dependencies"]["testing"])
    return names


def undeclared_imports(files: list[Path], own_module: str, allowed: set[str]) -> set[str]:
    modules = set()
    for source in files:
        for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    missing = set()
    for module in modules - set(sys.stdlib_module_names) - {own_module}:
        distributions = {canonicalize_name(d) for d in DISTRIBUTIONS_OF_MODULE.get(module, [])}
        # A module no distribution provides is a test-local helper beside the tests.
        if distributions and distributions.isdisjoint(allowed):
            missing.add(f"{module} ({', '.join(sorted(distributions))})")
    return missing


@pytest.mark.parametrize("package", PACKAGES, ids=[p.name for p in PACKAGES])
def test_a_package_declares_what_its_code_and_its_tests_import(package):
    project = pyproject(package)
    own_module = next(p.name for p in (package / "src").iterdir() if p.is_dir())
    runtime = declared(project["dependencies"]) | {canonicalize_name(project["name"])}
    testing = runtime | declared(project.get("optional-dependencies", {}).get("testing", []))

    code = package / "src" / own_module
    test_support = code / "testing"
    runtime_files = [f for f in code.rglob("*.py") if test_support not in f.parents]
    test_files = [*test_support.rglob("*.py"), *(package / "tests").rglob("*.py")]

    assert not undeclared_imports(runtime_files, own_module, runtime)
    assert not undeclared_imports(test_files, own_module, testing)
