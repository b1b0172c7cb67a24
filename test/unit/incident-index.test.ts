import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openIncident, resolve, type Incident } from '../../src/domain/incident.js';
import {
  emptyIncidentIndex, incidentOfOperation, indexFromIncidents, parseIncidentIndex, serializeIncidentIndex, unresolvedIds,
  withIncidentOpened, withIncidentResolved,
} from '../../src/domain/incident-index.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 10, minute));
const incident = (id: string, environment: string, operationId: string | null, minute: number): Incident =>
  openIncident({ id, environment, operationId, summary: 's', openedBy: 'ripcord' }, at(minute));
const resolved = (i: Incident) => resolve(i, 'U1', at(59), () => 'report');

describe('incident index', () => {
  test('rebuilt from the files: unresolved ones newest first per environment; every operation\'s incident, resolved too', () => {
    const a = incident('inc-20261130-production-aaaa', 'production', 'op-1', 1);
    const b = resolved(incident('inc-20261130-production-bbbb', 'production', 'op-2', 2));
    const c = incident('inc-20261130-staging-cccc', 'staging', null, 3);
    const d = incident('inc-20261130-production-dddd', 'production', null, 4);
    const index = indexFromIncidents([a, b, c, d]);
    assert.deepEqual(unresolvedIds(index), [d.id, c.id, a.id]);
    assert.deepEqual(unresolvedIds(index, 'production'), [d.id, a.id]);
    assert.deepEqual(unresolvedIds(index, 'staging'), [c.id]);
    assert.equal(incidentOfOperation(index, 'production', 'op-1'), a.id);
    assert.equal(incidentOfOperation(index, 'production', 'op-2'), b.id, 'a resolved incident still answers for its operation');
    assert.equal(incidentOfOperation(index, 'staging', 'op-1'), null, 'operations are per environment');
    assert.equal(incidentOfOperation(index, 'production', 'toString'), null, 'no inherited property passes for an operation');
  });

  test('opened then resolved: gone from the unresolved, kept for its operation; resolving an absent one changes nothing', () => {
    const a = incident('inc-20261130-production-aaaa', 'production', 'op-1', 1);
    const opened = withIncidentOpened(emptyIncidentIndex(), a);
    assert.deepEqual(unresolvedIds(opened), [a.id]);
    const closed = withIncidentResolved(opened, a.id);
    assert.deepEqual(unresolvedIds(closed), []);
    assert.equal(incidentOfOperation(closed, 'production', 'op-1'), a.id);
    assert.equal(withIncidentResolved(closed, a.id), closed, 'same object: nothing to write');
    assert.deepEqual(unresolvedIds(opened), [a.id], 'the input is not changed');
  });

  test('the file round-trips; anything else is unreadable (null), so the store rebuilds instead of trusting it', () => {
    const index = indexFromIncidents([incident('inc-20261130-production-aaaa', 'production', 'op-1', 1)]);
    assert.deepEqual(parseIncidentIndex(serializeIncidentIndex(index)), index);
    for (const bad of [
      '', '{', 'null', '[]', '{"version":2,"unresolved":{},"operations":{}}',
      '{"version":1,"unresolved":[],"operations":{}}',
      '{"version":1,"unresolved":{"../etc":{"environment":"p","openedAt":"x"}},"operations":{}}',
      '{"version":1,"unresolved":{"inc-20261130-production-aaaa":{"environment":1,"openedAt":"x"}},"operations":{}}',
      '{"version":1,"unresolved":{},"operations":{"production op-1":"not-an-id"}}',
    ]) assert.equal(parseIncidentIndex(bad), null, bad);
  });
});
