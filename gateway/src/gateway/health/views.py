"""The gateway's health: `/readyz` answers for the whole platform (the gateway's database,
its NATS, every service behind it), as a monitor or another system asks; `/readyz/gateway`
for the gateway alone (its database), as its readiness probe asks, so that one service down
answers 503 on that service's routes (the breaker) and does not take the gateway, and every
other service with it, out of the Ingress."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from guanjia_shared.app import broker_readiness, health_router, readiness_answer
from guanjia_shared.problem_docs import problem_response_doc


async def platform_readiness(request: Request) -> dict[str, str]:
    """NATS, which takes the gateway's events, and each service's own answer."""
    return {**await broker_readiness(request), **await request.app.state.upstreams.readiness()}


async def nothing_more(request: Request) -> dict[str, str]:
    return {}


router = health_router(platform_readiness)


@router.get("/readyz/gateway", response_model=None, responses={503: problem_response_doc(503)})
async def gateway_readyz(request: Request) -> dict[str, Any] | Response:
    """Ready to serve: the gateway's own database answers (a service behind it that does not
    answers 503 on its own routes)."""
    return await readiness_answer(request, nothing_more)
