from guanjia_shared.migrations import run_migrations_in_env
from notify_svc.database import NotifyTable
from notify_svc.messages import models as message_models  # noqa: F401 - registers tables
from notify_svc.recipients import models as recipient_models  # noqa: F401
from notify_svc.webhooks import models as webhook_models  # noqa: F401

run_migrations_in_env([NotifyTable.metadata])
