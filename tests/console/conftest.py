import os
import shutil
from collections.abc import Iterator

import pytest

from tests.console.support.console_stack import SCREENSHOTS, RunningConsole, running_console

CHROMIUM = os.environ.get("GUANJIA_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER_ENV = "GUANJIA_TEST_REQUIRE_BROWSER"


@pytest.fixture(scope="session")
def console(
    nats_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningConsole]:
    """The platform with the console, started once for the session's console tests."""
    with running_console(
        nats_url=nats_server_url, directory=tmp_path_factory.mktemp("console")
    ) as running:
        yield running


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, which the browser tests drive; without it they skip, loudly, or
    fail where GUANJIA_TEST_REQUIRE_BROWSER says a browser is a must (CI)."""
    if shutil.which(CHROMIUM) is None:
        reason = f"no Chromium at {CHROMIUM}: the console was NOT tested in a browser (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get(REQUIRE_BROWSER_ENV):
            pytest.fail(f"{REQUIRE_BROWSER_ENV} is set and {reason}")
        pytest.skip(reason)
    return CHROMIUM


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_sep("-", "web console")
        terminalreporter.write_line(f"screenshots of the console: {SCREENSHOTS}")
