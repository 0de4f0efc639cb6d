from asset_svc.changes.consumers import repair_subscription
from asset_svc.changes.views import router as changes_router
from asset_svc.compliance.views import router as compliance_router
from asset_svc.config import Settings, get_settings
from asset_svc.database import MIGRATIONS
from asset_svc.disclosure.views import public_router as disclosure_router
from asset_svc.housing.views import router as housing_router
from asset_svc.imports.views import router as imports_router
from asset_svc.register.views import router as register_router
from asset_svc.renovations.views import router as renovations_router
from asset_svc.seating.views import router as seating_router
from asset_svc.staffing.views import router as staffing_router
from asset_svc.standards.views import router as standards_router
from asset_svc.stocktakes.views import router as stocktakes_router
from asset_svc.units.views import router as units_router
from guanjia_shared.app import GuanjiaApp, create_service_app


def create_app(settings: Settings | None = None) -> GuanjiaApp:
    return create_service_app(
        settings=settings or get_settings(),
        title="Guanjia asset-svc",
        description="The register of state-owned offices, land and housing.",
        routers=[
            units_router,
            register_router,
            changes_router,
            standards_router,
            staffing_router,
            compliance_router,
            disclosure_router,
            imports_router,
            renovations_router,
            housing_router,
            stocktakes_router,
            seating_router,
        ],
        migrations=MIGRATIONS,
        subscriptions=[repair_subscription()],
    )
