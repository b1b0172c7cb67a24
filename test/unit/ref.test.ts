import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertFullSha, commitSpec, isFullSha, refProblem, validateRef } from '../../src/domain/ref.js';
import { BadInputError, ExitCode } from '../../src/domain/errors.js';

function refused(ref: string): BadInputError {
  try {
    validateRef(ref);
  } catch (error) {
    assert.ok(error instanceof BadInputError, `expected BadInputError for ${JSON.stringify(ref)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(ref)} to be refused`);
}

describe('validateRef', () => {
  const good = ['v1.0.4', 'release/2026-11', 'main', 'feature/foo_bar', 'v2.0.0-rc.1', 'a'.repeat(40), 'b'.repeat(64), 'deadbee', 'HEAD', 'v1.0.0+build.5', 'user@example'];
  for (const ref of good) test(`accepts ${ref}`, () => assert.equal(validateRef(ref), ref));

  const bad: Array<[string, RegExp]> = [
    ['v1.0.0;rm -rf /', /whitespace|";"/],
    ['v1.0.0;rm', /";"/],
    ['--upload-pack=x', /starts with "-"/],
    ['-x', /starts with "-"/],
    ['../../etc', /"\.\."/],
    ['a..b', /"\.\."/],
    ['', /is empty/],
    ['x'.repeat(256), /longer than 255/],
    ['v1 0', /whitespace/],
    [' v1.0.4', /whitespace/],
    ['v1.0.4\n', /whitespace|control/],
    ['v1\u0000', /control/],
    ['v1\u202e4.0', /control/],
    ['v1\u200b', /control/],
    ['$(reboot)', /"\$"/],
    ['`id`', /"`"/],
    ['a|b', /"\|"/],
    ['a&b', /"&"/],
    ['a>b', /">"/],
    ['v1^{commit}', /"\^"/],
    ['HEAD~1', /"~"/],
    ['origin:main', /":"/],
    ['v*', /"\*"/],
    ['v?', /"\?"/],
    ['v[1]', /"\["/],
    ['v!', /"!"/],
    ['a\\b', /"\\"/],
    ["it's", /"'"/],
    ['say"hi"', /"""/],
    ['main@{1}', /"@\{"/],
    ['refs/heads/x.lock', /\.lock/],
    ['release/', /empty path component/],
    ['/release', /empty path component/],
    ['a//b', /empty path component/],
    ['release/.hidden', /starting with "\."/],
    ['v1.', /ends with "\."/],
  ];
  for (const [ref, why] of bad) {
    test(`refuses ${JSON.stringify(ref).slice(0, 40)}`, () => {
      const error = refused(ref);
      assert.match(error.message, why);
      assert.equal(error.exitCode, ExitCode.refused);
      assert.equal(error.code, 'bad_input');
      assert.match(error.fix, /use a tag, branch or SHA such as v1\.0\.4/);
    });
  }

  test('the message escapes invisible characters so it cannot be spoofed', () => {
    const error = refused('v1\u202etxt.exe');
    assert.ok(!error.message.includes('\u202e'));
    assert.match(error.message, /\\u202e/);
  });

  test('a very long ref is shortened in the message', () => {
    assert.ok(refused(`v${'1'.repeat(300)}`).message.length < 200);
  });

  test('refProblem is null for good refs', () => {
    assert.equal(refProblem('v1.0.4'), null);
  });
});

describe('commitSpec and SHAs', () => {
  test('commitSpec adds ^{commit} after validating', () => {
    assert.equal(commitSpec('v1.0.4'), 'v1.0.4^{commit}');
    assert.throws(() => commitSpec('v1.0.4^{commit}'), BadInputError);
  });

  test('full SHAs', () => {
    assert.ok(isFullSha('0123456789abcdef0123456789abcdef01234567'));
    assert.ok(!isFullSha('0123456'));
    assert.ok(!isFullSha('0123456789ABCDEF0123456789ABCDEF01234567'));
    assert.throws(() => assertFullSha('--force'), BadInputError);
    assert.equal(assertFullSha('f'.repeat(40)), 'f'.repeat(40));
  });
});
