/** `ripcord rollback` arguments: positional kinds, the old rollback.sh flags and levels all become the same requests. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { requestOf } from '../../src/cli/commands/rollback.js';
import { RipcordError } from '../../src/domain/errors.js';

describe('requestOf', () => {
  const cases: Array<[string, string[], Record<string, unknown>, unknown]> = [
    ['quick', ['quick'], {}, { kind: 'quick', database: 'auto' }],
    ['--quick --keep-database', [], { quick: true, keepDatabase: true }, { kind: 'quick', database: 'keep' }],
    ['commit REF', ['commit', 'v1.0.4'], {}, { kind: 'commit', level: 1, ref: 'v1.0.4' }],
    ['--commit SHA', [], { commit: 'abc1234' }, { kind: 'commit', level: 1, ref: 'abc1234' }],
    ['backup NAME', ['backup', 'backup_20261122_020000.dump'], {}, { kind: 'backup', backup: 'backup_20261122_020000.dump' }],
    ['--backup FILE', [], { backup: 'backup_20261122_020000.dump' }, { kind: 'backup', backup: 'backup_20261122_020000.dump' }],
    ['--full SHA FILE', [], { full: ['abc1234', 'backup_x.dump'] }, { kind: 'full', level: 3, ref: 'abc1234', backup: 'backup_x.dump' }],
    ['full REF', ['full', 'v1'], {}, { kind: 'full', level: 3, ref: 'v1' }],
    ['--level 1', [], { level: '1' }, { kind: 'commit', level: 1 }],
    ['--level 2 --to v1', [], { level: '2', to: 'v1' }, { kind: 'commit', level: 2, ref: 'v1' }],
    ['--level 3 --backup FILE', [], { level: '3', backup: 'backup_x.dump' }, { kind: 'full', level: 3, backup: 'backup_x.dump' }],
    ['--status', [], { status: true }, 'status'],
    ['status', ['status'], {}, 'status'],
    ['nothing: the menu', [], {}, null],
  ];
  for (const [name, words, flags, expected] of cases) test(name, () => assert.deepEqual(requestOf(words, flags), expected));

  for (const [name, words, flags, pattern] of [
    ['an unknown kind', ['sideways'], {}, /unknown rollback kind "sideways"/],
    ['a ref that is an option', ['commit', '--upload-pack=x'], {}, /^ref "--upload-pack=x" starts with "-", which git would read as an option$/],
    ['a shell metacharacter ref', [], { commit: 'v1.0.0;id' }, /^ref "v1\.0\.0;id" contains ";", which is not allowed in a release ref$/],
    ['a ref with spaces', [], { commit: 'v1.0.0;rm -rf /' }, /contains whitespace or control characters/],
    ['--level 4', [], { level: '4' }, /--level 4 is not a level/],
    ['both database flags', ['quick'], { restoreDatabase: true, keepDatabase: true }, /contradict/],
    ['--full with three values', [], { full: ['a', 'b', 'c'] }, /--full takes a SHA and a backup file/],
  ] as const) {
    test(`refuses ${name} with exit 2`, () => {
      assert.throws(() => requestOf(words as unknown as string[], flags as Parameters<typeof requestOf>[1]), (e: unknown) => e instanceof RipcordError && e.exitCode === 2 && pattern.test(e.message));
    });
  }
});
