/**
 * The demo's production app, "shop": a compose project with PostgreSQL (`db`, data in a volume)
 * and a tiny web service (busybox httpd + a CGI health check that queries the database), both
 * from the locally built base images. One shell script, `shop.sh`, is the app: it serves, answers
 * /health/, applies numbered SQL migrations (each file on its own, not in one transaction, as
 * many real migration tools do) and checks itself. Releases differ only in these files.
 */

export type ShopRelease = 'v1.0.0' | 'v1.1.0' | 'v1.2.0';
export const SHOP_RELEASES: readonly ShopRelease[] = ['v1.0.0', 'v1.1.0', 'v1.2.0'];

/** What each release is, in the words the story prints. */
export const RELEASE_NOTES: Readonly<Record<ShopRelease, string>> = {
  'v1.0.0': 'customers and orders (what production runs before Ripcord)',
  'v1.1.0': 'adds an order status (a good release)',
  'v1.2.0': 'lowercases emails, deletes cancelled orders, then fails adding a unique index',
};

const compose = `# The demo shop. Host networking only (this machine has no bridge network); ports come from .env.
services:
  db:
    image: local/postgres:15
    network_mode: host
    user: "999"
    # PGPORT is also what pg_dump, psql and postgres itself use inside the container.
    environment: { PGPORT: "\${DB_PORT}", PGDATA: /var/lib/postgresql/data }
    volumes: ["shopdata:/var/lib/postgresql", "./db:/db:ro"]
    command: ["/bin/sh", "/db/run.sh"]
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "\${DB_PORT}", "-d", "shop"]
      interval: 1s
      retries: 60
  web:
    build: { context: ./app, args: { SANDBOX: "\${COMPOSE_PROJECT_NAME}" } }
    image: "\${COMPOSE_PROJECT_NAME}_web"
    network_mode: host
    init: true
    environment: { WEB_PORT: "\${WEB_PORT}", DB_PORT: "\${DB_PORT}" }
    depends_on: { db: { condition: service_healthy } }
  # Migrations and checks run as one-offs of the web image. compose v1 links a one-off to running
  # containers of its own service, which host networking refuses: hence a service kept at scale 0.
  jobs:
    image: "\${COMPOSE_PROJECT_NAME}_web"
    network_mode: host
    scale: 0
    environment: { DB_PORT: "\${DB_PORT}" }
volumes:
  shopdata: {}
`;

const dbRun = `#!/bin/sh
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U postgres --auth=trust >/dev/null
  echo "listen_addresses = '127.0.0.1'" >> "$PGDATA/postgresql.conf"
  # Socket only while the database is created: nothing may connect over TCP before the real start.
  postgres -c listen_addresses='' & pid=$!
  until pg_isready -q; do sleep 0.2; done
  createdb -U postgres shop
  kill "$pid"; wait "$pid" || true
fi
exec postgres
`;

// The label lets \`ripcord demo --clean\` find every image of this sandbox, also the untagged ones
// of releases built and rolled back.
const dockerfile = `FROM local/postgres:15
ARG SANDBOX
LABEL org.ripcord.demo.sandbox=$SANDBOX
COPY . /srv
CMD ["/bin/sh", "/srv/shop.sh", "serve"]
`;

const shopScript = `#!/bin/sh
# The shop: serve | health | migrate | check
sql() { psql -h 127.0.0.1 -p "$DB_PORT" -U postgres -d shop -v ON_ERROR_STOP=1 -qAt "$@"; }
case "$1" in
serve)
  mkdir -p /www/cgi-bin /www/health
  printf '#!/bin/sh\\nDB_PORT=%s exec /bin/sh /srv/shop.sh health\\n' "$DB_PORT" > /www/cgi-bin/index.cgi
  chmod 755 /www/cgi-bin/index.cgi
  cp /srv/VERSION /www/version
  echo "shop $(cat /srv/VERSION) on 127.0.0.1:$WEB_PORT"
  exec httpd -f -p "127.0.0.1:$WEB_PORT" -h /www ;;
health)
  if n=$(sql -c 'select count(*) from orders' 2>/dev/null); then
    printf 'Status: 200 OK\\r\\n\\r\\nok %s, %s orders\\n' "$(cat /srv/VERSION)" "$n"
  else
    printf 'Status: 503 Service Unavailable\\r\\n\\r\\ndatabase unreachable\\n'
  fi ;;
migrate)
  sql -c 'create table if not exists schema_migrations (name text primary key)'
  for f in /srv/migrations/*.sql; do
    name=$(basename "$f")
    [ -n "$(sql -c "select 1 from schema_migrations where name = '$name'")" ] && continue
    echo "applying $name"
    sql -f "$f" || { echo "error: migration $name failed" >&2; exit 1; }
    sql -c "insert into schema_migrations values ('$name')" || exit 1
  done ;;
check)
  sql -c 'select count(*) from customers' >/dev/null && echo "shop $(cat /srv/VERSION): checks passed" ;;
esac
`;

const firstMigration = `CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers,
                     amount_cents integer NOT NULL, placed_at timestamptz NOT NULL);
INSERT INTO customers (name, email) VALUES
  ('Ada', 'ada@example.com'), ('Grace', 'grace@example.com'), ('Linus', 'linus@example.com'),
  ('Margaret', 'margaret@example.com'), ('Ada L.', 'Ada@Example.com');
INSERT INTO orders (customer_id, amount_cents, placed_at)
  SELECT 1 + i % 5, 100 + (i * 37) % 9000, timestamptz '2026-01-01' + i * interval '1 hour'
  FROM generate_series(1, 1200) AS i;
`;

const statusMigration = `ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'paid';
UPDATE orders SET status = 'cancelled' WHERE id % 10 = 0;
`;

/** Changes data, then fails: two customers differ only in the case of their email. */
const failingMigration = `UPDATE customers SET email = lower(email);
DELETE FROM orders WHERE status = 'cancelled';
ALTER TABLE customers ADD CONSTRAINT customers_email_unique UNIQUE (email);
`;

/** path (relative to the repository root) → content. */
export function shopTree(release: ShopRelease): Record<string, string> {
  const tree: Record<string, string> = {
    'compose.yaml': compose,
    '.gitignore': '.env\nlogs/\n',
    'db/run.sh': dbRun,
    'app/Dockerfile': dockerfile,
    'app/shop.sh': shopScript,
    'app/VERSION': `${release.slice(1)}\n`,
    'app/migrations/001_customers_orders.sql': firstMigration,
  };
  if (release !== 'v1.0.0') tree['app/migrations/002_order_status.sql'] = statusMigration;
  if (release === 'v1.2.0') tree['app/migrations/003_unique_emails.sql'] = failingMigration;
  return tree;
}
