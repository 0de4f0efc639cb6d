from guanjia_shared.migrations import run_migrations_in_env
from guanjia_shared.replicas import replica_metadata
from ledger_svc.database import LedgerTable
from ledger_svc.plans import models as plan_models  # noqa: F401 - registers tables

run_migrations_in_env([LedgerTable.metadata, replica_metadata])
