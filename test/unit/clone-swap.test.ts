/**
 * The clone_swap rollback as data: which steps a plan gets, how they print, the statements of the
 * staged restore's swap (swapStatements), the config key. Its rollback's hold and swap: database-hold.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { DeployStageName } from '../../src/domain/deployment-state.js';
import { formatPlan } from '../../src/domain/plan-format.js';
import { buildRollbackPlan, stepsToRun, type RollbackFacts } from '../../src/domain/rollback-plan.js';
import { checkIdentifierLength, repairStatements, swapStatements } from '../../src/backups/database-swap.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/domain/errors.js';

const OLD = 'c'.repeat(40);
function facts(stagesStarted: DeployStageName[], databaseStrategy: string | null = 'clone_swap'): RollbackFacts {
  return { stagesStarted, previousSha: OLD, previousImages: { web: 'sha256:1111' }, preDeployBackup: 'backup_20261124_100000.dump', databaseStrategy };
}
const kinds = (f: RollbackFacts) => buildRollbackPlan(f).steps.map((s) => s.kind);

describe('rollback plans with clone_swap', () => {
  test('after migrate: the swap where the restore was, and the settle step after the checks', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'backup', 'fetch', 'build', 'migrate']));
    assert.deepEqual(plan.steps.map((s) => s.kind), ['git_reset', 'stop_new_services', 'restore_database', 'start_previous_images', 'health', 'integrity', 'settle_database']);
    assert.deepEqual(plan.steps[2], { kind: 'restore_database', strategy: 'clone_swap', backup: 'backup_20261124_100000.dump' });
    assert.deepEqual(plan.steps.at(-1), { kind: 'settle_database', strategy: 'clone_swap' });
  });

  test('a rollback that needs no database settles before the checks: the clone is dropped, connections allowed', () => {
    assert.deepEqual(kinds(facts(['preflight', 'backup', 'fetch', 'build'])), ['git_reset', 'start_previous_images', 'settle_database', 'health', 'integrity']);
  });

  test('killed while cloning (the backup stage never finished): settle, then the checks', () => {
    assert.deepEqual(kinds(facts(['preflight', 'backup'])), ['settle_database', 'health', 'integrity']);
  });

  test('dump_restore and unknown strategies get no settle step', () => {
    assert.ok(!kinds(facts(['preflight', 'backup', 'fetch', 'migrate'], 'dump_restore')).includes('settle_database'));
    assert.ok(!kinds(facts(['preflight', 'backup', 'fetch', 'migrate'], null)).includes('settle_database'));
  });

  test('resumed after a crash: the finished swap is not repeated, settle runs (again)', () => {
    const plan = buildRollbackPlan(facts(['preflight', 'backup', 'fetch', 'migrate']));
    const resumed = stepsToRun(plan.steps, [{ step: 'restore_database', outcome: 'ok' }, { step: 'settle_database' }]);
    assert.deepEqual(resumed.map((s) => s.kind), ['git_reset', 'stop_new_services', 'start_previous_images', 'health', 'integrity', 'settle_database']);
  });

  test('the printed plan says what the swap and the settle do', () => {
    const text = formatPlan(buildRollbackPlan(facts(['preflight', 'backup', 'fetch', 'migrate']))).join('\n');
    assert.match(text, /restore_database +stop the app, hold the current database \(no connections\) as a failed copy and swap in the pre-deploy clone \(clone_swap; restores backup_20261124_100000\.dump if the clone is gone\)/);
    assert.match(text, /settle_database +finish the clone_swap rollback: a verified safety dump of the failed copy, if any, then drop it and the clone/);
  });
});

describe("dump restore: the swap (swapStatements)", () => {
  test('both renames are one statement (one transaction): no crash can leave the live name missing', () => {
    const s = swapStatements('app', 'app__ripcord_clone_ab12', 'app__ripcord_failed_ab12');
    assert.deepEqual(s, [
      'ALTER DATABASE "app" ALLOW_CONNECTIONS false',
      'select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = \'app\' and pid <> pg_backend_pid()',
      'ALTER DATABASE "app" RENAME TO "app__ripcord_failed_ab12"; ALTER DATABASE "app__ripcord_clone_ab12" RENAME TO "app"',
    ]);
  });

  test('a half swap (live missing, retired there) is renamed back first; otherwise nothing', () => {
    const half = { props: [], live: false, exists: new Set(['app__ripcord_old']) };
    assert.deepEqual(repairStatements('app', 'app__ripcord_old', half), ['ALTER DATABASE "app__ripcord_old" RENAME TO "app"', 'ALTER DATABASE "app" ALLOW_CONNECTIONS true']);
    assert.deepEqual(repairStatements('app', 'app__ripcord_old', { ...half, live: true }), []);
    assert.deepEqual(repairStatements('app', 'app__ripcord_old', { props: [], live: false, exists: new Set() }), []);
  });

  test('names are quoted, and one PostgreSQL would truncate is refused with the fix', () => {
    assert.match(swapStatements('my"db', 'x', 'y')[0]!, /ALTER DATABASE "my""db"/);
    assert.equal(checkIdentifierLength('app__ripcord_clone_ab12cd34', 'fix'), 'app__ripcord_clone_ab12cd34');
    assert.throws(() => checkIdentifierLength(`${'d'.repeat(45)}__ripcord_clone_ab12cd34`, 'set database.rollbackStrategy: dump_restore'), /longer than the 63 bytes.*/);
  });
});

describe('database.rollbackStrategy in ripcord.yml', () => {
  const load = (strategy: string | null) => {
    const dir = mkdtempSync(join(tmpdir(), 'ripcord-strategy-'));
    try {
      const path = join(dir, 'ripcord.yml');
      const db = strategy === null ? '{ service: db }' : `{ service: db, rollbackStrategy: ${strategy} }`;
      writeFileSync(path, `environments:\n  production:\n    appDir: /srv/app\n    database: ${db}\n    backups: { dir: /srv/backups }\n    health: { url: "http://127.0.0.1:8000/health/" }\n`);
      return loadConfig({ configPath: path, env: {} }).config.environments.production!.database.rollbackStrategy;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test('dump_restore unless clone_swap is chosen', () => {
    assert.equal(load(null), 'dump_restore');
    assert.equal(load('clone_swap'), 'clone_swap');
  });

  test('database.maintenanceDatabase may not be the app database itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ripcord-maint-'));
    try {
      const path = join(dir, 'ripcord.yml');
      writeFileSync(path, 'environments:\n  production:\n    appDir: /srv/app\n    database: { service: db, name: shop, maintenanceDatabase: shop }\n    backups: { dir: /srv/backups }\n    health: { url: "http://127.0.0.1:8000/health/" }\n');
      assert.throws(() => loadConfig({ configPath: path, env: {} }), (e: unknown) => e instanceof ConfigError && /maintenanceDatabase.*template1/s.test(e.describe()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('anything else is refused with both names', () => {
    assert.throws(() => load('snapshot'), (e: unknown) => e instanceof ConfigError && /database.rollbackStrategy.*dump_restore.*clone_swap/s.test(e.describe()));
  });
});
