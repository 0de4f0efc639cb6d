"""The 企业微信 sender against a real HTTP server on loopback playing 企业微信's documented
API (gettoken, message/send): its token kept and fetched again when 企业微信 says it ran
out, a user it does not know and its "busy" told apart."""

from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI, Request

from guanjia_shared.testing.receivers import serving_on_loopback
from notify_svc.channels.senders import SendFailed, WecomSender
from notify_svc.outbound import outbound_session

CORP_ID, SECRET, AGENT_ID = "ww0123456789", "app-secret", 1000002


@dataclass
class FakeWecom:
    tokens_issued: list[str] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    busy: bool = False
    sent: list[dict] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/cgi-bin/gettoken")
        async def gettoken(corpid: str, corpsecret: str):
            if (corpid, corpsecret) != (CORP_ID, SECRET):
                return {"errcode": 40001, "errmsg": "invalid credential"}
            token = f"token-{len(self.tokens_issued) + 1}"
            self.tokens_issued.append(token)
            return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

        @app.post("/cgi-bin/message/send")
        async def send(access_token: str, request: Request):
            if access_token in self.revoked or access_token not in self.tokens_issued:
                return {"errcode": 42001, "errmsg": "access_token expired"}
            if self.busy:
                return {"errcode": -1, "errmsg": "system busy"}
            body = await request.json()
            if body["touser"] == "Nobody":
                return {"errcode": 0, "errmsg": "ok", "invaliduser": "Nobody"}
            self.sent.append(body)
            return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}

        return app


@pytest.fixture
async def wecom():
    fake = FakeWecom()
    async with serving_on_loopback(fake.app()) as url:
        sender = WecomSender(base_url=url, corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID)
        yield fake, sender


async def send(sender, address, text="【管家】您的验证码是 123456"):
    async with outbound_session(timeout_seconds=10) as http:
        await sender.send(
            http, message_id="m-1", address=address, subject="管家平台验证码", text=text
        )


async def test_a_text_reaches_the_user_and_the_token_is_kept(wecom):
    fake, sender = wecom
    await send(sender, "LiSi")
    await send(sender, "WangWu", text="第二条")
    assert fake.sent == [
        {
            "touser": "LiSi",
            "msgtype": "text",
            "agentid": AGENT_ID,
            "text": {"content": "【管家】您的验证码是 123456"},
        },
        {"touser": "WangWu", "msgtype": "text", "agentid": AGENT_ID, "text": {"content": "第二条"}},
    ]
    assert fake.tokens_issued == ["token-1"]


async def test_a_token_wecom_says_ran_out_is_fetched_again(wecom):
    fake, sender = wecom
    await send(sender, "LiSi")
    fake.revoked.add("token-1")
    await send(sender, "LiSi")
    assert fake.tokens_issued == ["token-1", "token-2"] and len(fake.sent) == 2


async def test_an_unknown_user_is_final_and_busy_is_for_later(wecom):
    fake, sender = wecom
    with pytest.raises(SendFailed) as unknown:
        await send(sender, "Nobody")
    assert not unknown.value.retryable and "Nobody" in str(unknown.value)
    fake.busy = True
    with pytest.raises(SendFailed) as busy:
        await send(sender, "LiSi")
    assert busy.value.retryable
    assert fake.sent == []


async def test_wrong_credentials_get_no_token_and_send_nothing(wecom):
    fake, sender = wecom
    sender.secret = "not-the-secret"
    with pytest.raises(SendFailed) as refused:
        await send(sender, "LiSi")
    assert not refused.value.retryable and "40001" in str(refused.value)
    assert fake.sent == []
