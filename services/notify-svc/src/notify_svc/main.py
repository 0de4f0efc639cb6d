from guanjia_shared.app import GuanjiaApp, create_service_app
from notify_svc.config import Settings, get_settings
from notify_svc.database import MIGRATIONS
from notify_svc.messages.consumers import verification_code_subscription
from notify_svc.messages.jobs import digests_job, messages_job, pruning_job
from notify_svc.messages.views import inbox_router
from notify_svc.messages.views import router as messages_router
from notify_svc.recipients.consumers import recipients_subscription
from notify_svc.recipients.views import router as recipients_router
from notify_svc.rules.consumers import rule_subscriptions
from notify_svc.rules.views import router as rules_router
from notify_svc.webhooks.consumers import webhook_subscription
from notify_svc.webhooks.jobs import deliveries_job
from notify_svc.webhooks.views import deliveries_router, event_types_router
from notify_svc.webhooks.views import router as subscriptions_router


def create_app(settings: Settings | None = None) -> GuanjiaApp:
    settings = settings or get_settings()
    return create_service_app(
        settings=settings,
        title="Guanjia notify-svc",
        description="Messages to people (the console inbox, SMS, email, 企业微信) made from "
        "the other services' events by rules the admin keeps, and whom they reach; webhooks: "
        "other systems called back when what they follow changes.",
        routers=[
            subscriptions_router,
            deliveries_router,
            event_types_router,
            recipients_router,
            messages_router,
            inbox_router,
            rules_router,
        ],
        migrations=MIGRATIONS,
        subscriptions=[
            webhook_subscription(),
            recipients_subscription(),
            verification_code_subscription(),
            *rule_subscriptions(settings),
        ],
        periodic_jobs=[deliveries_job, messages_job, digests_job, pruning_job],
    )
