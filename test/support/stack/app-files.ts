/**
 * The reference app's files, as text: a compose project with a PostgreSQL `db` service and a
 * busybox `web` service (httpd + CGI for /health/, psql for migrations) built FROM local/postgres:15.
 * Releases differ only in these files, as real releases do. Behaviour switches live in app/FLAGS.
 */

export const composeFile = `version: "2.4"
services:
  db:
    image: local/postgres:15
    network_mode: host
    user: "999"
    environment:
      DB_PORT: "\${DB_PORT}"
      APP_DB: "\${APP_DB:-app}"
      PGPORT: "\${DB_PORT}"
      PGHOST: /var/run/postgresql
      PGDATA: /var/lib/postgresql/data
    volumes:
      - dbdata:/var/lib/postgresql
      - ./db:/db:ro
    command: ["/bin/sh", "/db/start.sh"]
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "\${DB_PORT}", "-d", "\${APP_DB:-app}"]
      interval: 1s
      timeout: 3s
      retries: 60
  web:
    build: ./web
    network_mode: host
    # httpd as PID 1 ignores SIGTERM; an init stops it at once instead of after compose's 10 s.
    init: true
    environment:
      WEB_PORT: "\${WEB_PORT}"
      DB_PORT: "\${DB_PORT}"
      APP_DB: "\${APP_DB:-app}"
      SECRET_KEY: "\${SECRET_KEY:-}"
      STRICT_MIGRATIONS: "\${STRICT_MIGRATIONS:-}"
    depends_on:
      db:
        condition: service_healthy
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:\${WEB_PORT}/health/"]
      interval: 1s
      timeout: 3s
      retries: 3
  # One-off commands (migrate, collectstatic, check) run here. compose v1 links a one-off container
  # to the running containers of its own service, which Docker refuses under host networking; a
  # service with no running containers (scale 0) avoids that. It runs the image web was built as.
  tasks:
    image: "\${COMPOSE_PROJECT_NAME}_web"
    network_mode: host
    scale: 0
    environment:
      WEB_PORT: "\${WEB_PORT}"
      DB_PORT: "\${DB_PORT}"
      APP_DB: "\${APP_DB:-app}"
      SECRET_KEY: "\${SECRET_KEY:-}"
volumes:
  dbdata: {}
`;

export const dbStart = `#!/bin/sh
# First start: create the cluster and the app database (none when the app uses the default
# \`postgres\` database, as the official image does without POSTGRES_DB); then run PostgreSQL.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U postgres --auth=trust >/dev/null
  pg_ctl -D "$PGDATA" -o "-p $DB_PORT -k /var/run/postgresql -c listen_addresses=''" -w start >/dev/null
  [ "$APP_DB" = postgres ] || createdb -h /var/run/postgresql -p "$DB_PORT" -U postgres "$APP_DB"
  pg_ctl -D "$PGDATA" -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -p "$DB_PORT" -k /var/run/postgresql -c listen_addresses=127.0.0.1
`;

export const dockerfile = `FROM local/postgres:15
COPY app /app
RUN chmod 755 /app/bin/*
CMD ["/bin/sh", "/app/bin/serve"]
`;

export const brokenDockerfile = `FROM local/postgres:15
COPY app /app
RUN echo "compiling assets..." && echo "error: asset pipeline failed: app.css not found" && exit 3
CMD ["/bin/sh", "/app/bin/serve"]
`;

const psqlEnv = 'export PGHOST=127.0.0.1 PGPORT="$DB_PORT" PGUSER=postgres PGDATABASE="$APP_DB"';

export const serve = `#!/bin/sh
. /app/FLAGS
if [ -n "$EXIT_AT_START" ]; then echo "fatal: configuration error, exiting"; exit 1; fi
date +%s > /tmp/started
printf 'DB_PORT=%s\\nAPP_DB=%s\\nSTRICT_MIGRATIONS=%s\\n' "$DB_PORT" "$APP_DB" "$STRICT_MIGRATIONS" > /tmp/env
mkdir -p /www/cgi-bin
cp /app/bin/health.cgi /www/cgi-bin/index.cgi && chmod 755 /www/cgi-bin/index.cgi
cp /app/bin/order.cgi /www/cgi-bin/order.cgi && chmod 755 /www/cgi-bin/order.cgi
cp /app/VERSION /www/version
echo "web $(cat /app/VERSION) listening on 127.0.0.1:$WEB_PORT"
if [ -n "$CRITICAL_LOG" ]; then (sleep 1; echo "CRITICAL: payment provider rejected the API key") & fi
exec httpd -f -p "127.0.0.1:$WEB_PORT" -h /www
`;

export const healthCgi = `#!/bin/sh
. /app/FLAGS
. /tmp/env
reply() { printf 'Status: %s\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s\\n' "$1" "$2"; exit 0; }
case "$REQUEST_URI" in /health/*|/health) ;; *) reply "404 Not Found" "not found" ;; esac
age=$(( $(date +%s) - $(cat /tmp/started) ))
[ -n "$HEALTH_503" ] && reply "503 Service Unavailable" "unhealthy: dependency check failed"
[ -n "$SLOW_SECONDS" ] && [ "$age" -lt "$SLOW_SECONDS" ] && reply "503 Service Unavailable" "warming up"
# STRICT_MIGRATIONS: like an app that refuses a database migrated past what its code knows.
if [ -n "$STRICT_MIGRATIONS" ]; then
  known=$(ls /app/migrations | sed "s/.*/'&'/" | tr '\\n' ',' | sed 's/,$//')
  unknown=$(psql -h 127.0.0.1 -p "$DB_PORT" -U postgres -d "$APP_DB" -Atc "select string_agg(name, ' ') from schema_migrations where name not in ($known)" 2>/dev/null)
  [ -n "$unknown" ] && reply "503 Service Unavailable" "the database has migrations this release does not know: $unknown"
fi
if psql -h 127.0.0.1 -p "$DB_PORT" -U postgres -d "$APP_DB" -Atc 'select 1' >/dev/null 2>&1; then
  reply "200 OK" "ok $(cat /app/VERSION)"
fi
reply "503 Service Unavailable" "database unreachable"
`;

export const migrate = `#!/bin/sh
# Applies app/migrations/*.sql in order, once each. A file marked ripcord:no-transaction runs
# statement by statement, like a real migration that cannot run in a transaction.
set -e
${psqlEnv}
psql -v ON_ERROR_STOP=1 -qc "create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())"
for f in /app/migrations/*.sql; do
  n=$(basename "$f")
  [ "$(psql -Atc "select 1 from schema_migrations where name = '$n'")" = 1 ] && continue
  echo "applying $n"
  if grep -q 'ripcord:no-transaction' "$f"; then
    psql -v ON_ERROR_STOP=1 -q -f "$f"
    psql -v ON_ERROR_STOP=1 -qc "insert into schema_migrations (name) values ('$n')"
  else
    { echo 'BEGIN;'; cat "$f"; echo "INSERT INTO schema_migrations (name) VALUES ('$n');"; echo 'COMMIT;'; } | psql -v ON_ERROR_STOP=1 -q
  fi
done
echo "migrations up to date"
`;

export const collectstatic = `#!/bin/sh
. /app/FLAGS
if [ -n "$STATIC_FAILS" ]; then echo "collectstatic: static-src/app.css: no such file" >&2; exit 1; fi
mkdir -p /app/static && cp -r /app/static-src/. /app/static/
echo "$(ls /app/static | wc -l) static files collected"
`;

export const check = `#!/bin/sh
. /app/FLAGS
${psqlEnv}
# Says what is wrong in its own words, on stdout, the way many checks do: no "error" to search for.
if [ -n "$CHECK_FAILS" ]; then echo "checking settings"; echo "SECRET_KEY missing"; exit 1; fi
psql -v ON_ERROR_STOP=1 -Atc "select count(*) from schema_migrations" >/dev/null
echo "System check identified no issues (0 silenced)."
`;

export const migrations: Record<string, string> = {
  '001_items.sql': 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);\n',
  '002_seed.sql': "INSERT INTO items (name) VALUES ('anchor'), ('buoy'), ('compass');\n",
};

export const migrationV110: Record<string, string> = {
  '003_price.sql': 'ALTER TABLE items ADD COLUMN price_cents integer NOT NULL DEFAULT 0;\nUPDATE items SET price_cents = 100 * id;\n',
};

/** A good release's only migration changes data, not the schema: v1.1.0 does not know it ran. */
export const dataOnlyMigration: Record<string, string> = {
  '004_reprice.sql': 'UPDATE items SET price_cents = price_cents + 5;\n',
};

/** Changes data, then fails halfway, outside a transaction: the database really changed. */
export const brokenMigration: Record<string, string> = {
  '004_backfill.sql': `-- ripcord:no-transaction
INSERT INTO items (name) VALUES ('dinghy'), ('oar');
UPDATE items SET name = upper(name);
ALTER TABLE items ADD COLUMN sku text;
SELECT pg_sleep(3);
UPDATE items SET sku = 'SKU-' || (1 / (id - id))::text;
`,
};

/**
 * GET /cgi-bin/order.cgi?NOTE: what users do during a deploy — commit one row through the app and
 * get its ID back (201), or a refusal when the row was not stored. test/support/writer.ts drives it.
 */
export const orderCgi = `#!/bin/sh
. /tmp/env
reply() { printf 'Status: %s\\r\\nContent-Type: text/plain\\r\\n\\r\\n%s\\n' "$1" "$2"; exit 0; }
note=$(echo "$QUERY_STRING" | tr -cd 'a-z0-9-')
id=$(psql -h 127.0.0.1 -p "$DB_PORT" -U postgres -d "$APP_DB" -v ON_ERROR_STOP=1 -Atqc "insert into orders (note) values ('$note') returning id" 2>/dev/null) && [ -n "$id" ] && reply "201 Created" "$id"
reply "503 Service Unavailable" "not stored"
`;
