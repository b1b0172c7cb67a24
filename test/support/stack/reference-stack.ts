/**
 * A reference production host, built on demand for one test: a bare origin with release tags, an
 * app checkout at v1.0.0 with a compose project (PostgreSQL `db` + busybox `web`), a ripcord.yml
 * for it, unique ports and names. `cleanup()` removes every container, image, volume, network and
 * file it made. Needs Docker and the local base images (scripts/provision.sh).
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { RELEASES, releaseTree, type ReleaseTag, type Tree } from './releases.js';
import { freePort, git, leftovers, run, waitFor } from './stack-helpers.js';

export interface ReferenceStack {
  id: string;
  root: string;
  originDir: string;
  appDir: string;
  composeFile: string;
  webPort: number;
  dbPort: number;
  /** The app database: `app`, `postgres` in the variant that has no POSTGRES_DB, or a variant's own. */
  databaseName: string;
  /** The service migrate, static and integrity run in. */
  stageService: 'tasks' | 'web';
  databaseUrl: string;
  healthUrl: string;
  stateDir: string;
  backupDir: string;
  configPath: string;
  /** `docker-compose -p ID -f FILE …` argv prefix. */
  compose: (args: string[]) => string[];
  up(): Promise<void>;
  writeConfig(overrides?: Record<string, unknown>): string;
  cleanup(): Promise<void>;
}

const AUTHOR = ['-c', 'user.name=Ripcord Tests', '-c', 'user.email=tests@ripcord.invalid'];

async function buildOrigin(root: string, layout: (tag: ReleaseTag, tree: Tree) => Tree): Promise<string> {
  const work = join(root, 'work');
  const originDir = join(root, 'origin.git');
  await git(root, ['init', '-q', '-b', 'main', work]);
  let base: string | null = null;
  for (const tag of RELEASES) {
    // Failing releases and v1.1.0 branch off the previous good release, like hotfix tags do.
    const parent = tag === 'v1.0.0' ? null : tag === 'v1.1.0' ? 'v1.0.0' : 'v1.1.0';
    if (parent && parent !== base) await git(work, ['checkout', '-q', '--detach', parent]);
    // Each release is a full tree: whatever the previous one had and this one lacks is deleted.
    for (const name of readdirSync(work).filter((n) => n !== '.git')) rmSync(join(work, name), { recursive: true, force: true });
    for (const [path, text] of Object.entries(layout(tag, releaseTree(tag)))) {
      if (text === null) continue;
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    await git(work, ['add', '-A']);
    await git(work, [...AUTHOR, 'commit', '-q', '-m', `release ${tag}`]);
    await git(work, [...AUTHOR, 'tag', '-a', tag, '-m', tag]);
    base = tag;
  }
  await git(root, ['clone', '-q', '--bare', work, originDir]);
  return originDir;
}

/**
 * The layouts a host may have. The default runs one-off commands in `tasks`, a service with no
 * running container, on a database named `app`. `stageService: 'web'` runs them in the running
 * `web` service (host networking, compose v1: what `compose run` refuses), and `database:
 * 'postgres'` uses the database the official image gives when POSTGRES_DB is not set.
 */
export interface StackOptions {
  database?: string;
  stageService?: 'tasks' | 'web';
  /** Another app layout (a variant's files, e.g. app-database-variant.ts): every release's tree goes through it. */
  layout?: (tag: ReleaseTag, tree: Tree) => Tree;
  /** Where the app's health check answers, and the headers it needs there. */
  healthPath?: string;
  healthHeaders?: Record<string, string>;
}

export async function createReferenceStack(options: StackOptions = {}): Promise<ReferenceStack> {
  const databaseName = options.database ?? 'app';
  const stageService = options.stageService ?? 'tasks';
  const id = `rs${randomBytes(4).toString('hex')}`;
  const root = mkdtempSync(join(tmpdir(), `ripcord-${id}-`));
  const originDir = await buildOrigin(root, options.layout ?? ((_tag, tree) => tree));
  const appDir = join(root, 'app');
  await git(root, ['clone', '-q', originDir, appDir]);
  await git(appDir, ['checkout', '-q', '--detach', 'v1.0.0']);
  const [webPort, dbPort] = [await freePort(), await freePort()];
  writeFileSync(join(appDir, '.env'), `COMPOSE_PROJECT_NAME=${id}\nWEB_PORT=${webPort}\nDB_PORT=${dbPort}\nAPP_DB=${databaseName}\n`);
  const stateDir = join(root, 'state');
  const backupDir = join(root, 'backups');
  mkdirSync(stateDir, { mode: 0o700 });
  mkdirSync(backupDir, { mode: 0o700 });
  chmodSync(backupDir, 0o700);
  const composeFile = join(appDir, 'docker-compose.yml');
  const compose = (args: string[]) => ['docker-compose', '-p', id, '-f', composeFile, ...args];
  const stack: ReferenceStack = {
    id, root, originDir, appDir, composeFile, webPort, dbPort, stateDir, backupDir, databaseName, stageService,
    databaseUrl: `postgres://postgres@127.0.0.1:${dbPort}/${databaseName}`,
    healthUrl: `http://127.0.0.1:${webPort}${options.healthPath ?? '/health/'}`,
    configPath: join(root, 'ripcord.yml'),
    compose,
    async up() {
      await run(compose(['build', '-q']), appDir, 300_000);
      await run(compose(['up', '-d', 'db']), appDir, 120_000);
      await waitFor(() => run(['pg_isready', '-h', '127.0.0.1', '-p', String(dbPort), '-d', databaseName], '/', 10_000).then(() => true, () => false), 60_000, 'the db service to accept connections');
      await run(compose(['run', '--rm', '--no-deps', '-T', 'tasks', 'sh', '-c', '/app/bin/migrate']), appDir, 120_000);
      await run(compose(['up', '-d']), appDir, 120_000);
      const headers = options.healthHeaders ?? {};
      await waitFor(async () => (await fetch(stack.healthUrl, { headers }).then((r) => r.status).catch(() => 0)) === 200, 60_000, `web ${stack.healthUrl} to answer 200`);
    },
    writeConfig(overrides = {}) {
      writeFileSync(stack.configPath, stringify(configFor(stack, overrides)));
      return stack.configPath;
    },
    async cleanup() {
      await run(compose(['down', '-v', '--rmi', 'local', '--remove-orphans', '-t', '1']), appDir, 120_000).catch(() => undefined);
      await removeLeftovers(id);
      rmSync(root, { recursive: true, force: true });
    },
  };
  stack.writeConfig();
  return stack;
}

/** ripcord.yml for the stack: service-mode database, the app's own commands, fast health checks. */
export function configFor(stack: Pick<ReferenceStack, 'id' | 'appDir' | 'stateDir' | 'backupDir' | 'healthUrl' | 'databaseName' | 'stageService'>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const service = stack.stageService;
  const env = {
    appDir: stack.appDir,
    composeFile: 'docker-compose.yml',
    composeProject: stack.id,
    composeCommand: 'docker-compose',
    database: { service: 'db', name: stack.databaseName, user: 'postgres' },
    backups: { dir: stack.backupDir },
    stages: {
      migrate: { service, command: '/app/bin/migrate', timeoutSeconds: 120 },
      static: { service, command: '/app/bin/collectstatic', timeoutSeconds: 60 },
      integrity: { service, command: '/app/bin/check', timeoutSeconds: 60 },
    },
    health: { url: stack.healthUrl, retries: 6, delaySeconds: 1, timeoutSeconds: 3 },
    logs: { criticalPatterns: ['CRITICAL'] },
    ...overrides,
  };
  return { stateDir: stack.stateDir, environments: { production: env } };
}

/** Anything `down` missed (images re-tagged by a rollback, one-off containers). */
async function removeLeftovers(id: string): Promise<void> {
  const left = await leftovers(id);
  for (const c of left.containers) await run(['docker', 'rm', '-f', c], '/', 60_000).catch(() => undefined);
  for (const i of left.images) await run(['docker', 'rmi', '-f', i], '/', 60_000).catch(() => undefined);
  for (const v of left.volumes) await run(['docker', 'volume', 'rm', '-f', v], '/', 60_000).catch(() => undefined);
  for (const n of left.networks) await run(['docker', 'network', 'rm', n], '/', 60_000).catch(() => undefined);
}

export type { ReleaseTag };
