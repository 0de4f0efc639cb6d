from guanjia_shared.migrations import run_migrations_in_env
from guanjia_shared.replicas import replica_metadata
from ticket_svc.accountability import models as accountability_models  # noqa: F401 - registers tables
from ticket_svc.calendars import models as calendar_models  # noqa: F401 - registers tables
from ticket_svc.commitments import models as commitment_models  # noqa: F401 - registers tables
from ticket_svc.database import TicketTable
from ticket_svc.ratings import models as rating_models  # noqa: F401 - registers tables
from ticket_svc.tickets import models as ticket_models  # noqa: F401 - registers tables

run_migrations_in_env([TicketTable.metadata, replica_metadata])
