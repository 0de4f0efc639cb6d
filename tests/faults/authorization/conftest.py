import sys
from pathlib import Path

import pytest

# The matrix's tables and machinery live beside the tests, not in a package.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def database_backend() -> str:
    """The matrix is about the services' rules, not their database: SQLite suffices."""
    return "sqlite"
