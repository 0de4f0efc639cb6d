"""FastAPI dependencies every service's routers use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from guanjia_shared.logging import get_logger

log = get_logger("guanjia.db")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    session: AsyncSession = request.app.state.session_factory()
    try:
        yield session
    finally:
        await _close(session)


async def _close(session: AsyncSession) -> None:
    """Close a request's session after its answer is decided (FastAPI runs this once the
    response has started). By then the work is committed or there is none to keep, so a
    close the database cannot take (its ROLLBACK meets a server that just went away) gives
    the connection up instead of failing: raised here, it would cut the answer off mid-way
    and the caller would see a dropped connection."""
    try:
        await session.close()
    except DBAPIError as exc:
        log.warning("session_close_failed", error=repr(exc))
        await session.invalidate()


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def app_settings(request: Request) -> Any:
    """The settings the running app was made with (async: FastAPI would run a plain function
    in its thread pool, a hop on every call). Each service types it in its `config.py`:
    `ServiceSettings = Annotated[Settings, Depends(app_settings)]`."""
    return request.app.state.settings
