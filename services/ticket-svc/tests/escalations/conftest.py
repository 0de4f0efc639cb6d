import pytest

from .escalation_helpers import TicketService


@pytest.fixture
def service(running_service):
    """The service under test, with a hand on its periodic work."""
    return TicketService(client=running_service.client, app=running_service.app)
