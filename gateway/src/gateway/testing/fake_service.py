"""A small stand-in service for the gateway's tests, run by uvicorn in a process of its own.
It answers under the prefix of the service named in FAKE_SERVICE, so the same program can
stand behind any upstream: an echo of what arrived, slow and streamed answers, a redirect,
and a schema whose `UnitRead` differs from asset-svc's on purpose."""

import asyncio
import os

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, StreamingResponse
from pydantic import BaseModel

SERVICE = os.environ.get("FAKE_SERVICE", "ticket")
PREFIX = f"/api/v1/{SERVICE}"

app = FastAPI(title=f"fake {SERVICE}")
seen_request_ids: list[str] = []


class UnitRead(BaseModel):
    id: str
    label: str


@app.api_route(
    PREFIX + "/echo/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
)
async def echo(request: Request, rest: str) -> dict:
    body = await request.body()
    seen_request_ids.append(request.headers.get("x-request-id", ""))
    return {
        "service": SERVICE,
        "method": request.method,
        "raw_path": request.scope["raw_path"].decode(),
        "query": request.scope["query_string"].decode(),
        "headers": {name: value for name, value in request.headers.items()},
        "body_bytes": len(body),
    }


@app.get(PREFIX + "/slow")
async def slow(seconds: float) -> dict:
    await asyncio.sleep(seconds)
    return {"slept": seconds}


@app.get(PREFIX + "/download")
async def download(size: int) -> StreamingResponse:
    async def chunks():
        left = size
        while left > 0:
            part = min(left, 64 * 1024)
            left -= part
            yield b"x" * part

    return StreamingResponse(chunks(), media_type="application/octet-stream")


@app.get(PREFIX + "/redirect")
async def redirect() -> RedirectResponse:
    return RedirectResponse(PREFIX + "/echo/redirected", status_code=307)


@app.get(PREFIX + "/units/{unit_id}", response_model=UnitRead)
async def unit(unit_id: str) -> UnitRead:
    return UnitRead(id=unit_id, label="fake")


@app.get(f"/public/v1/{SERVICE}/summary")
async def public_summary() -> dict:
    return {"service": SERVICE, "public": True}


@app.get("/seen")
async def seen() -> list[str]:
    """Not routed by the gateway: the tests ask here directly what reached the service."""
    return seen_request_ids


@app.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@app.get("/readyz")
async def readyz() -> dict:
    return {"status": "ready"}
