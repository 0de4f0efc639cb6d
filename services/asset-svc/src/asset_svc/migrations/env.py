from asset_svc.database import AssetTable
from asset_svc.units import models  # noqa: F401 - registers the tables on the metadata
from guanjia_shared.migrations import run_migrations_in_env

run_migrations_in_env(AssetTable.metadata)
