"""The console's unit tests (Vitest), the session's against the real gateway."""

import subprocess

from tests.console.support.console_stack import WEB, console_environment, npx


def test_the_consoles_unit_tests_pass(console):
    run = subprocess.run(
        [*npx(), "vitest", "run"],
        cwd=WEB,
        env=console_environment(console),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-4000:]
    assert " skipped" not in run.stdout, "a unit test was skipped:\n" + run.stdout[-4000:]
