"""The console in a real browser: each spec of web/tests/e2e, run by Playwright in Debian's
Chromium against the whole platform. Screenshots land in test-results/console-screenshots."""

import subprocess

import pytest

from tests.console.support.console_stack import WEB, console_environment, npx

SPECS = sorted((WEB / "tests" / "e2e").glob("*.spec.ts"))


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name.removesuffix(".spec.ts") for spec in SPECS])
def test_the_console_works_in_a_browser(chromium, console, spec):
    run = subprocess.run(
        [*npx(), "playwright", "test", str(spec.relative_to(WEB))],
        cwd=WEB,
        env={
            **console_environment(console),
            "GUANJIA_CHROMIUM": chromium,
            # Playwright empties its output folder as it starts: one per spec, so that a
            # failed spec's screenshot and trace outlive the next spec's run.
            "GUANJIA_PLAYWRIGHT_OUTPUT": f"test-results/{spec.name.removesuffix('.spec.ts')}",
        },
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-4000:]
