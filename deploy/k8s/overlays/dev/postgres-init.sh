# Run once, by the postgres image's entrypoint, when the data directory is first made: a
# role and a database of its own for each process, with the passwords from the Secret
# postgresql-credentials (python deploy/k8s/make_secrets.py dev makes it).
for app in gateway asset ticket ledger emergency; do
  password_variable="${app^^}_PASSWORD"
  psql --username "$POSTGRES_USER" --dbname postgres -v ON_ERROR_STOP=1 \
    --set=name="guanjia_${app}" --set=password="${!password_variable}" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
SQL
done
