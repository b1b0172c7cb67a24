/**
 * `ripcord incidents` as break glass: Redis and Slack both down (ripcord.yml points them at closed
 * ports), an incident opened by a failed rollback is listed, shown, acknowledged, resolved and
 * reported from the files on the host alone. One real child process; the rest through `runCli`
 * in this process (the same program, faster on a busy machine).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/program.js';
import type { Incident } from '../../src/domain/incident.js';
import { incidentAfterReport } from '../../src/incidents/open-on-failure.js';
import { ripcord } from '../support/cli.js';
import { failedRollbackReport, incidentConfig, tempIncidentRoot } from '../support/incident-fixtures.js';

const r = tempIncidentRoot();
const configPath = join(r.root, 'ripcord.yml');
const DOWN = { redis: 'redis://127.0.0.1:1', slack: 'http://127.0.0.1:1/api/' };
let incident: Incident;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx = { exitCode: 0, out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {}, cwd: r.root };
  const code = await runCli(['node', 'ripcord', '--config', configPath, ...args], ctx);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

before(async () => {
  const config = incidentConfig(r, { redisUrl: DOWN.redis, apiUrl: DOWN.slack, botToken: 'xoxb-not-reachable' });
  writeFileSync(configPath, stringify({
    stateDir: config.stateDir, redis: { url: DOWN.redis }, slack: { botToken: 'xoxb-not-reachable', apiUrl: DOWN.slack },
    environments: { production: { appDir: config.environments.production!.appDir, database: { url: 'postgres://app@127.0.0.1:5432/app' }, backups: { dir: join(r.root, 'backups') }, health: { url: 'http://127.0.0.1:9/health/' }, slack: { incidents: 'channel' } } },
  }));
  const opened = await incidentAfterReport(config, await failedRollbackReport(r.stateDir), pino({ level: 'silent' }), { placement: { retryDelayMs: 10 } });
  assert.ok(opened);
  assert.equal(opened.slack, null, 'Slack is down: the incident is kept unplaced, not lost');
  incident = opened;
});
after(() => r.cleanup());

describe('ripcord incidents with Redis and Slack down', () => {
  test('list, as a real process', async () => {
    const res = await ripcord(['--config', configPath, 'incidents', 'list']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`${incident.id}  P1  open .* production .*deploy v1\\.1\\.0 failed; its rollback stopped at start_previous_images  \\(not in Slack\\)`));
  });

  test('show, ack, severity, resolve, report: the timeline and the report from the files alone', async () => {
    const shown = await cli('incidents', 'show', incident.id);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, /rollback: automatic \(Level 1\): git_reset ok, start_previous_images failed/);
    assert.match(shown.out, /detected\s+up failed: web exited 1/);
    assert.equal((await cli('incidents', 'ack', incident.id)).code, 0);
    const bad = await cli('incidents', 'severity', incident.id, 'P7');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /not one of P1, P2, P3, P4 — use P1/);
    assert.equal((await cli('incidents', 'severity', incident.id, 'p2')).code, 0);
    const resolved = await cli('incidents', 'resolve', incident.id, '--json');
    assert.equal(resolved.code, 0, resolved.err);
    assert.equal((JSON.parse(resolved.out) as Incident).state, 'resolved');
    const md = await cli('incidents', 'report', incident.id);
    assert.match(md.out, /^# Incident report: inc-/);
    assert.match(md.out, /\*\*Severity:\*\* P2/);
    assert.match(md.out, /\| Acknowledged \| \d{4}-\d\d-\d\d [\d:]+ UTC \| acknowledged by cli:/);
    const data = JSON.parse((await cli('incidents', 'report', incident.id, '--json')).out) as { timeline: Array<{ event: string; at: string | null }>; rootCause: null };
    assert.deepEqual(data.timeline.map((t) => t.event), ['Detection', 'Decision', 'Rollback executed', 'Verification', 'Acknowledged', 'Resolved']);
    assert.equal(data.rootCause, null);
    assert.match((await cli('incidents', 'list')).out, /no open incidents/);
  });

  test('open by hand, and an unknown ID says how to find one', async () => {
    const opened = await cli('incidents', 'open', 'checkout', 'slow', '--json');
    assert.equal(opened.code, 0, opened.err);
    assert.equal((JSON.parse(opened.out) as Incident).summary, 'checkout slow');
    const missing = await cli('incidents', 'show', 'inc-20200101-production-ffff');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /ripcord incidents list/);
  });
});
