import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
    const files = readdirSync(join(stateDir, 'incidents')).filter((f) => f.startsWith('inc-') && f.endsWith('.json'));
    assert.equal(files.length, 1);
    assert.equal(statSync(join(stateDir, 'incidents', files[0]!)).mode & 0o777, 0o600);
  });

  test('processes opening different operations at once each open theirs, and the index has them all', async () => {
    const stateDir = fresh();
    const results = await Promise.all(['op-a', 'op-b', 'op-c', 'op-d'].map((op) => inChild(stateDir, 'open', op)));
    assert.deepEqual(results.map((r) => r.created), [true, true, true, true]);
    const unresolved = await new IncidentStore(stateDir).list({ state: 'unresolved' });
    assert.deepEqual(unresolved.map((i) => i.id).sort(), results.map((r) => String(r.id)).sort());
  });

  test('the index, missing or unreadable, is rebuilt from the incident files; a resolved incident leaves it', async () => {
    const stateDir = fresh();
    const store = new IncidentStore(stateDir);
    const a = (await store.open({ environment: 'production', operationId: 'op-1', summary: 'a', openedBy: 'ripcord' })).incident;
    const b = (await store.open({ environment: 'production', operationId: null, summary: 'b', openedBy: 'U1' })).incident;
    await store.resolve(b.id, 'U1');
    const indexPath = join(stateDir, 'incidents', 'index.json');
    const before = readFileSync(indexPath, 'utf8');
    assert.deepEqual(Object.keys(JSON.parse(before).unresolved), [a.id]);
    for (const damage of [() => rmSync(indexPath), () => writeFileSync(indexPath, '{"version":1,"unres')]) {
      damage();
      const fresh = new IncidentStore(stateDir);
      assert.deepEqual((await fresh.list({ state: 'unresolved' })).map((i) => i.id), [a.id]);
      const again = await fresh.open({ environment: 'production', operationId: 'op-1', summary: 'retried', openedBy: 'ripcord' });
      assert.deepEqual([again.created, again.incident.id], [false, a.id], 'the operation\'s incident is found again');
      assert.deepEqual(JSON.parse(readFileSync(indexPath, 'utf8')), JSON.parse(before));
    }
  });

  test('an operation\'s incident named by the index but never written (a crash in between) is opened under that ID', async () => {
    const stateDir = fresh();
    const store = new IncidentStore(stateDir);
    const { incident } = await store.open({ environment: 'production', operationId: 'op-9', summary: 'first try', openedBy: 'ripcord' });
    rmSync(store.path(incident.id));
    const again = await store.open({ environment: 'production', operationId: 'op-9', summary: 'second try', openedBy: 'ripcord' });
    assert.deepEqual([again.created, again.incident.id, again.incident.summary], [true, incident.id, 'second try']);
    assert.equal((await store.open({ environment: 'production', operationId: 'op-9', summary: 'third', openedBy: 'ripcord' })).created, false);
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
