from gateway.clients import models as _clients  # noqa: F401 - registers the tables
from gateway.contacts import models as _contacts  # noqa: F401
from gateway.database import GatewayTable
from gateway.logins import models as _logins  # noqa: F401
from gateway.users import models as _users  # noqa: F401
from guanjia_shared.migrations import run_migrations_in_env

run_migrations_in_env(GatewayTable.metadata)
