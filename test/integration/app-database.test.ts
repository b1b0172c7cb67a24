/**
 * Issue 19 on the layouts users found wanting (app-database-variant.ts: the database from
 * `env_file: .env.production`, the app in `nextjs_space/` with its DATABASE_URL, a health route
 * that wants `Authorization: Bearer $CRON_SECRET`): init finds the app's database and the token,
 * doctor and preflight refuse a config naming another database, preflight refuses an unhealthy
 * app unless --allow-unhealthy, a first deploy skips what needs a running app, and a backup of
 * another database is refused unless --from-other-database. One stack for the whole file.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { ripcord } from '../support/cli.js';
import { requireDocker } from '../support/require-services.js';
import { appDatabaseStack, CRON_SECRET, DB_PASSWORD, variantConfig } from '../support/stack/app-database-variant.js';
import type { ReferenceStack } from '../support/stack/reference-stack.js';
import { hostState, journalLines, newestJournal, webVersion } from '../support/stack/rollback-checks.js';
import { run, waitFor } from '../support/stack/stack-helpers.js';
import { tearDownStack } from '../support/stack/teardown.js';

let stack: ReferenceStack;

before(async () => {
  await requireDocker();
  stack = await appDatabaseStack();
});
after(() => tearDownStack(stack));

/** Ripcord as the operator runs it here: the app's .env.production holds CRON_SECRET. */
const rc = (args: string[]) => ripcord(['--config', stack.configPath, '--env-file', join(stack.appDir, '.env.production'), ...args]);

interface Line { name: string; status: string; detail: string; fix?: string }
async function doctor(): Promise<{ code: number | null; checks: Line[]; passed: boolean }> {
  const r = await rc(['doctor', '--cli-only', '--json']);
  const out = JSON.parse(r.stdout) as { passed: boolean; checks: Line[] };
  return { code: r.code, ...out };
}
const check = (checks: Line[], name: string) => checks.find((c) => c.name === name);

async function deploy(args: string[]) {
  const r = await rc(['deploy', ...args, '--yes', '--json']);
  return { ...r, report: JSON.parse(r.stdout) as { outcome: string; reason?: string; warnings?: string[] } };
}

describe('the app database and the starting point', () => {
  test('init finds the app in nextjs_space/, its database shop and the token its health route wants; doctor passes with what it wrote', async () => {
    const output = join(stack.root, 'init.ripcord.yml');
    const r = await ripcord(['init', stack.appDir, '--yes', '--output', output, '--state-dir', stack.stateDir, '--backups-dir', stack.backupDir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const text = readFileSync(output, 'utf8');
    const env = (parse(text) as { environments: { production: Record<string, unknown> } }).environments.production;
    assert.equal(env.preset, 'nextjs-prisma');
    assert.deepEqual(env.database, { service: 'db', name: 'shop', user: 'shop' });
    assert.deepEqual(env.health, { url: stack.healthUrl, headers: { Authorization: 'Bearer ${CRON_SECRET}' } });
    assert.match(r.stdout, /database shop \(DATABASE_URL of service web\), user shop/);
    assert.match(r.stdout, /preset: nextjs-prisma \(nextjs_space\/package\.json depends on next and prisma\)/);
    assert.match(r.stdout, /answered 401 without a token and 200 with CRON_SECRET \(in \.env\.production\) as its Bearer token/);
    assert.match(r.stdout, /✔ app database\s+shop is the app's database \(DATABASE_URL of service web\)/);
    assert.match(r.stdout, /✔ migrations table\s+shop has _prisma_migrations/);
    assert.match(r.stdout, /✔ health\s+GET \/api\/health\/ returned 200/);
    for (const secret of [CRON_SECRET, DB_PASSWORD]) {
      assert.equal(text.includes(secret), false, 'ripcord.yml holds no secret');
      assert.equal((r.stdout + r.stderr).includes(secret), false, 'init prints no secret');
    }
  });

  test('the token-protected health route passes with the header; without it, doctor names the header to set', async () => {
    variantConfig(stack);
    const good = await doctor();
    assert.equal(check(good.checks, 'health')?.status, 'ok', JSON.stringify(good.checks));
    assert.equal(check(good.checks, 'app database')?.status, 'ok');
    assert.equal(check(good.checks, 'migrations table')?.status, 'ok');
    assert.equal(good.code, 0, JSON.stringify(good.checks.filter((c) => c.status === 'fail')));
    variantConfig(stack, { health: { url: stack.healthUrl, retries: 2, delaySeconds: 1, timeoutSeconds: 3 } });
    const bare = await doctor();
    const health = check(bare.checks, 'health');
    assert.equal(health?.status, 'fail');
    assert.match(health?.detail ?? '', /returned 401/);
    assert.match(health?.fix ?? '', /health\.headers: \{ Authorization: "Bearer \$\{CRON_SECRET\}" \}/);
    assert.equal(bare.code, 1);
  });

  test('doctor and preflight refuse a config naming another database, with the fix; the deploy changes nothing', async () => {
    variantConfig(stack, { database: { service: 'db', name: 'postgres', user: 'postgres' } });
    const d = await doctor();
    const line = check(d.checks, 'app database');
    assert.equal(line?.status, 'fail', JSON.stringify(d.checks));
    assert.match(line?.detail ?? '', /ripcord\.yml names database postgres, but the app uses shop \(DATABASE_URL of service web names shop\)/);
    assert.equal(line?.fix, 'set database.name: shop in ripcord.yml, then run `ripcord doctor`');
    assert.equal(d.code, 1);
    const before = await hostState(stack);
    const r = await deploy(['v1.1.0']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.report.outcome, 'refused');
    assert.match(r.report.reason ?? '', /^preflight: ripcord\.yml names database postgres, but the app uses shop .* — set database\.name: shop in ripcord\.yml/);
    assert.deepEqual(await hostState(stack), before, 'code, images and data are as they were');
    assert.deepEqual(readdirSync(stack.backupDir), [], 'no backup was taken');
    assert.equal((r.stdout + r.stderr).includes(DB_PASSWORD), false, 'the DATABASE_URL password is never printed');
  });

  test('a backup of another database is refused by restore and rollback unless --from-other-database; previews name its database', async () => {
    variantConfig(stack, { database: { service: 'db', name: 'postgres', user: 'postgres' } });
    const made = await rc(['backups', 'create', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const name = (JSON.parse(made.stdout) as { name: string; database: string }).name;
    variantConfig(stack);
    const before = await hostState(stack);
    assert.match((await rc(['backups', 'list'])).stdout, new RegExp(`${name}\\s+manual\\s+postgres\\s`));
    const restore = await rc(['backups', 'restore', name, '--yes']);
    assert.equal(restore.code, 2, restore.stdout + restore.stderr);
    assert.match(restore.stderr, new RegExp(`backup ${name} holds database postgres, not shop .* — choose a backup of shop .* or pass --from-other-database`));
    const rollback = await rc(['rollback', 'backup', name, '--yes', '--json']);
    assert.equal(rollback.code, 2, rollback.stdout + rollback.stderr);
    assert.match((JSON.parse(rollback.stdout) as { reason: string }).reason, /holds database postgres, not shop/);
    const preview = await rc(['rollback', 'backup', name, '--from-other-database', '--dry-run']);
    assert.equal(preview.code, 0, preview.stdout + preview.stderr);
    assert.match(preview.stdout, new RegExp(`Database: restored from ${name} \\(manual, holds database postgres, `));
    assert.match(preview.stdout, /Warning: backup .* holds database postgres: its tables replace those of shop \(--from-other-database\)/);
    assert.deepEqual(await hostState(stack), before, 'the app database was not touched');
  });

  test('preflight refuses an unhealthy app (exit 2, nothing changed); --allow-unhealthy deploys a fix forward, journaled and reported', async () => {
    variantConfig(stack);
    await run(stack.compose(['stop', 'web']), stack.appDir, 60_000);
    const before = await hostState(stack);
    const refused = await deploy(['v1.1.0']);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.report.reason ?? '', /^preflight: the app is not healthy now: GET \/api\/health\/ .*ECONNREFUSED.* — .*ripcord deploy REF --allow-unhealthy/);
    assert.deepEqual(await hostState(stack), before, 'nothing changed');
    const forward = await deploy(['v1.1.0', '--allow-unhealthy']);
    assert.equal(forward.code, 0, forward.stdout + forward.stderr);
    assert.equal(forward.report.outcome, 'succeeded');
    assert.match(forward.report.warnings?.join('\n') ?? '', /^preflight: the app is not healthy now: .* \(deployed anyway: --allow-unhealthy\)/);
    const journal = journalLines(newestJournal(stack) ?? '');
    assert.ok(journal.some((l) => l.type === 'fact' && l.key === 'allowedUnhealthy'), 'the journal records it');
    assert.equal(await webVersion(stack), '1.1.0');
  });

  test('a first deploy: with no app container yet, the checks that need one are skipped with why, and the deploy goes on', async () => {
    variantConfig(stack);
    await run(stack.compose(['rm', '-s', '-f', 'web']), stack.appDir, 60_000);
    await run(stack.compose(['stop', '-t', '2', 'db']), stack.appDir, 60_000);
    const bare = await doctor();
    assert.equal(check(bare.checks, 'migrations table')?.status, 'skip', JSON.stringify(bare.checks));
    assert.match(check(bare.checks, 'migrations table')?.detail ?? '', /neither the database service db nor the app runs yet \(first deploy\)/);
    await run(stack.compose(['start', 'db']), stack.appDir, 60_000);
    await waitFor(() => run(['pg_isready', '-h', '127.0.0.1', '-p', String(stack.dbPort)], '/', 10_000).then(() => true, () => false), 60_000, 'the db service');
    const d = await doctor();
    assert.equal(check(d.checks, 'health')?.status, 'skip');
    assert.match(check(d.checks, 'health')?.detail ?? '', /no container of the app exists yet \(first deploy\)/);
    assert.equal(check(d.checks, 'app database')?.status, 'ok', 'the db service still names it: POSTGRES_DB');
    assert.match(check(d.checks, 'app database')?.detail ?? '', /POSTGRES_DB of service db/);
    const r = await deploy(['v1.1.0']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.report.warnings, undefined);
    assert.equal(await webVersion(stack), '1.1.0');
  });
});
