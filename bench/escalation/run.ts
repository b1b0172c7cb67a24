/**
 * bench/escalation: how late escalation pings are against their schedule. N incidents open over
 * the first ~2 s (one escalation minute = 100 ms: Level 1 at once, Level 2 at 1.5 s, Level 3 at
 * 3 s, reminders every 1 s) on real Redis/BullMQ, the Slack emulator, a real SMTP server and a
 * webhook receiver (Slack's rate limits lifted, see below). The escalation service runs in its own
 * process (bench/escalation/service-child.ts), as the executor does in production, where Slack and
 * SMTP are other machines: sharing this process's event loop with the emulator and the receivers
 * timed their work as much as the timers'. Incidents are opened here and their timers queued, as
 * the bot does. In the middle that service is stopped and another, already loaded, started: a
 * restarted executor. Lateness of each step = when the timer fired and recorded it, and when its
 * message reached the incident's Slack thread, minus its due time from the schedule. Baseline in
 * the same run: a plain setTimeout per step of the same schedule, in the same process.
 *
 *   flock /tmp/ripcord-heavy.lock node --import tsx bench/escalation/run.ts [incidents=100] [minute ms=100]
 *
 * BENCH_CPU_PROF=dir writes a CPU profile of each executor process there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { escalationQueueName } from '../../src/queue/escalation-timers.js';
import { durableConnection } from '../../src/queue/redis-connections.js';
import { escalationTimersFor } from '../../src/service/escalation-service.js';
import { escalationPolicy, escalationSteps } from '../../src/domain/escalation-schedule.js';
import { escalationFacts, sentSteps } from '../../src/domain/incident-escalation.js';
import { slackPings, startEscalationFixture, waitFor } from '../../test/support/escalation-fixture.js';

const N = Number(process.argv[2] ?? 100);
/** One escalation minute (default 100 ms); the whole run scales with it: opening over 20 minutes, each incident run for 50. */
const MINUTE_MS = Number(process.argv[3] ?? 100);
const RUN_MS = 50 * MINUTE_MS;

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

// Slack allows about one message a second per channel: 100 incidents' pings in one channel within
// seconds would time Slack's queue, not the timers. The emulator's rate limits are lifted here.
const load0 = loadavg().map((l) => l.toFixed(2)).join(' ');
const fx = await startEscalationFixture({ minuteMs: MINUTE_MS, remindEveryMinutes: 10, reescalateAfterMinutes: 30, slackLimits: {} });
const policy = escalationPolicy(fx.config.environments.production!.contacts, MINUTE_MS);
const baseline: number[] = [];
const timers: NodeJS.Timeout[] = [];

/** An executor process, loaded and waiting for `start`. */
async function executor(): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./service-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])], env: { ...process.env, RIPCORD_BENCH_CONFIG: JSON.stringify(fx.config) }, stdio: 'inherit',
  });
  child.on('message', (m) => {
    const b = (m as { busy?: Record<string, number> }).busy;
    if (b) busy.push(`event loop ${(b.eventLoopUtilization! * 100).toFixed(0)} % busy, CPU ${(b.cpuShare! * 100).toFixed(0)} % of a core, loop delay p50 ${b.delayP50Ms!.toFixed(0)} p99 ${b.delayP99Ms!.toFixed(0)} max ${b.delayMaxMs!.toFixed(0)} ms`);
  });
  await answer(child, 'ready');
  return child;
}
const answer = (child: ChildProcess, what: string) => new Promise<void>((resolve, reject) => {
  child.on('message', (m) => { if (m === what) resolve(); });
  child.once('exit', (code) => reject(new Error(`executor exited (${code}) before "${what}"`)));
});
const busy: string[] = [];
const tell = async (child: ChildProcess, what: string, then: string) => { const done = answer(child, then); child.send(what); await done; };

const producer = durableConnection(fx.config.redis.url);
const bot = escalationTimersFor(fx.config, producer, fx.store);
const children: ChildProcess[] = [];
try {
  const [first, second] = await Promise.all([executor(), executor()]);
  children.push(first!, second!);
  await tell(first!, 'start', 'started');
  const t0 = Date.now();
  const ids: string[] = [];
  let restartedAt = 0;
  const restart = (async () => {
    await new Promise((r) => setTimeout(r, 22 * MINUTE_MS));
    await tell(first!, 'stop', 'stopped');
    await tell(second!, 'start', 'started');
    restartedAt = Date.now() - t0;
  })();
  for (let i = 0; i < N; i++) {
    const id = await fx.open(`bench incident ${i}`);
    await bot.sync(id);
    ids.push(id);
    // The same schedule with plain timers: what Node itself adds on this machine right now.
    const opened = new Date((await fx.store.get(id)).openedAt).getTime();
    for (const s of escalationSteps(policy, { openedAt: new Date(opened), acknowledgedAt: [], escalatedAt: [], resolvedAt: null }, new Date(opened + RUN_MS))) {
      const due = s.dueAt.getTime();
      timers.push(setTimeout(() => baseline.push(Date.now() - due), Math.max(0, due - Date.now())));
    }
    await new Promise((r) => setTimeout(r, (20 * MINUTE_MS) / N));
  }
  const openedIn = Date.now() - t0;
  await restart;
  // Run every incident for RUN_MS after it opened, then resolve them all.
  const lastOpened = new Date((await fx.store.get(ids.at(-1)!)).openedAt).getTime();
  await new Promise((r) => setTimeout(r, lastOpened + RUN_MS - Date.now()));
  // Stopped before counting: a step recorded between reading an incident and reading Slack would
  // otherwise count as a message without its record, i.e. as "sent twice".
  await tell(second!, 'stop', 'stopped');
  // Where the time goes: when the worker took each job, against when it was due.
  const queue = new Queue(escalationQueueName('production'), { connection: producer, prefix: fx.config.redis.prefix });
  const picked = (await queue.getJobs(['completed', 'failed'])).filter((j) => j.processedOn).map((j) => j.processedOn! - (j.data as { dueAt: number }).dueAt);
  await queue.close();
  const fired: number[] = [];
  const inSlack: number[] = [];
  let missing = 0;
  let twice = 0;
  for (const id of ids) {
    const incident = await fx.store.get(id);
    const opened = new Date(incident.openedAt).getTime();
    const expected = escalationSteps(policy, escalationFacts(incident), new Date(opened + RUN_MS - 300));
    const sent = sentSteps(incident);
    const thread = slackPings(fx.slack, id).filter((p) => p.thread);
    for (const s of expected) {
      const at = sent.get(s.id);
      if (!at) { missing++; continue; }
      fired.push(at.getTime() - s.dueAt.getTime());
    }
    // Thread messages in order of their steps: the n-th message is the n-th step sent.
    const order = [...sent].sort((a, b) => a[1].getTime() - b[1].getTime()).map(([sid]) => expected.find((s) => s.id === sid));
    thread.forEach((m, i) => { const s = order[i]; if (s) inSlack.push(m.at - s.dueAt.getTime()); });
    if (thread.length > sent.size) twice += thread.length - sent.size;
  }
  for (const id of ids) await fx.store.resolve(id, 'bench');
  await waitFor('baseline timers', () => baseline.length >= timers.length, 10_000).catch(() => undefined);
  const row = (name: string, v: number[]) => console.log(`${name.padEnd(38)} n ${String(v.length).padStart(4)}  p50 ${pct(v, 50).toFixed(0).padStart(5)}  p99 ${pct(v, 99).toFixed(0).padStart(5)}  max ${Math.max(...v).toFixed(0).padStart(5)} ms`);
  console.log(`load average at the start ${load0}, at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  console.log(`bench/escalation: ${N} incidents, 1 escalation minute = ${MINUTE_MS} ms, each run ${RUN_MS} ms; restart (stop + start) done at +${restartedAt} ms; all opened by +${openedIn} ms`);
  busy.forEach((b, i) => console.log(`executor ${i + 1}: ${b}`));
  row('baseline: setTimeout per step', baseline);
  row('job taken by the worker (all jobs)', picked);
  row('timer fired and recorded (BullMQ)', fired);
  row('message in the Slack thread', inSlack);
  console.log(`ratio p99 fired / baseline: ${(pct(fired, 99) / Math.max(1, pct(baseline, 99))).toFixed(1)}×; steps never sent: ${missing}; sent twice: ${twice}; target p99 < 2000 ms: ${pct(inSlack, 99) < 2000 && pct(fired, 99) < 2000 ? 'met' : 'NOT met'}`);
} finally {
  for (const t of timers) clearTimeout(t);
  for (const c of children) if (c.exitCode === null) c.kill();
  await bot.close();
  producer.disconnect();
  await fx.cleanup();
}
