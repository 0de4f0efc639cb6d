from __future__ import annotations

from fastapi import Request

from guanjia_shared.app import health_router


async def upstream_readiness(request: Request) -> dict[str, str]:
    """The gateway is ready when every service behind it says it is."""
    return await request.app.state.upstreams.readiness()


router = health_router(upstream_readiness)
