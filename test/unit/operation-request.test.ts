/** The request record a job carries: what is accepted, what is refused and why, and that secrets have no place in it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeOperation, parseRequest } from '../../src/operations/request.js';

const base = { requestId: 'slack-C01-1732950000.000100', environment: 'production', requestedBy: '@alice', source: 'slack' };

describe('operation requests', () => {
  test('a deploy, each rollback kind and the backup jobs are accepted', () => {
    assert.equal(parseRequest({ ...base, operation: { kind: 'deploy', ref: 'v1.0.4' } }).operation.kind, 'deploy');
    for (const rollback of [{ kind: 'quick' }, { kind: 'commit', level: 2, ref: 'v1.0.3' }, { kind: 'backup', backup: 'backup_20261122_020000.dump' }, { kind: 'full', level: 3, ref: 'v1.0.3' }]) {
      assert.deepEqual(parseRequest({ ...base, operation: { kind: 'rollback', rollback } }).operation, { kind: 'rollback', rollback });
    }
    assert.deepEqual(parseRequest({ ...base, operation: { kind: 'backup_create' } }).operation, { kind: 'backup_create', backupKind: 'manual' });
    assert.equal(describeOperation({ kind: 'rollback', rollback: { kind: 'commit', level: 2, ref: 'v1.0.3' } }), 'rollback commit level 2 v1.0.3');
  });

  test('unsafe refs and backup names are refused with the reason', () => {
    assert.throws(() => parseRequest({ ...base, operation: { kind: 'deploy', ref: '--upload-pack=x' } }), /operation.ref: ref "--upload-pack=x" starts with "-"/);
    assert.throws(() => parseRequest({ ...base, operation: { kind: 'backup_restore', backup: '../../etc/passwd' } }), /operation.backup: a backup name is a file name/);
  });

  test('unknown fields (a URL, a token) are refused, not carried', () => {
    assert.throws(() => parseRequest({ ...base, token: 'xoxb-secret', operation: { kind: 'deploy', ref: 'v1' } }), /malformed request: request: /);
    assert.throws(() => parseRequest({ ...base, operation: { kind: 'deploy', ref: 'v1', databaseUrl: 'postgres://u:p@h/db' } }), /malformed request/);
  });

  test('a request ID that is not a safe key, an unknown source, a missing operation are refused', () => {
    assert.throws(() => parseRequest({ ...base, requestId: 'a:b', operation: { kind: 'noop' } }), /requestId: a request ID is/);
    assert.throws(() => parseRequest({ ...base, source: 'email', operation: { kind: 'noop' } }), /source/);
    assert.throws(() => parseRequest({ ...base }), /operation/);
  });
});
