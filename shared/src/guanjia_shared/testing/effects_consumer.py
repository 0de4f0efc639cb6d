"""The effects test service's consumer in a process of its own, so a test can kill it with
SIGKILL mid-batch.

Usage: python -m guanjia_shared.testing.effects_consumer DATABASE_URL NATS_URL NAMESPACE
"""

import asyncio
import sys

from guanjia_shared.broker import Broker
from guanjia_shared.consumer import EventConsumer
from guanjia_shared.db import create_engine, create_session_factory
from guanjia_shared.testing.effects import effect_subscription, leave_effect


async def slow_effect(session, event) -> None:
    # Slow enough that a kill lands inside a batch, with work committed and not yet acked.
    await leave_effect(session, event)
    await asyncio.sleep(0.02)


async def main(database_url: str, nats_url: str, namespace: str) -> None:
    engine = create_engine(database_url)
    broker = Broker(nats_url, name="consumer-process")
    broker.start()
    consumer = EventConsumer(
        subscription=effect_subscription(slow_effect, ack_wait_seconds=1.0),
        service="effects",
        broker=broker,
        session_factory=create_session_factory(engine, service="effects"),
        namespace=namespace,
        batch_size=25,
    )
    await consumer.run()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
