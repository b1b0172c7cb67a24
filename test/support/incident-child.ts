/**
 * Another process changing incidents at the same time as the test: opens the incident of one
 * operation (`open`), or adds `count` notes to one incident (`notes`). Prints one JSON line.
 */
import { addNote } from '../../src/domain/incident.js';
import { IncidentStore } from '../../src/incidents/incident-store.js';

const [stateDir, what, arg, count, tag] = process.argv.slice(2) as [string, string, string, string, string];
const store = new IncidentStore(stateDir);
if (what === 'open') {
  const { incident, created } = await store.open({ environment: 'production', operationId: arg, summary: 'race', openedBy: `child-${process.pid}` });
  process.stdout.write(`${JSON.stringify({ id: incident.id, created })}\n`);
} else {
  for (let i = 0; i < Number(count); i++) await store.update(arg, (inc, now) => addNote(inc, `${tag}-${i}`, tag, now));
  process.stdout.write(`${JSON.stringify({ done: Number(count) })}\n`);
}
