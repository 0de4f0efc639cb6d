import pytest

from emergency_svc.config import Settings
from emergency_svc.database import MIGRATIONS
from emergency_svc.main import create_app


@pytest.fixture
def service_under_test():
    return create_app, Settings, MIGRATIONS
