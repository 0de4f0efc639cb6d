"""The registry of the gateway's own tables, and the one column type they share."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

MIGRATIONS = str(Path(__file__).parent / "migrations")


class GatewayTable(SQLModel, registry=registry()):
    """Base of every gateway table."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is stored in UTC and always read back with its offset.

    SQLite keeps no offset, so without this a value written with +08:00 would come back
    naive and shifted, and comparisons in SQL would mix zones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a stored time must carry its offset")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
