from sqlalchemy import MetaData

from guanjia_shared.migrations import run_migrations_in_env

run_migrations_in_env(MetaData())
