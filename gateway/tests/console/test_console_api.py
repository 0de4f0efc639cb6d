"""The web console's built files at /, beside the gateway's own paths, over real HTTP."""

import gzip
from pathlib import Path

import pytest

from gateway.config import Settings

INDEX = (
    "<!doctype html><html><body><div id=app></div><script src=/static/x.js></script></body></html>"
)
# Above the gzip threshold, as Vite's bundles are.
SCRIPT = "console.log('管家');\n" * 100


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built console as Vite lays it out, and a file beside it nobody may read."""
    directory = tmp_path / "dist"
    (directory / "static").mkdir(parents=True)
    (directory / "index.html").write_text(INDEX)
    (directory / "static" / "x.js").write_text(SCRIPT)
    (tmp_path / "secret.txt").write_text("not for the browser")
    (directory / "static" / "link.js").symlink_to(tmp_path / "secret.txt")
    # Vite's manifest, written for the bench: the names of the sources, not for browsers.
    (directory / ".vite").mkdir()
    (directory / ".vite" / "manifest.json").write_text('{"src/main.ts": {}}')
    return directory


@pytest.fixture
async def console(start_gateway, dist):
    async with start_gateway(console_dir=dist) as gateway:
        yield gateway


def assert_console_headers(answer) -> None:
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http" not in policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"


def assert_not_found_problem(answer) -> None:
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "urn:guanjia:problem:not-found"


# /assets/... are the property register's routes, not files: Vite's bundles are under /static.
@pytest.mark.parametrize(
    "path",
    ["/", "/tickets", "/assets/units", "/assets/rooms/42", "/public/units/42", "/index.html"],
)
async def test_the_consoles_routes_are_answered_with_index_html(console, path):
    answer = await console.client.get(path)
    assert answer.status_code == 200
    assert answer.text == INDEX
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-cache"
    assert_console_headers(answer)


async def test_hashed_assets_are_kept_for_good_and_sent_compressed(console):
    answer = await console.client.get("/static/x.js", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.text == SCRIPT
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in answer.headers["content-type"]
    assert_console_headers(answer)
    raw = await console.client.get("/static/x.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and raw.text == SCRIPT
    assert len(gzip.compress(SCRIPT.encode())) < len(SCRIPT.encode())


async def test_an_asset_unchanged_since_it_was_fetched_is_not_sent_again(console):
    first = await console.client.get("/static/x.js")
    again = await console.client.get(
        "/static/x.js", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


async def test_a_missing_asset_is_a_404_not_the_index(console):
    answer = await console.client.get("/static/gone-1234.js")
    assert_not_found_problem(answer)
    assert_console_headers(answer)


@pytest.mark.parametrize(
    "path",
    [
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/static/link.js",  # a link out of the directory
        "/static/%00.js",
    ],
)
async def test_paths_out_of_the_console_directory_are_404(console, path):
    answer = await console.client.get(path)
    assert_not_found_problem(answer)
    assert "not for the browser" not in answer.text


@pytest.mark.parametrize("path", ["/.vite/manifest.json", "/.vite/", "/static/.hidden.js"])
async def test_hidden_files_of_the_build_are_404_not_the_index(console, path):
    answer = await console.client.get(path)
    assert_not_found_problem(answer)
    assert "src/main.ts" not in answer.text


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing", "/api/v1/auth/nothing", "/api", "/public/v1/nothing", "/public/v1"]
)
async def test_unknown_api_paths_stay_problem_404s(console, path):
    assert_not_found_problem(await console.client.get(path))


async def test_the_gateways_own_paths_keep_their_meaning(console):
    assert (await console.client.get("/healthz")).json() == {"status": "ok"}
    assert "keys" in (await console.client.get("/.well-known/jwks.json")).json()
    assert "paths" in (await console.client.get("/openapi.json")).json()
    assert "swagger-ui" in (await console.client.get("/docs")).text
    assert "guanjia_" in (await console.client.get("/metrics")).text
    assert (await console.client.get("/readyz")).status_code == 503  # no service behind it
    assert await console.token()


async def test_a_write_to_a_console_path_is_not_the_consoles(console):
    answer = await console.client.post("/tickets", json={})
    assert answer.status_code in (404, 405)
    assert answer.headers["content-type"] == "application/problem+json"


async def test_without_a_console_the_root_is_a_404(gateway):
    assert_not_found_problem(await gateway.client.get("/"))


def test_a_console_directory_without_index_html_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"index\.html"):
        Settings(console_dir=tmp_path)
