"""The outbound client takes its proxy from the environment, as aiohttp's `trust_env` would,
but decided once per host: a provider outside goes through HTTP_PROXY, one named in
NO_PROXY is called directly."""

import json

import pytest

from guanjia_shared.testing.receivers import Receiver, serving_on_loopback
from notify_svc.channels.senders import TextGatewaySender
from notify_svc.outbound import outbound_session

PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY"]


@pytest.fixture
def no_proxy_set(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


async def send_sms(url: str) -> None:
    async with outbound_session(timeout_seconds=10) as http:
        await TextGatewaySender(url=url, token="", provider="SMS provider").send(
            http, message_id="m-1", address="13800000000", subject="", text="【管家】演练通知"
        )


async def test_a_provider_outside_is_called_through_the_proxy(no_proxy_set):
    proxy = Receiver()
    async with serving_on_loopback(proxy) as proxy_url:
        no_proxy_set.setenv("HTTP_PROXY", proxy_url)
        await send_sms("http://sms.provider.invalid/send")
    [request] = proxy.received
    assert request.headers["host"] == "sms.provider.invalid"
    assert json.loads(request.body) == {
        "mobile": "13800000000",
        "content": "【管家】演练通知",
        "request_id": "m-1",
    }


async def test_a_host_named_in_no_proxy_is_called_directly(no_proxy_set):
    proxy, provider = Receiver(), Receiver()
    async with serving_on_loopback(proxy) as proxy_url, serving_on_loopback(provider) as url:
        no_proxy_set.setenv("HTTP_PROXY", proxy_url)
        no_proxy_set.setenv("NO_PROXY", "127.0.0.1")
        await send_sms(f"{url}/send")
    assert proxy.received == []
    assert len(provider.received) == 1
