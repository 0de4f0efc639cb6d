-- docker-compose.yml: one database per service, each its own schema history (Alembic).
-- The postgres image runs this once, when its data volume is empty, as POSTGRES_USER (who
-- then owns these databases). A new service adds its line here.
CREATE DATABASE guanjia_asset;
CREATE DATABASE guanjia_ticket;
CREATE DATABASE guanjia_ledger;
CREATE DATABASE guanjia_emergency;
CREATE DATABASE guanjia_gateway;
