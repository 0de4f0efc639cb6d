"""The registry of notify-svc's own tables (kept apart from other services' models)."""

from pathlib import Path

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

MIGRATIONS = str(Path(__file__).parent / "migrations")


class NotifyTable(SQLModel, registry=registry()):
    """Base of every notify-svc table."""
