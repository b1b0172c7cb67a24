/**
 * `ripcord init` on the three layouts Ripcord replaces: a Django app, a Next.js/Prisma app, and a
 * host the old update.sh / rollback.sh scripts ran on (.env.production, backups/backup_*.sql.gz).
 * Every written file must pass `ripcord config check`; nothing is ever overwritten.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer } from 'node:http';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { ripcord, ripcordArgv } from '../support/cli.js';
import { KEY, startPty } from '../support/pty.js';
import { freePort } from '../support/stack/stack-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'ripcord-init-test-'));
after(() => rmSync(root, { recursive: true, force: true }));

function appDir(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function initAndCheck(dir: string, extra: string[] = [], checkEnv: string[] = []) {
  const output = join(dir, '..', `${dir.split('/').pop()}.ripcord.yml`);
  const r = await ripcord(['init', dir, '--yes', '--output', output, '--state-dir', join(root, 'state'), ...extra]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const check = await ripcord(['--config', output, ...checkEnv, 'config', 'check']);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  const text = readFileSync(output, 'utf8');
  const env = (parse(text) as { environments: { production: Record<string, unknown> } }).environments.production;
  return { r, output, text, env };
}

const djangoCompose = `services:
  db:
    image: postgres:15
    environment:
      POSTGRES_DB: \${DB_NAME:-shop}
      POSTGRES_USER: shop
  redis: { image: "redis:7" }
  web:
    build: .
    command: gunicorn shop.wsgi -b 0.0.0.0:8000
    ports: ["127.0.0.1:8000:8000"]
    depends_on: [db, redis]
`;

test('a Django app: its production compose file, the db service and database, the django preset', async () => {
  const dir = appDir('django', { 'manage.py': '#!/usr/bin/env python\n', 'docker-compose.prod.yml': djangoCompose, 'docker-compose.yml': 'services: {}\n' });
  const { env, text, r } = await initAndCheck(dir);
  assert.equal(env.preset, 'django');
  assert.equal(env.composeFile, 'docker-compose.prod.yml');
  assert.deepEqual(env.database, { service: 'db', name: 'shop', user: 'shop' });
  assert.deepEqual(env.health, { url: 'http://127.0.0.1:8000/health/' });
  assert.match(text, /# manage\.py found/);
  assert.match(r.stdout, /ripcord doctor --cli-only/, 'it finishes with doctor');
  assert.match(r.stdout, /✔ docker engine/);
});

test('a Next.js/Prisma app: compose.yaml, a postgres service with another name, the health check from its healthcheck', async () => {
  const dir = appDir('nextjs', {
    'package.json': JSON.stringify({ dependencies: { next: '15.0.0', '@prisma/client': '6.0.0' }, devDependencies: { prisma: '6.0.0' } }),
    'prisma/schema.prisma': 'datasource db { provider = "postgresql" url = env("DATABASE_URL") }\n',
    'compose.yaml': `services:
  postgres:
    image: postgres:16-alpine
    environment: ["POSTGRES_DB=storefront", "POSTGRES_PASSWORD=\${PGPASS}"]
  app:
    build: .
    ports: ["3000:3000"]
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:3000/api/health"]
`,
  });
  const { env } = await initAndCheck(dir);
  assert.equal(env.preset, 'nextjs-prisma');
  assert.equal(env.composeFile, 'compose.yaml');
  assert.deepEqual(env.database, { service: 'postgres', name: 'storefront', user: 'postgres' });
  assert.deepEqual(env.health, { url: 'http://127.0.0.1:3000/api/health' });
  // The preset runs its commands in `web`; this app's service is `app`.
  assert.deepEqual(env.stages, {
    migrate: { service: 'app', command: 'npx prisma migrate deploy' },
    integrity: { service: 'app', command: 'npx prisma migrate status' },
  });
});

test('an old-scripts host: .env.production settings kept, secrets referenced not copied, old backups listed', async () => {
  const dump = gzipSync('-- PostgreSQL database dump\nCREATE TABLE t (id int);\n');
  const dir = appDir('oldscripts', {
    'manage.py': '',
    'docker-compose.yml': djangoCompose,
    '.env.production': 'HEALTH_CHECK_RETRIES=7\nHEALTH_CHECK_DELAY=3\nMAX_BACKUPS=14\nAUTO_ROLLBACK=yes\nSLACK_WEBHOOK_URL=https://hooks.slack.com/services/T0/B0/s3cr3tvalue\nNOTIFICATION_EMAIL=ops@example.com,lead@example.com\nDB_NAME=legacy\n',
    'backups/backup_20261101_020000.sql.gz': dump,
    'backups/backup_20261102_020000.sql.gz': dump,
  });
  const { env, text, output } = await initAndCheck(dir);
  assert.deepEqual(env.database, { service: 'db', name: 'legacy', user: 'shop' }, 'POSTGRES_DB resolved from .env.production');
  assert.deepEqual(env.health, { url: 'http://127.0.0.1:8000/health/', retries: 7, delaySeconds: 3 });
  assert.deepEqual(env.backups, { dir: join(dir, 'backups'), predeployRetentionDays: 14 });
  assert.deepEqual(env.rollback, { auto: true });
  assert.deepEqual(env.notifications, { slackWebhookUrl: '${SLACK_WEBHOOK_URL:-}', email: { to: ['ops@example.com', 'lead@example.com'] } });
  assert.doesNotMatch(text, /s3cr3tvalue/, 'the webhook secret is not copied');
  assert.match(text, /2 old backup_\*\.sql\.gz dumps/);
  const check = await ripcord(['--config', output, '--env-file', join(dir, '.env.production'), 'config', 'check']);
  assert.equal(check.code, 0, check.stderr);
  const list = await ripcord(['--config', output, 'backups', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /backup_20261101_020000\.sql\.gz/);
  assert.match(list.stdout, /backup_20261102_020000\.sql\.gz/);
});

test('an update-production.sh host: the db service takes POSTGRES_DB / POSTGRES_USER from env_file: .env.production', async () => {
  const dir = appDir('envfile', {
    'manage.py': '',
    'docker-compose.prod.yml': `services:
  db:
    image: postgres:15
    env_file: .env.production
  web:
    build: .
    env_file: [.env.production]
    ports: ["127.0.0.1:8000:8000"]
`,
    '.env.production': 'POSTGRES_DB=shop\nPOSTGRES_USER=shop\nPOSTGRES_PASSWORD=pg-s3cret-pw\nHEALTH_CHECK_RETRIES=3\n',
  });
  const { env, text, r } = await initAndCheck(dir, ['--no-doctor']);
  assert.deepEqual(env.database, { service: 'db', name: 'shop', user: 'shop' });
  assert.match(r.stdout, /database shop \(POSTGRES_DB of service db\), user shop/);
  assert.doesNotMatch(text, /pg-s3cret-pw/, 'the password is not copied');
});

test('a Next.js app in nextjs_space/: preset, DATABASE_URL\'s database and user, and CRON_SECRET as the health token when the app does not run', async () => {
  const port = await freePort();
  const dir = appDir('inmova', {
    'nextjs_space/package.json': JSON.stringify({ dependencies: { next: '15.0.0', '@prisma/client': '6.0.0' } }),
    'nextjs_space/.env.production': 'DATABASE_URL=postgresql://inmova:db-s3cret@db:5432/inmova_prod?schema=public\nCRON_SECRET=cron-s3cret\n',
    'docker-compose.yml': `services:
  db:
    image: postgres:16
    environment: { POSTGRES_PASSWORD: x }
  web:
    build: ./nextjs_space
    env_file: nextjs_space/.env.production
    ports: ["127.0.0.1:${port}:3000"]
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:${port}/api/health"]
`,
  });
  const { env, text, r } = await initAndCheck(dir, ['--no-doctor'], ['--env-file', join(dir, 'nextjs_space/.env.production')]);
  assert.equal(env.preset, 'nextjs-prisma');
  assert.deepEqual(env.database, { service: 'db', name: 'inmova_prod', user: 'inmova' });
  assert.deepEqual(env.health, { url: `http://127.0.0.1:${port}/api/health`, headers: { Authorization: 'Bearer ${CRON_SECRET}' } });
  assert.match(r.stdout, /preset: nextjs-prisma \(nextjs_space\/package\.json depends on next and prisma\)/);
  assert.match(r.stdout, /does not answer http:\/\/127\.0\.0\.1:\d+\/api\/health now; CRON_SECRET \(in nextjs_space\/\.env\.production\) is sent as its Bearer token/);
  assert.match(text, /--env-file .*nextjs_space\/\.env\.production/);
  for (const secret of ['db-s3cret', 'cron-s3cret']) assert.doesNotMatch(text, new RegExp(secret), 'no secret is copied');
});

test('a running app whose health route wants a token: the probe says so, and a route that does not want one gets no header', async () => {
  const token = 'probe-t0ken';
  const server = createServer((req, res) => { res.statusCode = req.headers.authorization === `Bearer ${token}` ? 200 : 401; res.end(); });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  try {
    const compose = 'services:\n  db: { image: "postgres:15", environment: { POSTGRES_DB: app } }\n  web: { build: . }\n';
    const wants = appDir('probed', { 'docker-compose.yml': compose, '.env.production': `HEALTH_TOKEN=${token}\n` });
    const { env, r } = await initAndCheck(wants, ['--no-doctor', '--health-url', `http://127.0.0.1:${port}/up`], ['--env-file', join(wants, '.env.production')]);
    assert.deepEqual(env.health, { url: `http://127.0.0.1:${port}/up`, headers: { Authorization: 'Bearer ${HEALTH_TOKEN}' } });
    assert.match(r.stdout, /answered 401 without a token and 200 with HEALTH_TOKEN \(in \.env\.production\) as its Bearer token/);
    const open = appDir('open', { 'docker-compose.yml': compose, '.env.production': `CRON_SECRET=${token}\n` });
    server.removeAllListeners('request').on('request', (_req, res) => { res.statusCode = 200; res.end(); });
    const plain = await initAndCheck(open, ['--no-doctor', '--health-url', `http://127.0.0.1:${port}/up`]);
    assert.deepEqual(plain.env.health, { url: `http://127.0.0.1:${port}/up` }, 'a route that answers 200 without a token gets no header');
    assert.match(plain.r.stdout, /answered 200 without a token: no header/);
  } finally {
    server.close();
  }
});

test('never overwrites, and without a terminal says which flags supply what it cannot find', async () => {
  const dir = appDir('bare', { 'README.md': 'no compose file here\n' });
  const output = join(root, 'bare.yml');
  const missing = await ripcord(['init', dir, '--output', output, '--no-doctor']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--compose-file FILE/);
  assert.match(missing.stderr, /--db-service NAME/);
  assert.match(missing.stderr, /--health-url URL/);
  const flags = ['--compose-file', 'docker-compose.yml', '--db-service', 'db', '--db-name', 'app', '--health-url', 'http://127.0.0.1:9000/up', '--no-doctor'];
  const made = await ripcord(['init', dir, '--output', output, '--state-dir', join(root, 'state'), ...flags]);
  assert.equal(made.code, 0, made.stderr);
  const before = readFileSync(output, 'utf8');
  const again = await ripcord(['init', dir, '--output', output, ...flags]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /never overwrites/);
  assert.equal(readFileSync(output, 'utf8'), before);
});

test('on a terminal it asks only what it cannot find, and writes what was answered', async () => {
  const dir = appDir('asks', {
    'compose.yml': 'services:\n  pg:\n    image: postgres:15\n    environment: { POSTGRES_DB: "${DB_FROM_VAULT}" }\n  worker: { image: "busybox" }\n',
  });
  const output = join(root, 'asks.yml');
  const pty = startPty(ripcordArgv(['init', dir, '--output', output, '--state-dir', join(root, 'state'), '--no-doctor']));
  await pty.waitFor(/application database name/);
  assert.doesNotMatch(pty.screen(), /compose file \(relative|service running PostgreSQL/, 'what was found is not asked');
  pty.send(`inventory${KEY.enter}`);
  await pty.waitFor(/health check URL/);
  pty.send(`\x15http://127.0.0.1:8080/ping${KEY.enter}`); // Ctrl+U clears the suggestion first
  assert.equal(await pty.done, 0, pty.screen());
  const env = (parse(readFileSync(output, 'utf8')) as { environments: { production: Record<string, unknown> } }).environments.production;
  assert.deepEqual(env.database, { service: 'pg', name: 'inventory', user: 'postgres' });
  assert.deepEqual(env.health, { url: 'http://127.0.0.1:8080/ping' });
  assert.equal(env.composeFile, 'compose.yml');
});
