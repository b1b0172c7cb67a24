/**
 * Manual rollbacks on the reference stack with real git, Docker, compose and PostgreSQL, from the
 * CLI as an operator runs it during an outage: Redis is down (the config points at a port nothing
 * listens on) and there are no Slack tokens. Each kind and level restores exactly what it says —
 * HEAD, image IDs, database checksum — and leaves the rest untouched; refusals change nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EnvironmentLocks } from '../../src/state/environment-lock.js';
import { ripcord, startCli } from '../support/cli.js';
import { requireDocker } from '../support/require-services.js';
import { createReferenceStack, type ReferenceStack } from '../support/stack/reference-stack.js';
import { tearDownStack } from '../support/stack/teardown.js';
import { dbChecksum, freePort, headSha, run, runningImageIds, waitFor } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;
interface HostState { head: string; web: string; checksum: string }
const states: Record<string, HostState> = {};
/** The safety backup the Level 2 rollback took: the database as v1.1.0 left it. */
let level2Safety = '';
const NO_SLACK = { SLACK_BOT_TOKEN: undefined, SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: undefined, SLACK_WEBHOOK_URL: undefined };
/** Level 2's reversal of v1.1.0's migration 003: drop the column it added and forget it ran. */
const REVERSAL = `psql -h 127.0.0.1 -p "$DB_PORT" -U postgres -d app -v ON_ERROR_STOP=1 -c "ALTER TABLE items DROP COLUMN price_cents" -c "DELETE FROM schema_migrations WHERE name = '003_price.sql'"`;

async function hostState(): Promise<HostState> {
  return { head: await headSha(stack.appDir), web: (await runningImageIds(stack.id)).web ?? '', checksum: await dbChecksum(stack.dbPort) };
}

const headOf = async (ref: string) => (await run(['git', 'rev-parse', `${ref}^{commit}`], stack.appDir, 10_000)).trim();
const version = async () => (await (await fetch(`http://127.0.0.1:${stack.webPort}/version`)).text()).trim();
const journals = () => (existsSync(join(stack.stateDir, 'journal', 'production')) ? readdirSync(join(stack.stateDir, 'journal', 'production')).length : 0);

async function rollback(args: string[]) {
  const r = await ripcord(['--config', stack.configPath, 'rollback', ...args], NO_SLACK);
  const json = args.includes('--json') && r.stdout.trim().startsWith('{') ? JSON.parse(r.stdout) as Record<string, unknown> : null;
  return { ...r, json };
}

let deadPort = 0;

/** The stack's config, naming the stopped Redis (break glass: Redis is down). */
function writeConfig(extra: Record<string, unknown> = {}) {
  stack.writeConfig({ health: { url: stack.healthUrl, retries: 10, delaySeconds: 1, timeoutSeconds: 3 }, ...extra });
  writeFileSync(stack.configPath, `redis:\n  url: redis://127.0.0.1:${deadPort}\n${readFileSync(stack.configPath, 'utf8')}`);
}

before(async () => {
  await requireDocker();
  stack = await createReferenceStack();
  // Break glass: a Redis of this environment's own, started and then stopped; the config still names it.
  deadPort = await freePort();
  await run(['redis-server', '--port', String(deadPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--dir', '/tmp'], '/', 30_000);
  await waitFor(async () => (await run(['redis-cli', '-p', String(deadPort), 'ping'], '/', 5_000).catch(() => '')).includes('PONG'), 30_000, 'the test Redis');
  await run(['redis-cli', '-p', String(deadPort), 'shutdown', 'nosave'], '/', 30_000).catch(() => undefined);
  await waitFor(async () => (await run(['redis-cli', '-p', String(deadPort), 'ping'], '/', 5_000).catch(() => 'down')) === 'down', 30_000, 'the test Redis to stop');
  writeConfig();
  await stack.up();
  states.v100 = await hostState();
  const d = await ripcord(['--config', stack.configPath, 'deploy', 'v1.1.0', '--yes'], NO_SLACK);
  assert.equal(d.code, 0, d.stdout + d.stderr);
  states.v110 = await hostState();
});

after(() => tearDownStack(stack));

describe('manual rollback (Redis down, no Slack tokens)', () => {
  test('--dry-run quick shows from → to, the backup and why, and changes nothing', async () => {
    const before = journals();
    const r = await rollback(['quick', '--dry-run']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Code: v1\.1\.0 [0-9a-f]{7} → v1\.0\.0 [0-9a-f]{7}/);
    assert.match(r.stdout, /Database: restored from backup_\d{8}_\d{6}\.dump \(predeploy, holds database app, taken .* ago, verified\)/);
    assert.match(r.stdout, /why: v1\.0\.0 [0-9a-f]{7} ran on another database: since backup_\d{8}_\d{6}\.dump, taken before [0-9a-f]{7} was deployed, the schema changed and schema_migrations gained 1 row/);
    assert.equal(journals(), before);
    assert.deepEqual(await hostState(), states.v110);
  });

  test('without a terminal and without --yes it refuses with exit 2', async () => {
    const r = await rollback(['quick']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /no terminal to confirm on; pass --yes/);
    assert.deepEqual(await hostState(), states.v110);
  });

  test('a deny-listed Level 2 command is refused before anything runs', async () => {
    writeConfig({ rollback: { schemaCommand: { service: 'tasks', command: 'npx prisma migrate reset --force' } } });
    const before = journals();
    const r = await rollback(['--level', '2', '--yes']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /rollback\.schemaCommand\.command: is refused: `prisma migrate reset` drops the whole database/);
    assert.equal(journals(), before);
    assert.deepEqual(await hostState(), states.v110);
  });

  test('--backup ../../etc/passwd is refused', async () => {
    writeConfig();
    const r = await rollback(['--backup', '../../etc/passwd', '--yes']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /is not a backup in/);
    assert.deepEqual(await hostState(), states.v110);
  });

  test('a held lock (a deploy running) blocks it with exit 2 and names the holder', async () => {
    const lock = await new EnvironmentLocks(stack.stateDir).acquire('production', { operation: 'deploy v9.9.9 by @alice via slack', deploymentId: 'd-test' });
    try {
      const r = await rollback(['quick', '--yes']);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /locked by deploy v9\.9\.9 by @alice via slack/);
    } finally {
      await lock.release();
    }
    assert.deepEqual(await hostState(), states.v110);
  });

  test('Level 2: safety backup, reversal migration, code and images back: exactly the state before the deploy', async () => {
    writeConfig({ rollback: { schemaCommand: { service: 'tasks', command: REVERSAL, timeoutSeconds: 60 } } });
    const r = await rollback(['--level', '2', '--yes', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.json?.outcome, 'succeeded');
    assert.match(String(r.json?.safetyBackup), /^safety_backup_/);
    assert.deepEqual(r.json?.database, { action: 'reversed', command: REVERSAL, safetyBackup: r.json?.safetyBackup }, 'the report says the reversal ran, never that the database was untouched');
    assert.deepEqual(r.json?.live, { sha: states.v100!.head, tag: 'v1.0.0' }, 'the release read from the host');
    assert.deepEqual(await hostState(), states.v100);
    assert.equal(await version(), '1.0.0');
    level2Safety = String(r.json?.safetyBackup);
  });

  test('commit (Level 1) to v1.1.0 on the reversed database: refused (it ran on another one); with --keep-database code and images by ID back, database untouched', async () => {
    // The Level 2 safety backup records the database v1.1.0 ran on: with 003 applied, unlike the live one.
    const refused = await rollback(['commit', 'v1.1.0', '--yes']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /v1\.1\.0 [0-9a-f]{7} cannot run on the live database as it is: v1\.1\.0 [0-9a-f]{7} ran on another database: since safety_backup_\d{8}_\d{6}\.dump, taken while it was live, the schema changed/);
    assert.equal((await hostState()).head, states.v100!.head, 'a refusal changes nothing');
    const r = await rollback(['commit', 'v1.1.0', '--keep-database', '--yes']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^rolled back production to v1\.1\.0 \([0-9a-f]{12}\) in /m);
    assert.match(r.stdout, /^database: The database was kept: as asked \(--keep-database\)\.$/m);
    const now = await hostState();
    assert.equal(now.head, states.v110!.head);
    assert.equal(now.web, states.v110!.web, 'the recorded image ID runs again, not a rebuild');
    assert.equal(now.checksum, states.v100!.checksum, 'the database is untouched');
    assert.equal(await version(), '1.1.0');
  });

  test('backup NAME: only the database goes back (to the Level 2 safety backup); code and images stay', async () => {
    const r = await rollback(['backup', level2Safety, '--yes']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await hostState(), states.v110);
    // The live database is still the one the safety backup was taken of: the rows are counted.
    assert.match(r.stdout, /database: .*(No rows were|\d+ rows?) written or rewritten since the snapshot/);
  });

  test('quick after a manual rollback has no backup to restore: refused while v1.0.0 cannot run on the database, kept when asked', async () => {
    // v1.0.0 ran on the database before v1.1.0's migration 003; the live one has it (the safety backup restored above).
    const refused = await rollback(['--quick', '--yes']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /v1\.0\.0 [0-9a-f]{7} cannot run on the live database as it is: v1\.0\.0 [0-9a-f]{7} ran on another database: since backup_\d{8}_\d{6}\.dump, taken before [0-9a-f]{7} was deployed, the schema changed/);
    assert.match(refused.stdout + refused.stderr, /--keep-database/);
    assert.deepEqual(await hostState(), states.v110, 'a refusal changes nothing');
    // The webhook is down too: its notification is kept in the outbox, the rollback goes on.
    writeConfig({ notifications: { webhookUrl: `http://127.0.0.1:${deadPort}/hook` } });
    const r = await rollback(['--quick', '--keep-database', '--yes']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /notification not delivered to webhook .*; kept/);
    assert.equal(readdirSync(join(stack.stateDir, 'outbox', 'production')).filter((f) => f.endsWith('.webhook.json')).length, 1);
    const now = await hostState();
    assert.equal(now.head, states.v100!.head);
    assert.equal(now.web, states.v100!.web);
    assert.equal(now.checksum, states.v110!.checksum, 'the database is kept');
    assert.match(r.stdout, /^database: The database was kept: as asked \(--keep-database\)\.$/m);
    assert.doesNotMatch(r.stdout, /deploy failed before/);
  });

  test('full SHA FILE: release and database both, to v1.1.0 and the state before the first deploy', async () => {
    const predeploy = readdirSync(stack.backupDir).filter((f) => /^backup_.*\.dump$/.test(f)).sort()[0];
    assert.ok(predeploy);
    const r = await rollback(['--full', states.v110!.head, predeploy, '--yes']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await hostState(), { ...states.v110!, checksum: states.v100!.checksum });
    // The restore of `backup NAME` replaced the database the pre-deploy snapshot was taken of, so
    // every row in it is newer than that snapshot: no count, said plainly, and where they are kept.
    assert.match(r.stdout, /database: .*The rows written since the snapshot cannot be counted: the live database is not the one the snapshot was taken of: a restore or a swap has replaced it since/);
    assert.match(r.stdout, /with all of them, is kept in safety backup safety_backup_\S+\.dump\./);
    assert.doesNotMatch(r.stdout, /\d+ rows? written/);
  });

  test('the kept notification shows in status, and is sent once the webhook answers', async () => {
    assert.match((await rollback(['status'])).stdout, /notifications not yet delivered: \d+ to webhook \(`ripcord notify flush --env production`\)/);
    const received: string[] = [];
    const server = createServer((req, res) => { let body = ''; req.on('data', (c: Buffer) => { body += c.toString(); }); req.on('end', () => { received.push(body); res.end('ok'); }); });
    await new Promise<void>((resolve) => server.listen(deadPort, '127.0.0.1', resolve));
    try {
      const r = await ripcord(['--config', stack.configPath, 'notify', 'flush'], NO_SLACK);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok(received.some((b) => /ROLLBACK_SUCCESS/.test(b) && /production/.test(b)), received.join('\n'));
      assert.equal(readdirSync(join(stack.stateDir, 'outbox', 'production')).filter((f) => f.endsWith('.webhook.json')).length, 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      writeConfig();
    }
  });

  test('killed with SIGKILL mid-restore, `ripcord recover` resumes the journaled plan; the restore finishes once', async () => {
    const dir = join(stack.stateDir, 'journal', 'production');
    const known = new Set(readdirSync(dir));
    const { child, done } = startCli(['--config', stack.configPath, 'rollback', 'backup', level2Safety, '--yes'], NO_SLACK);
    let path = '';
    await waitFor(async () => {
      const fresh = readdirSync(dir).find((f) => !known.has(f));
      path = fresh ? join(dir, fresh) : '';
      return Boolean(fresh) && readFileSync(path, 'utf8').includes('"step":"restore_database"');
    }, 120_000, 'the rollback to start restoring');
    child.kill('SIGKILL');
    assert.equal((await done).code, null, 'the rollback died by the signal');
    const r = await ripcord(['--config', stack.configPath, 'recover'], NO_SLACK);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await hostState(), states.v110, 'v1.1.0 code and images, and the database of the Level 2 safety backup');
    const entries = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(entries.filter((e) => e.type === 'step_finished' && e.step === 'restore_database' && e.outcome === 'ok').length, 1);
    assert.equal(entries.at(-1)?.state, 'rolled_back');
    const safety = entries.filter((e) => e.type === 'fact' && e.key === 'safetyBackup').map((e) => e.value);
    assert.equal(new Set(safety).size, 1, `one safety backup, reused if the kill came after it: ${safety.join(', ')}`);
  });

  test('a release that never ran here is built from its code, with a warning; the database is untouched', async () => {
    const before = await hostState();
    const r = await rollback(['commit', 'slow-healthy', '--yes']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Warning: slow-healthy never ran on production: its images are built from its code/);
    assert.match(r.stdout, /✔ rollback: build_images/);
    const now = await hostState();
    assert.equal(now.head, await headOf('slow-healthy'));
    assert.notEqual(now.web, before.web);
    assert.equal(now.checksum, before.checksum);
    assert.equal(await version(), '1.2.0-slow');
  });

  test('status shows services, health, release, last operation, lock and the newest verified backup', async () => {
    const r = await rollback(['--status']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /production: slow-healthy [0-9a-f]{12}/);
    assert.match(r.stdout, /web\s+running/);
    assert.match(r.stdout, /health: ok/);
    assert.match(r.stdout, /lock: free/);
    assert.doesNotMatch(r.stdout, /not yet delivered/);
    assert.match(r.stdout, /last: rollback slow-healthy rolled_back/);
    assert.match(r.stdout, /backup: \S+ \(\w+, .* ago/);
  });
});
