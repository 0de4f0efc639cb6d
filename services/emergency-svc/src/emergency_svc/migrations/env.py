from emergency_svc.buildings import models as building_models  # noqa: F401 - registers tables
from emergency_svc.database import EmergencyTable
from emergency_svc.drills import models as drill_models  # noqa: F401 - registers tables
from emergency_svc.incident_types import models as incident_type_models  # noqa: F401
from emergency_svc.incidents import models as incident_models  # noqa: F401 - registers tables
from emergency_svc.plans import models as plan_models  # noqa: F401 - registers tables
from emergency_svc.supplies import models as supply_models  # noqa: F401 - registers tables
from emergency_svc.tasks import availability as availability_models  # noqa: F401
from emergency_svc.tasks import models as task_models  # noqa: F401 - registers tables
from guanjia_shared.migrations import run_migrations_in_env
from guanjia_shared.replicas import replica_metadata

run_migrations_in_env([EmergencyTable.metadata, replica_metadata])
