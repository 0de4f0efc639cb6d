import sys
from pathlib import Path

import pytest

# This folder's helpers (escalation_helpers.py) live beside the tests that use them.
sys.path.insert(0, str(Path(__file__).parent))

from escalation_helpers import TicketService


@pytest.fixture
def service(running_service):
    """The service under test, with a hand on its periodic work."""
    return TicketService(client=running_service.client, app=running_service.app)
