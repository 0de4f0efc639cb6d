from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from guanjia_shared.deps import app_settings
from guanjia_shared.settings import BaseServiceSettings
from notify_svc.messages.timing import HOUR_MINUTE


class Settings(BaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GUANJIA_NOTIFY_", extra="ignore")

    service_name: str = "notify"
    port: int = 8006

    # Webhook deliveries (webhooks/sending.py): how often the sender looks for due deliveries
    # and how many it sends at once, and how long an endpoint has to answer.
    delivery_interval_seconds: float = Field(default=2.0, gt=0)
    delivery_batch_size: int = Field(default=50, gt=0, le=1_000)
    delivery_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # A failed delivery is tried again after `delivery_first_retry_seconds`, the wait doubling
    # each time up to `delivery_max_retry_seconds`; after `delivery_give_up_hours` of failures
    # it is dead-lettered and its subscription paused.
    delivery_first_retry_seconds: float = Field(default=10.0, gt=0)
    delivery_max_retry_seconds: float = Field(default=3600.0, gt=0)
    delivery_give_up_hours: float = Field(default=24.0, gt=0)
    # After a secret is rotated, the previous one still signs for this long, so a receiver
    # can switch without losing a delivery.
    previous_secret_hours: float = Field(default=24.0, ge=0)

    # People's messages (messages/jobs.py): how often the sender looks for due messages and
    # how many it sends at once; a failure the channel may recover from is tried again after
    # `message_first_retry_seconds`, doubling up to `message_max_retry_seconds`, at most
    # `message_max_attempts` times.
    message_interval_seconds: float = Field(default=1.0, gt=0)
    message_batch_size: int = Field(default=200, gt=0, le=1_000)
    message_first_retry_seconds: float = Field(default=5.0, gt=0)
    message_max_retry_seconds: float = Field(default=600.0, gt=0)
    message_max_attempts: int = Field(default=8, gt=0)
    # An event older than this when it comes makes no message (rules/consumers.py): a
    # consumer made on months of history, or back from a long outage, tells nobody of it.
    rule_event_max_age_hours: float = Field(default=24.0, gt=0)
    # A copy with another channel to fall back on is tried this many times before the next
    # channel gets it (one without is tried `message_max_attempts` times).
    message_attempts_before_failover: int = Field(default=3, gt=0)
    # Bureau time (Asia/Shanghai), `HH:MM-HH:MM`, empty for none: a copy a rule makes in
    # them waits until they end, unless the rule is urgent (an emergency). The inbox is told
    # at once all the same.
    quiet_hours: str = Field(default="22:00-07:00", pattern=rf"^({HOUR_MINUTE}-{HOUR_MINUTE})?$")
    # The message log keeps a settled message (sent, failed, in a digest) this long after it
    # was made — the year and its review — and then forgets it (messages/jobs.py, hourly).
    message_keep_days: int = Field(default=400, ge=30)
    # Bureau time: when each person's digest of the day's messages of digest rules goes out.
    digest_at: str = Field(default="08:30", pattern=rf"^{HOUR_MINUTE}$")
    # The console inbox's event stream (messages/stream.py): how often it looks for a change,
    # and how long one stream lasts before the console opens another.
    inbox_poll_seconds: float = Field(default=2.0, gt=0, le=5)
    inbox_stream_minutes: float = Field(default=10.0, gt=0)
    # How long a channel has to take a message.
    channel_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Email over SMTP (channels/senders.py); no host: no email is sent.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_username: str = ""
    smtp_password: SecretStr | None = None
    smtp_from: str = "管家平台 <guanjia@localhost>"
    # SMS through the provider's HTTP API (channels/senders.py); no URL: no SMS is sent.
    sms_url: str = ""
    sms_token: SecretStr | None = None
    # Voice calls that read a message out, through the provider's HTTP API (the SMS one's
    # shape); no URL: no call is made.
    voice_url: str = ""
    voice_token: SecretStr | None = None
    # 企业微信 (or 政务微信 at its own address) through its application message API
    # (channels/senders.py); no corp id: nothing is sent there.
    wecom_base_url: str = "https://qyapi.weixin.qq.com"
    wecom_corp_id: str = ""
    wecom_secret: SecretStr | None = None
    wecom_agent_id: int = 0


@lru_cache
def get_settings() -> Settings:
    """The settings of the environment, for the process that starts the app (main, the CLI);
    code below the app reads the settings it was made with."""
    return Settings()


# The routes' dependency: the settings of the running app.
ServiceSettings = Annotated[Settings, Depends(app_settings)]
