from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from guanjia_shared.errors import problem_response

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Alive: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(request: Request) -> dict[str, Any] | Response:
    """Ready: the gateway's database answers, and every service says it is ready."""
    checks = {"database": "ok"}
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    checks.update(await request.app.state.upstreams.readiness())
    if all(value == "ok" for value in checks.values()):
        return {"status": "ready", "checks": checks}
    not_ready = ", ".join(name for name, value in checks.items() if value != "ok")
    return problem_response(503, "not-ready", "Not ready", f"not ready: {not_ready}", checks=checks)


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.metrics.registry), media_type=CONTENT_TYPE_LATEST)
