from guanjia_shared.app import GuanjiaApp, create_service_app
from guanjia_shared.replicas import unit_replica_router, unit_replica_subscription
from ledger_svc.config import Settings, get_settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.plans.views import router as plans_router


def create_app(settings: Settings | None = None) -> GuanjiaApp:
    return create_service_app(
        settings=settings or get_settings(),
        title="Guanjia ledger-svc",
        description="The big-item work ledger, management by exception, campaigns, scorecards.",
        routers=[plans_router, unit_replica_router("/api/v1/ledger")],
        migrations=MIGRATIONS,
        subscriptions=[unit_replica_subscription()],
    )
