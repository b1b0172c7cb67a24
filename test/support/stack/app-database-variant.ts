/**
 * The layouts users found wanting (issue 19), as one reference-stack variant: the database comes
 * from `env_file: .env.production` (POSTGRES_DB=shop, POSTGRES_USER=shop, as update-production.sh
 * hosts have it), the app lives in a subfolder (`nextjs_space/`, a package.json with next and
 * prisma, as in the INMOVA runbook) and names its database in DATABASE_URL, its migrations table
 * is Prisma's, and its health route `GET /api/health/` wants `Authorization: Bearer $CRON_SECRET`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createReferenceStack, type ReferenceStack } from './reference-stack.js';
import type { Tree } from './releases.js';

/** The app's secrets, planted in .env.production: no Ripcord file or output may hold them. */
export const CRON_SECRET = 'cron-4d1f8a9b2c7e-secret';
export const DB_PASSWORD = 'pw-93b1e7c40a2f';

const composeFile = `version: "2.4"
services:
  db:
    image: local/postgres:15
    network_mode: host
    user: "999"
    env_file: .env.production
    environment:
      DB_PORT: "\${DB_PORT}"
      PGPORT: "\${DB_PORT}"
      PGHOST: /var/run/postgresql
      PGDATA: /var/lib/postgresql/data
    volumes:
      - dbdata:/var/lib/postgresql
      - ./db:/db:ro
    command: ["/bin/sh", "/db/start.sh"]
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "\${DB_PORT}"]
      interval: 1s
      timeout: 3s
      retries: 60
  web:
    build: ./nextjs_space
    network_mode: host
    init: true
    env_file: .env.production
    environment: &appenv
      WEB_PORT: "\${WEB_PORT}"
      DB_PORT: "\${DB_PORT}"
      APP_DB: "\${APP_DB:-app}"
    depends_on:
      db:
        condition: service_healthy
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null --header \\"Authorization: Bearer $$CRON_SECRET\\" http://127.0.0.1:\${WEB_PORT}/api/health/"]
      interval: 1s
      timeout: 3s
      retries: 3
  tasks:
    image: "\${COMPOSE_PROJECT_NAME}_web"
    network_mode: host
    scale: 0
    env_file: .env.production
    environment: *appenv
volumes:
  dbdata: {}
`;

/** As the official image does: POSTGRES_USER owns POSTGRES_DB (a `postgres` superuser exists too, as on most hosts). */
const dbStart = `#!/bin/sh
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U postgres --auth=trust >/dev/null
  pg_ctl -D "$PGDATA" -o "-p $DB_PORT -k /var/run/postgresql -c listen_addresses=''" -w start >/dev/null
  [ "$POSTGRES_USER" = postgres ] || createuser -h /var/run/postgresql -p "$DB_PORT" -U postgres -s "$POSTGRES_USER"
  createdb -h /var/run/postgresql -p "$DB_PORT" -U postgres -O "$POSTGRES_USER" "$POSTGRES_DB"
  pg_ctl -D "$PGDATA" -w stop >/dev/null
fi
exec postgres -D "$PGDATA" -p "$DB_PORT" -k /var/run/postgresql -c listen_addresses=127.0.0.1
`;

/** The reference release moved into nextjs_space/, with the token check and Prisma's migrations table. */
function variantTree(_tag: string, tree: Tree): Tree {
  const out: Tree = {
    'docker-compose.yml': composeFile,
    'db/start.sh': dbStart,
    '.gitignore': '.env\n.env.production\nlogs/\nbackups/\n',
    'nextjs_space/package.json': `${JSON.stringify({ name: 'inmova', dependencies: { next: '15.0.0', '@prisma/client': '6.0.0' }, devDependencies: { prisma: '6.0.0' } })}\n`,
    'nextjs_space/prisma/schema.prisma': 'datasource db { provider = "postgresql" url = env("DATABASE_URL") }\n',
  };
  for (const [path, text] of Object.entries(tree)) {
    if (!path.startsWith('web/') || text === null) continue;
    out[`nextjs_space/${path.slice('web/'.length)}`] = path.endsWith('health.cgi') ? tokenChecked(text) : path.endsWith('bin/serve') ? servesToken(text) : text.replaceAll('schema_migrations', '_prisma_migrations');
  }
  return out;
}

function tokenChecked(cgi: string): string {
  return cgi.replace('case "$REQUEST_URI" in /health/*|/health) ;;', 'case "$REQUEST_URI" in /api/health/*|/api/health) ;;')
    .replace('age=$(', '[ "$HTTP_AUTHORIZATION" = "Bearer $CRON_SECRET" ] || reply "401 Unauthorized" "unauthorized"\nage=$(');
}

function servesToken(serve: string): string {
  return serve.replace('> /tmp/env\n', '> /tmp/env\nprintf \'CRON_SECRET=%s\\n\' "$CRON_SECRET" >> /tmp/env\n');
}

/** Built and up: the app healthy (with its token), database `shop` migrated. */
export async function appDatabaseStack(): Promise<ReferenceStack> {
  const stack = await createReferenceStack({ database: 'shop', layout: variantTree, healthPath: '/api/health/', healthHeaders: { Authorization: `Bearer ${CRON_SECRET}` } });
  writeFileSync(join(stack.appDir, '.env.production'), [
    'POSTGRES_DB=shop', 'POSTGRES_USER=shop', `POSTGRES_PASSWORD=${DB_PASSWORD}`,
    `DATABASE_URL=postgresql://shop:${DB_PASSWORD}@127.0.0.1:${stack.dbPort}/shop?schema=public`,
    `CRON_SECRET=${CRON_SECRET}`, '',
  ].join('\n'), { mode: 0o600 });
  await stack.up();
  return stack;
}

/** The stack's ripcord.yml for this layout: database shop as user shop, the health check with the app's own variable. */
export function variantConfig(stack: ReferenceStack, overrides: Record<string, unknown> = {}): string {
  return stack.writeConfig({
    database: { service: 'db', name: 'shop', user: 'shop' },
    health: { url: stack.healthUrl, headers: { Authorization: 'Bearer ${CRON_SECRET}' }, retries: 6, delaySeconds: 1, timeoutSeconds: 3 },
    ...overrides,
  });
}
