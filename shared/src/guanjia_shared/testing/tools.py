"""The command-line tools some tests run (kubectl, hadolint, ...): found beside the test's
interpreter, where `make install` puts those that come as wheels, else on PATH.

A missing tool skips its tests on a developer's machine, saying so, and fails them under
CI (`CI=true`, or GUANJIA_TEST_REQUIRE_TOOLS set, as .ci/run does): a green CI run means
every check ran."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REQUIRE_TOOLS_ENV = "GUANJIA_TEST_REQUIRE_TOOLS"


def tools_are_required() -> bool:
    """Whether a missing tool fails its tests instead of skipping them (CI)."""
    return bool(os.environ.get(REQUIRE_TOOLS_ENV)) or os.environ.get("CI", "").lower() == "true"


def find_tool(name: str) -> str | None:
    """The tool beside this interpreter (a wheel's script in .venv/bin), else on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def required_tool(name: str, how_to_install: str) -> str:
    """The tool's path; without it the calling test skips, or fails under CI."""
    found = find_tool(name)
    if found is not None:
        return found
    reason = f"{name} is not installed, so these checks did NOT run: {how_to_install}"
    if tools_are_required():
        pytest.fail(f"{reason} (required: CI=true or {REQUIRE_TOOLS_ENV} is set)")
    pytest.skip(reason)
