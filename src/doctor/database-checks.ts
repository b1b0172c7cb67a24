/**
 * PostgreSQL prerequisites: the database answers, and pg_dump/pg_restore exist and are not older
 * than the server (an older pg_dump refuses to dump a newer server, which would block every deploy).
 * URL mode uses the host's tools; service mode uses the tools inside the compose `db` service.
 */
import pg from 'pg';
import { composeExecArgv, composeTargetOf, resolveComposeProgram } from '../adapters/compose-cli.js';
import { runCommand } from '../adapters/process-runner.js';
import { redactString } from '../domain/redact.js';
import { fail, majorOf, ok, type Check, type CheckResult, type DoctorTarget } from './check.js';

interface Probe {
  where: string;
  serverVersionNum: () => Promise<number>;
  toolVersion: (tool: 'pg_dump' | 'pg_restore') => Promise<string | null>;
}

export const checkDatabase: Check = async (target) => {
  const probe = await probeFor(target);
  if (!probe) return fail('database', 'no compose command found to reach the db service', 'fix the compose check first');
  let serverNum: number;
  try {
    serverNum = await probe.serverVersionNum();
  } catch (error) {
    return fail('database', `${probe.where} is not reachable: ${redactString((error as Error).message)}`, 'start PostgreSQL (or the db service: compose up -d db) and check database.url / database.service');
  }
  const serverMajor = Math.floor(serverNum / 10000);
  const results: CheckResult[] = [ok('database', `${probe.where} answers, server ${serverMajor}`)];
  for (const tool of ['pg_dump', 'pg_restore'] as const) results.push(await toolCheck(probe, tool, serverMajor));
  return results;
};

async function toolCheck(probe: Probe, tool: 'pg_dump' | 'pg_restore', serverMajor: number): Promise<CheckResult> {
  const version = await probe.toolVersion(tool);
  if (!version) return fail(tool, `${tool} not found (${probe.where})`, `install the PostgreSQL ${serverMajor} client tools (apt-get install postgresql-client-${serverMajor})`);
  const major = majorOf(version);
  if (major === null || major < serverMajor) {
    return fail(tool, `${version.trim()} is older than the server (${serverMajor})`, `install postgresql-client-${serverMajor} and put it first on PATH`);
  }
  return ok(tool, `${version.trim()} (server ${serverMajor})`);
}

async function probeFor({ env, processEnv }: DoctorTarget): Promise<Probe | null> {
  const db = env.database;
  if (db.url) {
    const url = db.url;
    return {
      where: redactString(url),
      serverVersionNum: () => queryServerVersion(url),
      toolVersion: (tool) => hostToolVersion(tool, processEnv),
    };
  }
  const program = await resolveComposeProgram(env.composeCommand);
  if (!program) return null;
  const target = composeTargetOf(env, program);
  const service = db.service ?? 'db';
  const exec = (argv: string[]) => runCommand({ argv: composeExecArgv(target, service, argv), cwd: env.appDir, timeoutMs: 20000 });
  return {
    where: `compose service "${service}"`,
    serverVersionNum: async () => {
      const r = await exec(['psql', '-U', db.user, '-d', db.name, '-Atc', 'show server_version_num']);
      if (r.exitCode !== 0) throw new Error((r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.exitCode}`);
      return Number(r.stdout.trim());
    },
    toolVersion: async (tool) => {
      const r = await exec([tool, '--version']);
      return r.exitCode === 0 ? r.stdout : null;
    },
  };
}

async function queryServerVersion(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const res = await client.query<{ server_version_num: string }>('show server_version_num');
    return Number(res.rows[0]?.server_version_num);
  } finally {
    await client.end();
  }
}

async function hostToolVersion(tool: string, env: Readonly<Record<string, string | undefined>>): Promise<string | null> {
  try {
    const r = await runCommand({ argv: [tool, '--version'], env: { PATH: env.PATH }, timeoutMs: 10000 });
    return r.exitCode === 0 ? r.stdout : null;
  } catch {
    return null;
  }
}
