from guanjia_shared.app import GuanjiaApp, create_service_app
from guanjia_shared.replicas import unit_replica_router, unit_replica_subscription
from ledger_svc.acknowledgements.views import router as acknowledgements_router
from ledger_svc.audits.views import router as audits_router
from ledger_svc.campaigns.views import router as campaigns_router
from ledger_svc.cleanups.views import router as cleanups_router
from ledger_svc.config import Settings, get_settings
from ledger_svc.database import MIGRATIONS
from ledger_svc.exceptions.jobs import exception_sweep_job
from ledger_svc.exceptions.views import router as exceptions_router
from ledger_svc.exports.views import router as exports_router
from ledger_svc.followups.consumers import follow_up_subscription
from ledger_svc.interventions.views import router as interventions_router
from ledger_svc.items.views import router as items_router
from ledger_svc.nonconformities.consumers import nonconformity_subscription
from ledger_svc.nonconformities.views import router as nonconformities_router
from ledger_svc.objectives.consumers import objective_subscription
from ledger_svc.objectives.jobs import objective_job
from ledger_svc.objectives.views import router as objectives_router
from ledger_svc.plans.views import router as plans_router
from ledger_svc.quality.jobs import procedure_job
from ledger_svc.quality.views import office_router as quality_office_router
from ledger_svc.quality.views import router as quality_router
from ledger_svc.reviews.views import router as reviews_router
from ledger_svc.scorecards.consumers import scorecard_subscriptions
from ledger_svc.scorecards.views import router as scorecards_router


def create_app(settings: Settings | None = None) -> GuanjiaApp:
    settings = settings or get_settings()
    return create_service_app(
        settings=settings,
        title="Guanjia ledger-svc",
        description=(
            "The big-item work ledger, management by exception, campaigns, scorecards, "
            "the procedure register, its clean-up campaigns, read-and-acknowledge, internal "
            "audits, nonconformities, quality objectives and management reviews."
        ),
        routers=[
            plans_router,
            campaigns_router,
            items_router,
            exceptions_router,
            interventions_router,
            exports_router,
            scorecards_router,
            quality_router,
            quality_office_router,
            nonconformities_router,
            cleanups_router,
            acknowledgements_router,
            audits_router,
            objectives_router,
            reviews_router,
            unit_replica_router("/api/v1/ledger"),
        ],
        migrations=MIGRATIONS,
        periodic_jobs=[exception_sweep_job, procedure_job, objective_job],
        subscriptions=[
            unit_replica_subscription(),
            *scorecard_subscriptions(),
            follow_up_subscription(settings),
            nonconformity_subscription(settings),
            objective_subscription(),
        ],
    )
