from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["docs"])


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> Response:
    """The schema of the whole platform: the gateway's routes and every service's."""
    return Response(await request.app.state.merged_schema.body(), media_type="application/json")


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Guanjia API")
