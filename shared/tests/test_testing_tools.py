"""guanjia_shared.testing.tools: a missing tool skips its tests, and fails them under CI."""

import sys
from pathlib import Path

import pytest

from guanjia_shared.testing.tools import REQUIRE_TOOLS_ENV, find_tool, required_tool

MISSING = "guanjia-no-such-tool"


@pytest.fixture
def not_ci(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(REQUIRE_TOOLS_ENV, raising=False)
    return monkeypatch


def test_a_tool_beside_the_interpreter_is_found_first(not_ci):
    python = Path(sys.executable)
    assert find_tool(python.name) == str(python.parent / python.name)
    assert required_tool(python.name, "it is there") == str(python.parent / python.name)


def test_a_missing_tool_skips_on_a_developers_machine(not_ci):
    with pytest.raises(pytest.skip.Exception, match="did NOT run"):
        required_tool(MISSING, "install it")


@pytest.mark.parametrize(("variable", "value"), [("CI", "true"), (REQUIRE_TOOLS_ENV, "1")])
def test_a_missing_tool_fails_under_ci(not_ci, variable, value):
    not_ci.setenv(variable, value)
    with pytest.raises(pytest.fail.Exception, match=f"{MISSING} is not installed"):
        required_tool(MISSING, "install it")


def test_ci_false_is_not_ci(not_ci):
    not_ci.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        required_tool(MISSING, "install it")
