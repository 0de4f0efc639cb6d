import pytest

from ledger_svc.config import Settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.main import create_app


@pytest.fixture
def service_under_test():
    return create_app, Settings, MIGRATIONS
