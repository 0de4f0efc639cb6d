from emergency_svc.config import Settings, get_settings
from emergency_svc.database import MIGRATIONS
from emergency_svc.plans.views import router as plans_router
from guanjia_shared.app import GuanjiaApp, create_service_app
from guanjia_shared.replicas import unit_replica_router, unit_replica_subscription


def create_app(settings: Settings | None = None) -> GuanjiaApp:
    return create_service_app(
        settings=settings or get_settings(),
        title="Guanjia emergency-svc",
        description="Linkage plans, incidents, tasks, supplies, drills and readiness.",
        routers=[plans_router, unit_replica_router("/api/v1/emergency")],
        migrations=MIGRATIONS,
        subscriptions=[unit_replica_subscription()],
    )
