"""The console's typed API client (web/src/api/schema.d.ts) says what the gateway serves."""

import difflib
import subprocess

import pytest
from console_stack import WEB, npx

pytestmark = pytest.mark.xdist_group("console")

SCHEMA = WEB / "src" / "api" / "schema.d.ts"


def test_the_consoles_api_types_are_those_of_the_live_schema(console, tmp_path):
    live = tmp_path / "schema.d.ts"
    subprocess.run(
        [*npx(), "openapi-typescript", f"{console.url}/openapi.json", "--output", str(live)],
        cwd=WEB,
        check=True,
        capture_output=True,
        timeout=300,
    )
    drift = list(
        difflib.unified_diff(
            SCHEMA.read_text().splitlines(),
            live.read_text().splitlines(),
            "web/src/api/schema.d.ts",
            "the live /openapi.json",
            lineterm="",
        )
    )
    assert not drift, (
        "the console's API types are behind the API: in web/, `npm run gen:api` against a "
        "running stack (GUANJIA_OPENAPI=<gateway>/openapi.json)\n" + "\n".join(drift[:80])
    )
