import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IncidentNotFoundError, IncidentStore } from '../../src/incidents/incident-store.js';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'ripcord-incidents-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `state-${++n}`);
const child = fileURLToPath(new URL('../support/incident-child.ts', import.meta.url));
const inChild = async (stateDir: string, ...args: string[]) => JSON.parse((await run(process.execPath, ['--import', 'tsx', child, stateDir, ...args])).stdout) as Record<string, unknown>;

describe('incident store', () => {
  test('processes opening the same operation at once make one incident', async () => {
    const stateDir = fresh();
    const results = await Promise.all([1, 2, 3].map(() => inChild(stateDir, 'open', '20261130T100000Z-abc123')));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    const files = readdirSync(join(stateDir, 'incidents')).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 1);
    assert.equal(statSync(join(stateDir, 'incidents', files[0]!)).mode & 0o777, 0o600);
  });

  test('changes from several processes are all kept (no lost update)', async () => {
    const stateDir = fresh();
    const store = new IncidentStore(stateDir);
    const { incident } = await store.open({ environment: 'production', operationId: null, summary: 'by hand', openedBy: 'U1' });
    await Promise.all(['a', 'b', 'c'].map((tag) => inChild(stateDir, 'notes', incident.id, '8', tag)));
    const notes = (await store.get(incident.id)).timeline.filter((e) => e.kind === 'note').map((e) => e.text);
    assert.equal(notes.length, 24);
    for (const tag of ['a', 'b', 'c']) assert.deepEqual(notes.filter((t) => t.startsWith(tag)), Array.from({ length: 8 }, (_, i) => `${tag}-${i}`));
  });

  test('lifecycle through the store: acknowledge, escalate, resolve stores the report; list filters', async () => {
    const store = new IncidentStore(fresh());
    const { incident } = await store.open({ environment: 'staging', operationId: 'op-1', summary: 'rollback failed', openedBy: 'ripcord' });
    const again = await store.open({ environment: 'staging', operationId: 'op-1', summary: 'retried event', openedBy: 'ripcord' });
    assert.equal(again.created, false);
    assert.equal(again.incident.id, incident.id);
    await store.acknowledge(incident.id, 'U1');
    assert.equal((await store.escalateNow(incident.id, 'U1')).escalationLevel, 2);
    assert.deepEqual((await store.list({ state: 'unresolved' })).map((i) => i.id), [incident.id]);
    const resolved = await store.resolve(incident.id, 'U2');
    assert.match(resolved.report ?? '', /^# Incident report: inc-/);
    assert.deepEqual(await store.list({ state: 'unresolved' }), []);
    assert.deepEqual((await store.list({ environment: 'staging' })).map((i) => i.state), ['resolved']);
    await assert.rejects(store.get('inc-20261130-staging-ffff'), IncidentNotFoundError);
    await assert.rejects(store.get('../../etc/passwd'), /not an incident ID/);
  });
});
