"""The building replica tests run emergency-svc with its consumers on a database they also
reach directly (to call `ensure_known_building` as incidents do, and to read dead letters),
and publish asset-svc's events to the real NATS."""

import pytest

from guanjia_shared.testing.streams import publish_event


@pytest.fixture
def commander(token_mint) -> dict[str, str]:
    return token_mint.headers("commander")


@pytest.fixture
def publish(nats_server_url, event_namespace):
    """`await publish(*events)`: each to its producer's stream, as its relay would."""

    async def _publish(*events) -> None:
        for event in events:
            await publish_event(nats_server_url, event_namespace, event)

    return _publish
