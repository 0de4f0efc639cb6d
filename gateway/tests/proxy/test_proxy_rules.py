"""The proxy's rules, called directly: routing, the breaker, the buckets, the headers."""

import pytest

from gateway.proxy.breaker import CircuitBreaker, CircuitOpenError
from gateway.proxy.headers import caller_response_headers, upstream_request_headers
from gateway.proxy.rate_limit import TokenBuckets
from gateway.proxy.routing import Destination, destination_of


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("path", "destination"),
    [
        ("/api/v1/asset/units", Destination("asset", public=False)),
        ("/api/v1/ticket/tickets/1/resolve", Destination("ticket", public=False)),
        ("/api/v1/ledger/plans", Destination("ledger", public=False)),
        ("/api/v1/emergency/incidents", Destination("emergency", public=False)),
        ("/public/v1/asset/units/1/summary", Destination("asset", public=True)),
        ("/public/v1/commitments", Destination("ticket", public=True)),
        ("/public/v1/ratings/summary", Destination("ticket", public=True)),
        ("/public/v1/ratings/invitations/x-Y_z", Destination("ticket", public=True)),
        ("/public/v1/emergency/x", Destination("emergency", public=True)),
    ],
)
def test_each_path_goes_to_the_service_that_owns_it(path, destination):
    assert destination_of(path) == destination


@pytest.mark.parametrize(
    "path",
    ["/api/v1/auth/token", "/api/v1/assets/x", "/public/v1/units", "/healthz", "/api/v2/asset/x"],
)
def test_paths_no_service_owns_stay_with_the_gateway(path):
    assert destination_of(path) is None


def test_the_breaker_opens_after_consecutive_failures_only():
    breaker = CircuitBreaker(failure_threshold=3, cooldown=10, clock=Clock())
    for _ in range(2):
        breaker.admit()
        breaker.record_failure()
    breaker.record_success()
    for _ in range(2):
        breaker.record_failure()
    assert not breaker.is_open
    breaker.record_failure()
    assert breaker.is_open


def test_an_open_breaker_refuses_until_the_cooldown_then_lets_one_probe_through():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown=10, clock=clock)
    breaker.record_failure()
    clock.now += 4
    with pytest.raises(CircuitOpenError) as refused:
        breaker.admit()
    assert refused.value.retry_after == 6
    clock.now += 6
    assert breaker.admit() is True
    with pytest.raises(CircuitOpenError):
        breaker.admit()  # the probe is still out
    breaker.record_success()
    assert not breaker.is_open and breaker.admit() is False


def test_a_failed_probe_opens_the_breaker_for_another_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown=10, clock=clock)
    breaker.record_failure()
    clock.now += 10
    assert breaker.admit()
    breaker.record_failure()
    clock.now += 9
    with pytest.raises(CircuitOpenError):
        breaker.admit()


def test_an_abandoned_probe_lets_the_next_request_probe():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown=1, clock=clock)
    breaker.record_failure()
    clock.now += 1
    assert breaker.admit()
    breaker.abandon_probe()
    assert breaker.admit()


def test_a_bucket_allows_a_burst_then_the_rate():
    clock = Clock()
    buckets = TokenBuckets(rate=2, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0  # each key has its own
    clock.now += 0.5
    assert buckets.take("a") == 0
    clock.now += 10
    assert [buckets.take("a") for _ in range(4)][-1] > 0  # refilled to the burst, not beyond


def test_buckets_stay_bounded_in_memory():
    clock = Clock()
    buckets = TokenBuckets(rate=1, burst=1, max_keys=10, clock=clock)
    for key in range(50):
        buckets.take(str(key))
        clock.now += 0.1
    assert len(buckets._buckets) <= 10


def test_hop_by_hop_headers_are_not_passed_on_and_forwarding_headers_are_set_afresh():
    scope = {
        "scheme": "https",
        "client": ("10.1.2.3", 5000),
        "headers": [
            (b"host", b"gateway.example"),
            (b"connection", b"keep-alive, x-hop"),
            (b"x-hop", b"1"),
            (b"keep-alive", b"timeout=5"),
            (b"proxy-authorization", b"Basic abc"),
            (b"te", b"trailers"),
            (b"authorization", b"Bearer t"),
            (b"traceparent", b"00-abc-def-01"),
            (b"x-forwarded-for", b"192.0.2.1"),
            (b"x-request-id", b"from-the-caller"),
        ],
    }
    headers = upstream_request_headers(scope, "req-1")
    assert headers == [
        ("authorization", "Bearer t"),
        ("traceparent", "00-abc-def-01"),
        ("X-Forwarded-For", "10.1.2.3"),
        ("X-Forwarded-Proto", "https"),
        ("X-Request-ID", "req-1"),
    ]


def forwarded_for(headers: list[tuple[str, str]]) -> list[str]:
    return [value for name, value in headers if name.lower() == "x-forwarded-for"]


@pytest.mark.parametrize("client", ["198.51.100.7", "2001:db8:1:2::7"])
def test_the_services_get_only_the_client_the_gateway_determined_never_the_callers_list(client):
    # Issue 14: the caller's own X-Forwarded-For was passed on with the client appended, and
    # a service believing the leftmost entry took the caller's word for its address.
    scope = {
        "scheme": "http",
        "client": (client, 5000),
        "headers": [
            (b"x-forwarded-for", b"203.0.113.1, 203.0.113.2"),
            (b"x-forwarded-for", b"203.0.113.3"),
            (b"x-forwarded-for", b"203.0.113.4"),
        ],
    }
    assert forwarded_for(upstream_request_headers(scope, "req-1")) == [client]


def test_without_a_known_client_the_services_are_told_so():
    scope = {"scheme": "http", "headers": [(b"x-forwarded-for", b"203.0.113.1")]}
    assert forwarded_for(upstream_request_headers(scope, "req-1")) == ["unknown"]


def test_hop_by_hop_and_server_headers_of_the_answer_stay_behind():
    kept = caller_response_headers(
        [
            (b"Content-Type", b"application/json"),
            (b"Connection", b"close, X-Upstream-Hop"),
            (b"X-Upstream-Hop", b"1"),
            (b"Transfer-Encoding", b"chunked"),
            (b"Date", b"Mon, 01 Jan 2026 00:00:00 GMT"),
            (b"Server", b"uvicorn"),
            (b"ETag", b'"3"'),
        ]
    )
    assert kept == [(b"content-type", b"application/json"), (b"etag", b'"3"')]
