"""How a text reaches an address, one sender per channel behind one interface: email over
SMTP, SMS and voice calls through their providers' HTTP APIs, 企业微信 (and 政务微信, its
government deployment at another address) through its application message API. A channel
without its settings has no sender; what would go through it fails at once, saying so.

The SMS and voice providers' API, as the adapter calls it: `POST <SMS_URL>` (or
`<VOICE_URL>`, where the provider calls the number and reads the text out) with
`Authorization: Bearer <token>` (when one is set) and `{"mobile", "content", "request_id"}`
(the message's id, the same on every attempt, by which the provider drops a repeat). A 2xx
whose JSON body, if any, has `code` 0 (or none) is taken; 429, a 5xx or no answer is tried
again; any other answer is final. Another provider is another class with the same `send`.

The HTTP senders send through the client they are handed (outbound.py), one per round of
the sender job, which also bounds how long a request may take.
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from notify_svc.config import Settings
from notify_svc.outbound import UNANSWERED, Outbound, Response

ERROR_MAX = 200


class SendFailed(Exception):
    """The channel did not take the text; `retryable`: it may well take it later."""

    def __init__(self, detail: str, *, retryable: bool) -> None:
        super().__init__(detail[:ERROR_MAX])
        self.retryable = retryable


class Sender(Protocol):
    async def send(
        self, http: Outbound, *, message_id: str, address: str, subject: str, text: str
    ) -> None:
        """Hand the text over (HTTP channels through `http`), or raise SendFailed."""


@dataclass(frozen=True)
class SmtpSender:
    host: str
    port: int
    starttls: bool
    username: str
    password: str
    from_address: str
    timeout: float

    async def send(
        self, http: Outbound, *, message_id: str, address: str, subject: str, text: str
    ) -> None:
        mail = EmailMessage()
        mail["From"] = self.from_address
        mail["To"] = address
        mail["Subject"] = subject
        mail["Message-ID"] = f"<{message_id}@guanjia>"
        mail.set_content(text)
        # smtplib blocks: a thread of its own, so the event loop goes on meanwhile.
        await asyncio.to_thread(self._send_blocking, mail)

    def _send_blocking(self, mail: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                if self.starttls:
                    server.starttls(context=ssl.create_default_context())
                if self.username:
                    server.login(self.username, self.password)
                server.send_message(mail)
        except smtplib.SMTPResponseException as exc:
            # 4xx is the server's "later"; 5xx its "never" (no such mailbox, refused).
            raise SendFailed(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", retryable=exc.smtp_code < 500
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(f"SMTP refused the recipient: {exc}", retryable=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}", retryable=True) from exc


@dataclass(frozen=True)
class TextGatewaySender:
    """A provider that takes a text for a mobile number: an SMS gateway, or a voice one."""

    url: str
    token: str
    provider: str  # as the message log names it: "SMS provider"

    @property
    def _headers(self) -> dict[str, str]:
        # A provider inside the government network may take no token at all.
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def send(
        self, http: Outbound, *, message_id: str, address: str, subject: str, text: str
    ) -> None:
        body = {"mobile": address, "content": text, "request_id": message_id}
        try:
            async with http.post(self.url, json=body, headers=self._headers) as answer:
                status, content = answer.status, await answer.read()
        except UNANSWERED as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}", retryable=True) from exc
        if status == 429 or status >= 500:
            raise SendFailed(f"{self.provider} answered {status}", retryable=True)
        if not 200 <= status < 300:
            raise SendFailed(f"{self.provider} refused: {status}", retryable=False)
        code = _provider_code(content)
        if code not in (None, 0):
            raise SendFailed(f"{self.provider} refused: code {code}", retryable=False)


# 企业微信's answers: its token ran out (fetch another, once), and its "busy, try later".
WECOM_TOKEN_EXPIRED = {40014, 42001}
WECOM_BUSY = -1
# A token is fetched again this long before 企业微信 says it runs out.
WECOM_TOKEN_MARGIN_SECONDS = 300


class WecomSender:
    """企业微信's API as documented: `GET /cgi-bin/gettoken?corpid&corpsecret` answers an
    access token for `expires_in` seconds; `POST /cgi-bin/message/send?access_token=` with
    `{touser, msgtype: "text", agentid, text: {content}}` answers `errcode` 0 when taken (a
    user it does not know comes back in `invaliduser`). The token is kept until shortly
    before it runs out."""

    def __init__(self, *, base_url: str, corp_id: str, secret: str, agent_id: int) -> None:
        self.base_url = base_url.rstrip("/")
        self.corp_id = corp_id
        self.secret = secret
        self.agent_id = agent_id
        self._token: str | None = None
        self._token_until = 0.0

    async def send(
        self, http: Outbound, *, message_id: str, address: str, subject: str, text: str
    ) -> None:
        body = {
            "touser": address,
            "msgtype": "text",
            "agentid": self.agent_id,
            "text": {"content": text},
        }
        try:
            for fresh_token in (False, True):
                token = await self._access_token(http, fresh=fresh_token)
                result = await _wecom_call(
                    http.post(
                        f"{self.base_url}/cgi-bin/message/send",
                        params={"access_token": token},
                        json=body,
                    )
                )
                if result.get("errcode") not in WECOM_TOKEN_EXPIRED:
                    break
        except UNANSWERED as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}", retryable=True) from exc
        code = result.get("errcode")
        if code == WECOM_BUSY:
            raise SendFailed("企业微信 is busy", retryable=True)
        if code != 0:
            raise SendFailed(f"企业微信 refused: {code} {result.get('errmsg')}", retryable=False)
        if result.get("invaliduser"):
            raise SendFailed(f"企业微信 knows no user {address}", retryable=False)

    async def _access_token(self, http: Outbound, *, fresh: bool) -> str:
        if self._token and not fresh and time.monotonic() < self._token_until:
            return self._token
        result = await _wecom_call(
            http.get(
                f"{self.base_url}/cgi-bin/gettoken",
                params={"corpid": self.corp_id, "corpsecret": self.secret},
            )
        )
        if result.get("errcode") != 0 or not result.get("access_token"):
            retryable = result.get("errcode") == WECOM_BUSY
            raise SendFailed(
                f"企业微信 gave no token: {result.get('errcode')}", retryable=retryable
            )
        self._token = str(result["access_token"])
        lifetime = float(result.get("expires_in") or 7200)
        self._token_until = time.monotonic() + max(0.0, lifetime - WECOM_TOKEN_MARGIN_SECONDS)
        return self._token


async def _wecom_call(request: Response) -> dict:
    async with request as answer:
        status, content = answer.status, await answer.read()
    if status >= 500:
        raise SendFailed(f"企业微信 answered {status}", retryable=True)
    try:
        result = json.loads(content)
    except ValueError as exc:
        raise SendFailed(f"企业微信 answered {status}, not JSON", retryable=True) from exc
    if not isinstance(result, dict):
        raise SendFailed("企业微信 answered something else than an object", retryable=True)
    return result


def _provider_code(content: bytes) -> object:
    if not content:
        return None
    try:
        parsed = json.loads(content)
    except ValueError:
        return None
    return parsed.get("code") if isinstance(parsed, dict) else None


def senders_from_settings(settings: Settings) -> dict[str, Sender]:
    """The configured senders by channel (`mobile`, `voice`, `email`, `wecom`)."""
    senders: dict[str, Sender] = {}
    if settings.smtp_host:
        senders["email"] = SmtpSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else "",
            from_address=settings.smtp_from,
            timeout=settings.channel_timeout_seconds,
        )
    if settings.sms_url:
        senders["mobile"] = TextGatewaySender(
            url=settings.sms_url,
            token=settings.sms_token.get_secret_value() if settings.sms_token else "",
            provider="SMS provider",
        )
    if settings.voice_url:
        senders["voice"] = TextGatewaySender(
            url=settings.voice_url,
            token=settings.voice_token.get_secret_value() if settings.voice_token else "",
            provider="voice provider",
        )
    if settings.wecom_corp_id:
        senders["wecom"] = WecomSender(
            base_url=settings.wecom_base_url,
            corp_id=settings.wecom_corp_id,
            secret=settings.wecom_secret.get_secret_value() if settings.wecom_secret else "",
            agent_id=settings.wecom_agent_id,
        )
    return senders
