/**
 * A rollback's hold on writes as data (backups/database-hold.ts): the statements that refuse, end
 * and rename the live database, and those that give it back.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { holdStatements, releaseStatements } from '../../src/backups/database-hold.js';

const hold = { database: 'app', heldAs: 'app__ripcord_old' };

describe('holding the app database (holdStatements)', () => {
  test('refused first (committed on its own), then every session ended, then renamed, then open to Ripcord under the held name', () => {
    assert.deepEqual(holdStatements(hold, false), [
      'ALTER DATABASE "app" ALLOW_CONNECTIONS false',
      "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = 'app' and pid <> pg_backend_pid()",
      'ALTER DATABASE "app" RENAME TO "app__ripcord_old"',
      'ALTER DATABASE "app__ripcord_old" ALLOW_CONNECTIONS true',
    ]);
  });

  test('a leftover under the held name while the live database is in place is dropped before the rename', () => {
    assert.equal(holdStatements(hold, true)[0], 'DROP DATABASE IF EXISTS "app__ripcord_old" WITH (FORCE)');
    assert.equal(holdStatements(hold, true).length, 5);
  });

  test('names are quoted as identifiers and as literals', () => {
    const odd = holdStatements({ database: `my"db`, heldAs: `it's` }, false);
    assert.equal(odd[0], 'ALTER DATABASE "my""db" ALLOW_CONNECTIONS false');
    assert.match(odd[1]!, /datname = 'my"db'/);
    assert.equal(odd[2], `ALTER DATABASE "my""db" RENAME TO "it's"`);
  });
});

describe('giving it back (releaseStatements)', () => {
  test('still held: renamed back, then accepting connections', () => {
    assert.deepEqual(releaseStatements(hold, true), ['ALTER DATABASE "app__ripcord_old" RENAME TO "app"', 'ALTER DATABASE "app" ALLOW_CONNECTIONS true']);
  });

  test('in place (restored, or a crash between refusing and renaming): only accepting connections again', () => {
    assert.deepEqual(releaseStatements(hold, false), ['ALTER DATABASE "app" ALLOW_CONNECTIONS true']);
  });
});
