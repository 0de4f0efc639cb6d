"""A refused body is read to its end (within a bound) before the 413 goes out, so that a
client still sending it — the gateway passing a request on — reads the answer instead of
meeting a closed connection (which the gateway would turn into a 502)."""

import pytest

from guanjia_shared.middleware import DRAIN_LIMIT_BYTES, BodySizeLimitMiddleware

LIMIT = 1024
CHUNK = 64 * 1024


async def never_called(scope, receive, send):
    raise AssertionError("a body announced over the limit never reaches the app")


async def reads_everything(scope, receive, send):
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def client_sending(chunks: int, events: list[str]):
    """The request's body as a client writes it, in chunks, each noted as it is taken."""
    sent = 0

    async def receive():
        nonlocal sent
        sent += 1
        events.append("chunk")
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": sent < chunks}

    return receive


def recorder(events: list[str], answers: list[dict]):
    async def send(message):
        if message["type"] == "http.response.start":
            events.append(f"answer {message['status']}")
            answers.append(message)

    return send


def request(content_length: int | None) -> dict:
    headers = [(b"content-type", b"application/json")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    return {"type": "http", "method": "POST", "path": "/x", "headers": headers}


@pytest.mark.parametrize(
    "app, announced",
    [(never_called, True), (reads_everything, False)],
    ids=["announced-by-content-length", "found-while-streaming"],
)
async def test_the_413_goes_out_once_the_whole_body_is_read(app, announced):
    events, answers = [], []
    middleware = BodySizeLimitMiddleware(app, default_limit=LIMIT, limit_for=lambda _: None)
    await middleware(
        request(10 * CHUNK if announced else None),
        client_sending(10, events),
        recorder(events, answers),
    )
    assert events == ["chunk"] * 10 + ["answer 413"]
    assert (b"connection", b"close") in answers[0]["headers"]


async def test_a_body_past_the_drain_bound_is_cut_off_unread():
    events, answers = [], []
    chunks = DRAIN_LIMIT_BYTES // CHUNK * 4
    middleware = BodySizeLimitMiddleware(
        never_called, default_limit=LIMIT, limit_for=lambda _: None
    )
    await middleware(
        request(chunks * CHUNK), client_sending(chunks, events), recorder(events, answers)
    )
    read = events.count("chunk")
    assert DRAIN_LIMIT_BYTES // CHUNK <= read <= DRAIN_LIMIT_BYTES // CHUNK + 1 < chunks
    assert events[-1] == "answer 413"


async def test_a_client_that_goes_away_is_not_waited_for():
    events, answers = [], []

    async def gone():
        events.append("disconnect")
        return {"type": "http.disconnect"}

    middleware = BodySizeLimitMiddleware(
        never_called, default_limit=LIMIT, limit_for=lambda _: None
    )
    await middleware(request(10 * CHUNK), gone, recorder(events, answers))
    assert events == ["disconnect", "answer 413"]
