import pytest

from notify_svc.config import Settings
from notify_svc.database import MIGRATIONS
from notify_svc.main import create_app


@pytest.fixture
def service_under_test():
    return create_app, Settings, MIGRATIONS
