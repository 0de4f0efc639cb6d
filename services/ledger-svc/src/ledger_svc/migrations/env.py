from guanjia_shared.migrations import run_migrations_in_env
from guanjia_shared.replicas import replica_metadata
from ledger_svc.campaigns import models as campaign_models  # noqa: F401 - registers tables
from ledger_svc.database import LedgerTable
from ledger_svc.exceptions import models as exception_models  # noqa: F401 - registers tables
from ledger_svc.interventions import models as intervention_models  # noqa: F401 - registers tables
from ledger_svc.items import models as item_models  # noqa: F401 - registers tables
from ledger_svc.plans import models as plan_models  # noqa: F401 - registers tables
from ledger_svc.scorecards import models as scorecard_models  # noqa: F401 - registers tables

run_migrations_in_env([LedgerTable.metadata, replica_metadata])
