/** Whether rows written since a snapshot can be counted: only in the very database it was taken of. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDatabaseIdentity, whyRowsCannotBeCounted, type LiveDatabase } from '../../src/domain/database-identity.js';

const taken = { system: '7313940736711018610', oid: 16384 };
const snapshot = '900:905:901,903';
const live = (over: Partial<LiveDatabase> = {}): LiveDatabase => ({ ...taken, xmax: '1207', ...over });
const why = (over: Partial<Parameters<typeof whyRowsCannotBeCounted>[0]> = {}) =>
  whyRowsCannotBeCounted({ taken, live: live(), snapshot, source: 'backup_20261130_060000.dump', ...over });

describe('whyRowsCannotBeCounted', () => {
  test('the same server, the same database, the counter ahead of the snapshot: countable', () => {
    assert.equal(why(), null);
    assert.equal(why({ live: live({ xmax: '905' }) }), null, 'nothing committed since is still the same database');
  });

  test('a restore or a swap since the snapshot (another OID under the name): not countable, and says so', () => {
    assert.match(why({ live: live({ oid: 16391 }) }) ?? '', /the live database is not the one the snapshot was taken of: a restore or a swap has replaced it since/);
  });

  test('another server (a re-created data directory reuses OID 16384): not countable', () => {
    assert.match(why({ live: live({ system: '7413940736711018611' }) }) ?? '', /not the one the snapshot was taken on/);
  });

  test('a transaction counter behind the snapshot (restored from files): not countable, compared as 64-bit numbers', () => {
    assert.match(why({ live: live({ xmax: '904' }) }) ?? '', /transaction counter is behind the snapshot/);
    assert.equal(why({ snapshot: '4294967290:4294967297:', live: live({ xmax: '4294967300' }) }), null);
    assert.notEqual(why({ snapshot: '4294967290:4294967297:', live: live({ xmax: '99' }) }), null);
  });

  test('a manifest or journal without the identity (an older Ripcord): not countable, naming the backup', () => {
    assert.equal(why({ taken: undefined, live: null }), 'backup_20261130_060000.dump does not record which database it was taken of (an older Ripcord made it)');
  });
});

test('parseDatabaseIdentity reads "system|oid" and nothing else', () => {
  assert.deepEqual(parseDatabaseIdentity('7313940736711018610|16384\n'), taken);
  assert.equal(parseDatabaseIdentity('900:905:901,903'), null);
  assert.equal(parseDatabaseIdentity(''), null);
});
