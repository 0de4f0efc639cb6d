import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from guanjia_shared.clock import now
from guanjia_shared.events import build_event
from guanjia_shared.nats_server import free_port
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


def _user_event(verb: str, user_id: str, *, version: int, **fields):
    """What the gateway publishes (gateway/src/gateway/users/events.py)."""
    data = {
        "id": user_id,
        "username": f"u{user_id[:8]}",
        "display_name": "张三",
        "roles": ["agent"],
        "unit_id": None,
        "department": "物业管理处",
        "active": True,
        "version": version,
        "contacts": [],
        "message_preferences": [],
        **fields,
    }
    return build_event(
        service="auth", short_type=f"auth.user.{verb}", subject=user_id, data=data, time=now()
    )


@pytest.fixture
def user_event():
    """`user_event(verb, user_id, version=…, **fields)`: a person as the gateway publishes
    them (gateway/src/gateway/users/events.py), for the recipients replica."""
    return _user_event


class Mailbox:
    """What the SMTP server was handed, as parsed mail."""

    def __init__(self) -> None:
        self.mail: list[email.message.EmailMessage] = []
        self.port = 0

    # aiosmtpd's name for the hook that is handed each message.
    async def handle_DATA(self, server, session, envelope):
        self.mail.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()
