"""The registry of the gateway's own tables."""

from pathlib import Path

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

MIGRATIONS = str(Path(__file__).parent / "migrations")


class GatewayTable(SQLModel, registry=registry()):
    """Base of every gateway table."""
