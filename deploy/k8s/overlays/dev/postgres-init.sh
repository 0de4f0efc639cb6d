# Run once, by the postgres image's entrypoint, when the data directory is first made: a
# role and a database of its own for each process, which only that role (and the superuser)
# may connect to, with the passwords in <APP>_PASSWORD: from the Secret
# postgresql-credentials here (make_secrets.py dev makes it), from .env under docker-compose.yml
# (which runs this script too).
for app in gateway asset ticket ledger emergency notify; do
  password_variable="${app^^}_PASSWORD"
  psql --username "$POSTGRES_USER" --dbname postgres -v ON_ERROR_STOP=1 \
    --set=name="guanjia_${app}" --set=password="${!password_variable}" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
