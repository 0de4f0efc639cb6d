from guanjia_shared.app import GuanjiaApp, create_service_app
from guanjia_shared.replicas import unit_replica_router, unit_replica_subscription
from ticket_svc.accountability.views import router as accountability_router
from ticket_svc.calendars.views import router as calendars_router
from ticket_svc.commitments.views import public_router as public_commitments_router
from ticket_svc.commitments.views import router as commitments_router
from ticket_svc.config import Settings, get_settings
from ticket_svc.database import MIGRATIONS
from ticket_svc.escalations.jobs import escalation_job
from ticket_svc.escalations.views import router as escalations_router
from ticket_svc.ratings.views import public_router as public_ratings_router
from ticket_svc.ratings.views import router as ratings_router
from ticket_svc.reports.views import router as reports_router
from ticket_svc.tickets.views import router as tickets_router


def create_app(settings: Settings | None = None) -> GuanjiaApp:
    return create_service_app(
        settings=settings or get_settings(),
        title="Guanjia ticket-svc",
        description="Service commitments, first-receiver tickets, SLA clocks and ratings.",
        routers=[
            tickets_router,
            calendars_router,
            commitments_router,
            public_commitments_router,
            ratings_router,
            public_ratings_router,
            accountability_router,
            escalations_router,
            reports_router,
            unit_replica_router("/api/v1/ticket"),
        ],
        migrations=MIGRATIONS,
        subscriptions=[unit_replica_subscription()],
        periodic_jobs=[escalation_job],
    )
