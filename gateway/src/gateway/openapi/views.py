from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from gateway.console.headers import DOCS_POLICY, browser_headers
from guanjia_shared.errors import NotFound

router = APIRouter(tags=["docs"])

# Swagger UI's files from the fastapi-offline package, not a CDN: /docs works on an intranet.
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"
DOCS_FILES = {
    "swagger-ui-bundle.js": SWAGGER_UI / "swagger-ui-bundle.js",
    "swagger-ui.css": SWAGGER_UI / "swagger-ui.css",
    "favicon.png": SWAGGER_UI / "favicon.png",
    "swagger-init.js": Path(__file__).parent / "swagger-init.js",
}
DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Guanjia API</title>
<link rel="icon" href="/docs/static/favicon.png">
<link rel="stylesheet" href="/docs/static/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script src="/docs/static/swagger-init.js"></script>
</body>
</html>
"""


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> Response:
    """The schema of the whole platform: the gateway's routes and every service's."""
    return Response(await request.app.state.merged_schema.body(), media_type="application/json")


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE, headers=browser_headers(DOCS_POLICY))


@router.get("/docs/static/{name}", include_in_schema=False)
async def docs_file(name: str) -> FileResponse:
    """Only the files the docs page names: nothing else of the package can be read."""
    if name not in DOCS_FILES:
        raise NotFound(f"no docs file {name!r}")
    return FileResponse(
        DOCS_FILES[name], headers={**browser_headers(DOCS_POLICY), "Cache-Control": "no-cache"}
    )
