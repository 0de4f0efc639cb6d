from emergency_svc.buildings.consumers import building_replica_subscription
from emergency_svc.buildings.views import router as buildings_router
from emergency_svc.config import Settings, get_settings
from emergency_svc.database import MIGRATIONS
from emergency_svc.drills.views import router as drills_router
from emergency_svc.drills.views import trainings_router
from emergency_svc.incident_types.views import router as incident_types_router
from emergency_svc.incidents.views import router as incidents_router
from emergency_svc.plans.views import router as plans_router
from emergency_svc.readiness.views import router as readiness_router
from emergency_svc.supplies.views import router as supplies_router
from emergency_svc.tasks.jobs import response_timers_job
from emergency_svc.tasks.views import availability_router
from emergency_svc.tasks.views import router as tasks_router
from guanjia_shared.app import GuanjiaApp, create_service_app
from guanjia_shared.replicas import unit_replica_router, unit_replica_subscription


def create_app(settings: Settings | None = None) -> GuanjiaApp:
    return create_service_app(
        settings=settings or get_settings(),
        title="Guanjia emergency-svc",
        description="Linkage plans, incidents, tasks, supplies, drills and readiness.",
        routers=[
            plans_router,
            supplies_router,
            drills_router,
            trainings_router,
            buildings_router,
            incident_types_router,
            incidents_router,
            readiness_router,
            tasks_router,
            availability_router,
            unit_replica_router("/api/v1/emergency"),
        ],
        migrations=MIGRATIONS,
        subscriptions=[unit_replica_subscription(), building_replica_subscription()],
        periodic_jobs=[response_timers_job],
    )
