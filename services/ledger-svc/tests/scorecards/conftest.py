"""The scorecard tests run ledger-svc with its consumers on a database they also reach
directly, to read dead letters and to call the rules without HTTP."""

import pytest

from guanjia_shared.testing.streams import publish_event


@pytest.fixture
def leader(token_mint) -> dict[str, str]:
    return token_mint.headers("leader")


@pytest.fixture
def publish(nats_server_url, event_namespace):
    """`await publish(*events)`: each to its producer's stream, as its relay would."""

    async def _publish(*events) -> None:
        for event in events:
            await publish_event(nats_server_url, event_namespace, event)

    return _publish
