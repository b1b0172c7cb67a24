/**
 * Secrets are masked where a reason is made (issue 10 item 2): in every RipcordError, in every
 * stage and step outcome the recorder passes on, and in the report of an error no stage caught.
 * The integration test secrets-redacted.test.ts checks the same end to end.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RipcordError } from '../../src/domain/errors.js';
import { redactString } from '../../src/domain/redact.js';
import { withoutSecrets } from '../../src/executor/operation-recorder.js';
import { reportOfError } from '../../src/operations/report-of-error.js';

const PLANTED = 'PGPASSWORD=hunter2 token xoxb-1-2-abcdef via postgres://app:urlpw@db/app and https://127.0.0.1:1/app.git?private_token=glpat-xyz';
const SECRETS = ['hunter2', 'abcdef', 'urlpw', 'glpat-xyz'];
const clean = (text: string) => SECRETS.filter((s) => text.includes(s));

test('a RipcordError masks its message and its fix', () => {
  const e = new RipcordError('unavailable', `git fetch failed: ${PLANTED}`, `check ${PLANTED}`);
  assert.deepEqual(clean(e.message), []);
  assert.deepEqual(clean(e.fix), []);
  assert.deepEqual(clean(e.describe()), []);
  assert.match(e.message, /^git fetch failed: PGPASSWORD=\*\*\* token xoxb-\*\*\* via postgres:\/\/app:\*\*\*@db\/app/);
});

test('an outcome loses the secrets in its reason and its evidence, keeps its facts', () => {
  const out = withoutSecrets({
    ok: false, reason: `migrate: failed: ${PLANTED}`,
    evidence: { outputTail: PLANTED, attempts: [{ status: 503, body: PLANTED }], headers: { authorization: 'Bearer abcdefghijkl' } },
    facts: { previousSha: 'a'.repeat(40) },
  });
  assert.deepEqual(clean(JSON.stringify(out)), []);
  assert.equal(JSON.stringify(out).includes('abcdefghijkl'), false);
  assert.match(out.reason ?? '', /^migrate: failed: PGPASSWORD=\*\*\*/);
  assert.deepEqual(out.facts, { previousSha: 'a'.repeat(40) });
});

test('the report of an error no stage caught is masked too', () => {
  for (const error of [new Error(`connect failed: ${PLANTED}`), `thrown text ${PLANTED}`]) {
    assert.deepEqual(clean(reportOfError(error, { id: '-', kind: 'deploy', environment: 'production', ref: 'v1' }).reason ?? ''), []);
  }
});

test('a token that is the whole user part of an http(s) URL is masked; a short user name is not', () => {
  assert.equal(redactString('fatal: https://abcdef0123456789abcd@git.example.com/app.git'), 'fatal: https://***@git.example.com/app.git');
  assert.equal(redactString('ssh://git@git.example.com/app.git and https://deploy@git.example.com/x'), 'ssh://git@git.example.com/app.git and https://deploy@git.example.com/x');
});
