"""The console's typed API client (web/src/api/schema.d.ts) says what the gateway serves."""

import difflib
import subprocess
import time

import httpx

from gateway.proxy.routing import SERVICES
from tests.console.support.console_stack import WEB, npx

SCHEMA = WEB / "src" / "api" / "schema.d.ts"
# A service busy starting may miss the gateway's first fetch of its schema; the gateway
# asks it again on the next request.
WHOLE_SCHEMA_TIMEOUT_SECONDS = 60


def whole_schema(url: str) -> bytes:
    """The merged /openapi.json once it holds the paths of every service."""
    deadline = time.monotonic() + WHOLE_SCHEMA_TIMEOUT_SECONDS
    while True:
        answer = httpx.get(f"{url}/openapi.json", timeout=30)
        answer.raise_for_status()
        paths = answer.json()["paths"]
        missing = [s for s in SERVICES if not any(p.startswith(f"/api/v1/{s}/") for p in paths)]
        if not missing:
            return answer.content
        assert time.monotonic() < deadline, f"the merged schema still lacks {missing}"
        time.sleep(1)


def test_the_consoles_api_types_are_those_of_the_live_schema(console, tmp_path):
    document = tmp_path / "openapi.json"
    document.write_bytes(whole_schema(console.url))
    live = tmp_path / "schema.d.ts"
    subprocess.run(
        [*npx(), "openapi-typescript", str(document), "--output", str(live)],
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
