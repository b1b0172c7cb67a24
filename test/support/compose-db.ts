/**
 * A compose project with only a PostgreSQL `db` service (local/postgres:15, host network, a unique
 * port), for tests of service-mode database commands. `cleanup()` removes its containers, volume
 * and files.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dbStart } from './stack/app-files.js';
import { freePort, leftovers, run, waitFor } from './stack/stack-helpers.js';

export interface ComposeDb {
  id: string;
  appDir: string;
  port: number;
  /** `docker-compose -p ID -f FILE …` */
  compose: (args: string[]) => string[];
  cleanup(): Promise<void>;
}

const composeFile = `version: "2.4"
services:
  db:
    image: local/postgres:15
    network_mode: host
    user: "999"
    environment:
      DB_PORT: "\${DB_PORT}"
      APP_DB: app
      PGPORT: "\${DB_PORT}"
      PGHOST: /var/run/postgresql
      PGDATA: /var/lib/postgresql/data
    volumes:
      - dbdata:/var/lib/postgresql
      - ./db:/db:ro
    command: ["/bin/sh", "/db/start.sh"]
volumes:
  dbdata: {}
`;

export async function startComposeDb(): Promise<ComposeDb> {
  const id = `rcbk${randomBytes(4).toString('hex')}`;
  const appDir = mkdtempSync(join(tmpdir(), `ripcord-${id}-`));
  const port = await freePort();
  mkdirSync(join(appDir, 'db'));
  writeFileSync(join(appDir, 'db', 'start.sh'), dbStart, { mode: 0o755 });
  writeFileSync(join(appDir, 'docker-compose.yml'), composeFile);
  writeFileSync(join(appDir, '.env'), `COMPOSE_PROJECT_NAME=${id}\nDB_PORT=${port}\n`);
  const compose = (args: string[]) => ['docker-compose', '-p', id, '-f', join(appDir, 'docker-compose.yml'), ...args];
  const db: ComposeDb = {
    id, appDir, port, compose,
    async cleanup() {
      await run(compose(['down', '-v', '-t', '1']), appDir, 120_000).catch(() => undefined);
      const left = await leftovers(id);
      for (const c of left.containers) await run(['docker', 'rm', '-f', c], '/', 60_000).catch(() => undefined);
      for (const v of left.volumes) await run(['docker', 'volume', 'rm', '-f', v], '/', 60_000).catch(() => undefined);
      rmSync(appDir, { recursive: true, force: true });
    },
  };
  try {
    await run(compose(['up', '-d', 'db']), appDir, 120_000);
    await waitFor(() => run(['pg_isready', '-h', '127.0.0.1', '-p', String(port), '-d', 'app'], '/', 10_000).then(() => true, () => false), 60_000, 'the db service');
  } catch (error) {
    await db.cleanup();
    throw error;
  }
  return db;
}
