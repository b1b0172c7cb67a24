/** Small helpers for the reference stack and the tests that use it. */
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { runCommand } from '../../../src/adapters/process-runner.js';

export async function run(argv: string[], cwd: string, timeoutMs: number): Promise<string> {
  const r = await runCommand({ argv, cwd, timeoutMs });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${r.exitCode}${r.timedOut ? ' (timed out)' : ''}:\n${(r.stderr || r.stdout).slice(-2000)}`);
  return r.stdout;
}

export function git(cwd: string, args: string[]): Promise<string> {
  return run(['git', ...args], cwd, 60_000);
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** A port nothing listens on right now, from the kernel (bind to 0), on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

export interface Leftovers { containers: string[]; images: string[]; volumes: string[]; networks: string[] }

/** Every Docker object whose name or compose label carries the stack's id. */
export async function leftovers(id: string): Promise<Leftovers> {
  const lines = async (argv: string[]) => (await run(argv, '/', 60_000)).split('\n').map((l) => l.trim()).filter(Boolean);
  const containers = await lines(['docker', 'ps', '-a', '--filter', `label=com.docker.compose.project=${id}`, '--format', '{{.ID}}']);
  const named = await lines(['docker', 'ps', '-a', '--filter', `name=${id}`, '--format', '{{.ID}}']);
  const images = (await lines(['docker', 'images', '--format', '{{.Repository}}:{{.Tag}}'])).filter((i) => i.startsWith(`${id}_`) || i.startsWith(`${id}-`));
  const volumes = (await lines(['docker', 'volume', 'ls', '--format', '{{.Name}}'])).filter((v) => v.includes(id));
  const networks = (await lines(['docker', 'network', 'ls', '--format', '{{.Name}}'])).filter((n) => n.includes(id));
  return { containers: [...new Set([...containers, ...named])], images, volumes, networks };
}

/**
 * A checksum of the app database's schema and data, from the host's psql/pg_dump: equal before a
 * deploy and after its rollback means the rollback restored the database exactly.
 */
export async function dbChecksum(dbPort: number, database = 'app'): Promise<string> {
  const conn = ['-h', '127.0.0.1', '-p', String(dbPort), '-U', 'postgres', '-d', database];
  const schema = await run(['pg_dump', ...conn, '--schema-only', '--no-owner', '--no-privileges'], '/', 60_000);
  const tables = (await run(['psql', ...conn, '-Atc', "select tablename from pg_tables where schemaname = 'public' order by 1"], '/', 60_000)).split('\n').filter(Boolean);
  // Comments and pg_dump's per-run \restrict token differ between two dumps of the same schema.
  const hash = createHash('sha256').update(schema.replace(/^(--|\\restrict |\\unrestrict ).*$/gm, ''));
  for (const t of tables) {
    hash.update(`\n#${t}\n`);
    hash.update(await run(['psql', ...conn, '-Atc', `select t::text from "${t}" t order by t::text`], '/', 60_000));
  }
  const sequences = (await run(['psql', ...conn, '-Atc', "select sequencename from pg_sequences where schemaname = 'public' order by 1"], '/', 60_000)).split('\n').filter(Boolean);
  for (const q of sequences) hash.update(await run(['psql', ...conn, '-Atc', `select '${q}', last_value, is_called from "${q}"`], '/', 60_000));
  return hash.digest('hex');
}

export async function runningImageIds(project: string): Promise<Record<string, string>> {
  const out = await run(['docker', 'ps', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.oneoff=False', '--format', '{{.ID}}'], '/', 60_000);
  const result: Record<string, string> = {};
  for (const cid of out.split('\n').filter(Boolean)) {
    const [service, image] = (await run(['docker', 'inspect', '--format', '{{index .Config.Labels "com.docker.compose.service"}} {{.Image}}', cid], '/', 60_000)).trim().split(' ');
    if (service && image) result[service] = image;
  }
  return result;
}

export async function headSha(appDir: string): Promise<string> {
  return (await run(['git', 'rev-parse', 'HEAD'], appDir, 30_000)).trim();
}
