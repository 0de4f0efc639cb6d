"""FastAPI dependencies every service's routers use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def app_settings(request: Request) -> Any:
    """The settings the running app was made with (async: FastAPI would run a plain function
    in its thread pool, a hop on every call). Each service types it in its `config.py`:
    `ServiceSettings = Annotated[Settings, Depends(app_settings)]`."""
    return request.app.state.settings
