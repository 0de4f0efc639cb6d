"""guanjia_shared.testing.streams.publish_with_retries: a test's publish tolerates a slow
JetStream as the outbox relay does, within a bound, without storing a message twice."""

import nats
import pytest
from nats.js.errors import NoStreamResponseError, NotFoundError

from guanjia_shared.events import ensure_stream, nats_subject, stream_name
from guanjia_shared.testing.streams import publish_with_retries


class SlowJetStream:
    """A stand-in JetStream that fails its first `failures` publishes with `error`."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures = failures
        self.error = error
        self.tries: list[dict] = []

    async def publish(self, subject, payload, *, headers, timeout):
        self.tries.append(dict(headers))
        if len(self.tries) <= self.failures:
            raise self.error
        return "ack"


async def test_no_stream_response_is_tried_again_with_the_same_message_id():
    js = SlowJetStream(failures=2, error=NoStreamResponseError())
    assert await publish_with_retries(js, "s", b"x") == "ack"
    assert len(js.tries) == 3
    assert len({headers["Nats-Msg-Id"] for headers in js.tries}) == 1


async def test_the_callers_message_id_is_kept():
    js = SlowJetStream(failures=1, error=nats.errors.TimeoutError())
    await publish_with_retries(js, "s", b"x", headers={"Nats-Msg-Id": "event-1"})
    assert [headers["Nats-Msg-Id"] for headers in js.tries] == ["event-1", "event-1"]


async def test_two_calls_are_two_messages():
    js = SlowJetStream(failures=0, error=NoStreamResponseError())
    await publish_with_retries(js, "s", b"x")
    await publish_with_retries(js, "s", b"x")
    assert js.tries[0]["Nats-Msg-Id"] != js.tries[1]["Nats-Msg-Id"]


async def test_it_gives_up_at_its_bound():
    js = SlowJetStream(failures=10**6, error=NoStreamResponseError())
    with pytest.raises(NoStreamResponseError):
        await publish_with_retries(js, "s", b"x", within_seconds=0.3)
    assert 2 <= len(js.tries) < 20


async def test_an_error_a_retry_cannot_mend_is_raised_at_once():
    js = SlowJetStream(failures=1, error=NotFoundError())
    with pytest.raises(NotFoundError):
        await publish_with_retries(js, "s", b"x")
    assert len(js.tries) == 1


async def test_a_real_stream_stores_a_retried_publish_once(nats_server_url, event_namespace):
    connection = await nats.connect(nats_server_url)
    try:
        js = connection.jetstream()
        await ensure_stream(js, event_namespace, "asset")
        subject = nats_subject(event_namespace, "asset.thing.done")
        headers = {"Nats-Msg-Id": "same"}
        first = await publish_with_retries(js, subject, b"x", headers=headers)
        again = await publish_with_retries(js, subject, b"x", headers=headers)
        assert again.duplicate and again.seq == first.seq
        info = await js.stream_info(stream_name(event_namespace, "asset"))
        assert info.state.messages == 1
    finally:
        await connection.close()
