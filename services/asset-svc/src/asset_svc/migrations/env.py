from asset_svc.changes import models as _changes  # noqa: F401 - registers the tables
from asset_svc.database import AssetTable
from asset_svc.register import models as _register  # noqa: F401
from asset_svc.units import models as _units  # noqa: F401
from guanjia_shared.migrations import run_migrations_in_env

run_migrations_in_env(AssetTable.metadata)
