"""The registry of the gateway's own tables."""

from pathlib import Path

from sqlalchemy.orm import registry
from sqlmodel import SQLModel

MIGRATIONS = str(Path(__file__).parent / "migrations")


# PostgreSQL text holds no NUL character, and a query that carries one fails: a caller's
# text with one is refused where it would be stored (guanjia_shared.text), and never looked
# up (nothing has it).
def storable(text: str) -> bool:
    return "\x00" not in text


class GatewayTable(SQLModel, registry=registry()):
    """Base of every gateway table."""
