from emergency_svc.database import EmergencyTable
from emergency_svc.plans import models as plan_models  # noqa: F401 - registers tables
from guanjia_shared.migrations import run_migrations_in_env
from guanjia_shared.replicas import replica_metadata

run_migrations_in_env([EmergencyTable.metadata, replica_metadata])
