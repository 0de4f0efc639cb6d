from guanjia_shared.migrations import run_migrations_in_env
from sqlalchemy import MetaData

run_migrations_in_env(MetaData())
