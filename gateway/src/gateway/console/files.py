"""The web console (web/, built into web/dist) served at / by the gateway itself: one origin
for the console and the API, so no CORS and no other host to reach."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.console.headers import CONSOLE_POLICY, BrowserHeaders
from gateway.proxy.routing import API_PREFIX, PUBLIC_PREFIX
from guanjia_shared.errors import problem_response

# Vite names these by their content's hash: a changed file is a new name, so a browser may
# keep them for good. Everything else (index.html above all) is asked again every time.
HASHED_DIRECTORY = "static/"  # vite.config.ts build.assetsDir
HASHED_CACHING = "public, max-age=31536000, immutable"
REVALIDATED_CACHING = "no-cache"


def _first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


# The first path segments the gateway answers itself, never the console: an unknown
# /api/... path stays a problem+json 404 rather than becoming index.html. Under /public only
# /public/v1/... is the API's: the console's public pages (/public/units/...) are beside it.
GATEWAY_SEGMENTS = frozenset(
    {
        _first_segment(API_PREFIX),
        ".well-known",
        "docs",
        "openapi.json",
        "healthz",
        "readyz",
        "metrics",
    }
)


class ConsoleFiles(StaticFiles):
    """The built files; a path that names none is one of the console's own routes (history
    mode), answered with index.html, except under static/ (the bundles), where a missing
    file is a 404."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        # Hidden files (Vite's .vite/manifest.json names the sources) are not the console's.
        if any(segment.startswith(".") for segment in PurePosixPath(path).parts):
            raise HTTPException(404)
        try:
            response = await super().get_response(path, scope)
            served = path
        except HTTPException as missing:
            # `path` is normalised: one that climbs out of the directory starts with "..".
            if missing.status_code != 404 or path.startswith(("..", HASHED_DIRECTORY)):
                raise
            response = await super().get_response("index.html", scope)
            served = "index.html"
        hashed = served.startswith(HASHED_DIRECTORY)
        response.headers["Cache-Control"] = HASHED_CACHING if hashed else REVALIDATED_CACHING
        return response


def _gateways(path: str) -> bool:
    return _first_segment(path) in GATEWAY_SEGMENTS or f"{path}/".startswith(PUBLIC_PREFIX)


class ConsoleApp:
    """GET and HEAD of a path outside the gateway's own segments go to the console's files,
    compressed, with the console's browser headers; every other request goes on to the
    gateway's routes."""

    def __init__(self, directory: Path, *, own_routes: ASGIApp) -> None:
        self.own_routes = own_routes
        self.files = BrowserHeaders(
            GZipMiddleware(self._serve, minimum_size=512), policy=CONSOLE_POLICY
        )
        self.static = ConsoleFiles(directory=directory, follow_symlink=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and not _gateways(scope["path"])
        ):
            await self.files(scope, receive, send)
            return
        await self.own_routes(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await self.static.get_response(self.static.get_path(scope), scope)
        except (HTTPException, ValueError):  # ValueError: a NUL in the path
            response = problem_response(404, "not-found", "Not found", "no such file")
        await response(scope, receive, send)
