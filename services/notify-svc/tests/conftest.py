import pytest

from guanjia_shared.testing.clocks import HandClock
from notify_svc.config import Settings
from notify_svc.database import MIGRATIONS
from notify_svc.main import create_app


@pytest.fixture
def service_under_test():
    return create_app, Settings, MIGRATIONS


@pytest.fixture
def clock():
    """notify-svc's clock, standing still until the test moves it (its senders' tries)."""
    clock = HandClock()
    with clock.as_now():
        yield clock
