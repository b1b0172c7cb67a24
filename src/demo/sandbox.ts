/**
 * The demo's production host, in a directory of its own: a bare origin with release tags, the
 * shop checked out at v1.0.0 and running under compose (PostgreSQL with real rows, web, health),
 * and a ripcord.yml for it. `sandbox.json` records what was made, so `ripcord demo --clean` can
 * remove exactly that, even after an interrupted demo.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { composeArgv, resolveComposeProgram, type ComposeTarget } from '../adapters/compose-cli.js';
import { ExitCode, RipcordError } from '../domain/errors.js';
import { freePort, httpText, must, provisionCommand, waitUntil } from './host-tools.js';
import { sandboxConfigText } from './sandbox-config.js';
import { SHOP_RELEASES, shopTree } from './shop-app.js';

export interface SandboxRecord {
  /** Compose project name; every container, volume and image of the sandbox carries it. */
  project: string;
  webPort: number;
  dbPort: number;
  createdAt: string;
}

export interface Sandbox extends SandboxRecord {
  dir: string;
  appDir: string;
  configPath: string;
  compose: ComposeTarget;
  webUrl: string;
}

const RECORD = 'sandbox.json';
const AUTHOR = ['-c', 'user.name=Shop Developers', '-c', 'user.email=dev@shop.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false'];

/** $RIPCORD_DEMO_DIR, else ~/.local/share/ripcord/demo. */
export function defaultSandboxDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.RIPCORD_DEMO_DIR || join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'ripcord', 'demo');
}

export function sandboxExists(dir: string): boolean {
  return existsSync(join(dir, RECORD));
}

export async function openSandbox(dir: string): Promise<Sandbox> {
  const record = JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as SandboxRecord;
  const program = await resolveComposeProgram('auto');
  if (!program) throw new RipcordError('unavailable', 'no compose command found', `run \`${provisionCommand()}\` (installs docker-compose)`, ExitCode.refused);
  const appDir = join(dir, 'app');
  return {
    ...record, dir, appDir, configPath: join(dir, 'ripcord.yml'),
    compose: { program, appDir, composeFile: 'compose.yaml', project: record.project },
    webUrl: `http://127.0.0.1:${record.webPort}`,
  };
}

/** Builds the sandbox and starts the shop at v1.0.0; `say` narrates each step. */
export async function createSandbox(dir: string, say: (line: string) => void): Promise<Sandbox> {
  if (sandboxExists(dir)) {
    throw new RipcordError('precondition_failed', `a demo sandbox already exists in ${dir}`,
      'run `ripcord demo --clean` to remove it (or pass --dir for another one)', ExitCode.refused);
  }
  await requireBaseImages();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const record: SandboxRecord = { project: `ripcorddemo${randomBytes(3).toString('hex')}`, webPort: await freePort(), dbPort: await freePort(), createdAt: new Date().toISOString() };
  writeFileSync(join(dir, RECORD), `${JSON.stringify(record, null, 2)}\n`);
  await buildOrigin(dir);
  say(`origin with release tags ${SHOP_RELEASES.join(', ')}: ${join(dir, 'origin.git')}`);
  await must(['git', 'clone', '-q', join(dir, 'origin.git'), 'app'], dir);
  const sandbox = await openSandbox(dir);
  await must(['git', '-c', 'advice.detachedHead=false', 'checkout', '-q', 'v1.0.0'], sandbox.appDir);
  writeFileSync(join(sandbox.appDir, '.env'), `COMPOSE_PROJECT_NAME=${record.project}\nWEB_PORT=${record.webPort}\nDB_PORT=${record.dbPort}\n`);
  for (const sub of ['state', 'backups']) mkdirSync(join(dir, sub), { mode: 0o700 });
  writeFileSync(sandbox.configPath, sandboxConfigText(sandbox), { mode: 0o600 });
  await startShop(sandbox);
  say(`shop v1.0.0 running (compose project ${record.project}): ${sandbox.webUrl}/health/ → ${await httpText(`${sandbox.webUrl}/health/`)}`);
  say(`ripcord.yml: ${sandbox.configPath}`);
  return sandbox;
}

async function requireBaseImages(): Promise<void> {
  for (const image of ['local/postgres:15']) {
    const r = await must(['docker', 'image', 'ls', '-q', image], '/').catch(() => '');
    if (!r.trim()) {
      throw new RipcordError('unavailable', `the Docker engine or the base image ${image} is missing`,
        `run \`${provisionCommand()}\` (starts Docker, builds the local base images), then \`ripcord demo\``, ExitCode.refused);
    }
  }
}

/** One commit and one annotated tag per release, in order, then a bare clone: the origin. */
async function buildOrigin(dir: string): Promise<void> {
  const work = join(dir, 'work');
  await must(['git', 'init', '-q', '-b', 'main', work], dir);
  for (const release of SHOP_RELEASES) {
    rmSync(join(work, 'app', 'migrations'), { recursive: true, force: true });
    for (const [path, text] of Object.entries(shopTree(release))) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    await must(['git', 'add', '-A'], work);
    await must(['git', ...AUTHOR, 'commit', '-q', '-m', `shop ${release}`], work);
    await must(['git', ...AUTHOR, 'tag', '-a', release, '-m', release], work);
  }
  await must(['git', 'clone', '-q', '--bare', work, 'origin.git'], dir);
  rmSync(work, { recursive: true, force: true });
}

/** What the team did by hand before Ripcord: build, start the database, migrate, start the web. */
async function startShop(s: Sandbox): Promise<void> {
  const compose = (args: string[], timeoutMs = 300_000) => must(composeArgv(s.compose, args), s.appDir, timeoutMs);
  await compose(['build', '-q']);
  await compose(['up', '-d', 'db']);
  await waitUntil(async () => (await compose(['exec', '-T', 'db', 'pg_isready', '-q', '-h', '127.0.0.1', '-d', 'shop'], 10_000).then(() => true)), 'PostgreSQL in the db service');
  await compose(['run', '--rm', '-T', 'jobs', 'sh', '/srv/shop.sh', 'migrate']);
  await compose(['up', '-d']);
  await waitUntil(async () => (await httpText(`${s.webUrl}/health/`)) !== null, `${s.webUrl}/health/ to answer 200`);
}
