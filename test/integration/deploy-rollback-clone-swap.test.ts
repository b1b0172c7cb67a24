/**
 * The deploy-rollback guarantees with `database.rollbackStrategy: clone_swap`, on the reference stack
 * (real git, Docker, compose, PostgreSQL): every failing kind exits 3 and leaves the host exactly as
 * before, with no clone or failed copy left; a release whose migration changed the database gets the
 * clone swapped back and the failed database survives as a verified safety dump, the others keep it;
 * a good deploy drops its clone; URL mode works as service mode does; a clone gone by rollback time
 * falls back to the pre-deploy dump.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requireDocker } from '../support/require-services.js';
import { ripcord, startCli } from '../support/cli.js';
import type { ReferenceStack } from '../support/stack/reference-stack.js';
import { tearDownStack } from '../support/stack/teardown.js';
import { FAILING_RELEASES } from '../support/stack/releases.js';
import { assertAsBefore, cloneSwapStack, hostState, journalLines, newestJournal, ripcordDatabases } from '../support/stack/rollback-checks.js';
import { run, waitFor } from '../support/stack/stack-helpers.js';

let stack: ReferenceStack;

async function deploy(ref: string) {
  const r = await ripcord(['--config', stack.configPath, 'deploy', ref, '--yes', '--json']);
  return { ...r, report: r.stdout ? JSON.parse(r.stdout) as { outcome: string; reason?: string } : null };
}

const safetyDumps = () => readdirSync(stack.backupDir).filter((f) => f.startsWith('safety_') && f.endsWith('.dump')).sort();
const verified = (name: string) => (JSON.parse(readFileSync(join(stack.backupDir, `${name}.json`), 'utf8')) as { verifiedAt: string | null }).verifiedAt !== null;

/** The evidence of a finished rollback step in the newest journal. */
function stepEvidence(step: string): Record<string, unknown> | undefined {
  const lines = journalLines(newestJournal(stack)!);
  return lines.findLast((e) => e.type === 'step_finished' && e.step === step)?.evidence as Record<string, unknown> | undefined;
}

before(async () => {
  await requireDocker();
  stack = await cloneSwapStack(6);
});

after(() => tearDownStack(stack));

describe('clone_swap', () => {
  test('a good release deploys and its clone is dropped', async () => {
    const r = await deploy('v1.1.0');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(await ripcordDatabases(stack), []);
    const facts = journalLines(newestJournal(stack)!).filter((e) => e.type === 'fact').map((e) => e.key);
    assert.ok(facts.includes('databaseClone'), 'the clone was taken (and journaled before it was)');
  });

  for (const kind of FAILING_RELEASES) {
    test(`${kind}: exits 3 and everything is as before, with no clone or failed copy left`, async () => {
      const before = await hostState(stack);
      const dumpsBefore = safetyDumps();
      const r = await deploy(kind);
      assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
      assert.equal(r.report?.outcome, 'rolled_back');
      await assertAsBefore(stack, before, '1.1.0');
      const restored = stepEvidence('restore_database');
      const newDumps = safetyDumps().filter((d) => !dumpsBefore.includes(d));
      if (kind === 'build-fails') {
        assert.equal(restored, undefined, 'nothing ran against the database: no swap');
        assert.deepEqual(newDumps, []);
      } else if (kind !== 'migration-fails') {
        // From v1.1.0 these releases bring no migration: the database is kept, with whatever users wrote.
        assert.match(String(restored?.kept), /no migration changed the schema or the migrations table/);
        assert.deepEqual(newDumps, [], 'nothing was swapped, so there is no failed copy to keep');
      } else {
        assert.match(String(restored?.how), /clone .* swapped in/);
        assert.equal(newDumps.length, 1, 'the failed database is kept as one safety dump');
        assert.ok(verified(newDumps[0]!), 'and that dump is verified');
        assert.equal(stepEvidence('settle_database')?.safetyBackup, newDumps[0]);
      }
    });
  }

  test('URL mode (PostgreSQL tools on the host): the clone is swapped in and the failed copy kept as a dump', async () => {
    const config = (database: Record<string, unknown>) => stack.writeConfig({ database, health: { url: stack.healthUrl, retries: 6, delaySeconds: 1, timeoutSeconds: 3 } });
    // `service` still names the database's compose service, which a rollback never stops.
    config({ url: stack.databaseUrl, service: 'db', rollbackStrategy: 'clone_swap' });
    try {
      const before = await hostState(stack);
      const r = await deploy('migration-fails');
      assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
      assert.match(String(stepEvidence('restore_database')?.how), /clone .* swapped in/);
      assert.ok(stepEvidence('settle_database')?.safetyBackup, 'the failed copy was dumped before it was dropped');
      await assertAsBefore(stack, before, '1.1.0');
    } finally {
      config({ service: 'db', name: 'app', user: 'postgres', rollbackStrategy: 'clone_swap' });
    }
  });

  test('a clone gone by rollback time: the pre-deploy dump is restored instead', async () => {
    const before = await hostState(stack);
    const previous = newestJournal(stack);
    const { done } = startCli(['--config', stack.configPath, 'deploy', 'migration-fails', '--yes', '--json']);
    let clone = '';
    await waitFor(async () => {
      const path = newestJournal(stack);
      if (!path || path === previous) return false;
      const lines = journalLines(path);
      clone = String(lines.find((e) => e.type === 'fact' && e.key === 'databaseClone')?.value ?? '');
      return lines.some((e) => e.type === 'stage_started' && e.stage === 'migrate');
    }, 120_000, 'the migrate stage');
    await run(['psql', '-h', '127.0.0.1', '-p', String(stack.dbPort), '-U', 'postgres', '-d', 'postgres', '-c', `DROP DATABASE "${clone}" WITH (FORCE)`], '/', 30_000);
    const r = await done;
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(String(stepEvidence('restore_database')?.how), /no clone to swap in: dump restored/);
    await assertAsBefore(stack, before, '1.1.0');
  });
});
