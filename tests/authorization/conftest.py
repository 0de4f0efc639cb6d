import pytest


@pytest.fixture
def database_backend() -> str:
    """The matrix is about the services' rules, not their database: SQLite suffices."""
    return "sqlite"
