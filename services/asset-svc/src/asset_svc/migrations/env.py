from asset_svc.changes import models as _changes  # noqa: F401 - registers the tables
from asset_svc.compliance import models as _compliance  # noqa: F401
from asset_svc.database import AssetTable
from asset_svc.housing import models as _housing  # noqa: F401
from asset_svc.register import models as _register  # noqa: F401
from asset_svc.renovations import models as _renovations  # noqa: F401
from asset_svc.seating import models as _seating  # noqa: F401
from asset_svc.staffing import models as _staffing  # noqa: F401
from asset_svc.standards import models as _standards  # noqa: F401
from asset_svc.stocktakes import models as _stocktakes  # noqa: F401
from asset_svc.units import models as _units  # noqa: F401
from guanjia_shared.migrations import run_migrations_in_env

run_migrations_in_env(AssetTable.metadata)
