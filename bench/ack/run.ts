/**
 * bench/ack: how fast the bot acknowledges Slack while the executor beside it is busy deploying.
 * Ripcord runs as `ripcord start` does in production — one child process with the executor and
 * the Slack bot (Socket Mode) — deploying v1.1.0 of the reference stack for real (git, Docker
 * build, compose, PostgreSQL). Slack is this process (the local emulator), as it is another
 * machine in life, so an ack is timed when it reaches Slack. While the deploy runs, bursts of N
 * concurrent `/deploy` commands and N concurrent Deploy clicks (on the preview of the running
 * deploy: the same request ID, so no new operation) go out as Socket Mode envelopes. Baseline: a
 * bare Bolt app in its own process (bare-bolt.ts) whose listeners only `ack()`, given the same
 * bursts from its own emulator, alternating with Ripcord's so both see the same deploy.
 * Slack's limit is 3 s; the target is p99 < 100 ms. BENCH_STALLS=dir also reports, per burst, the
 * stalls and GCs of every Node process of the run (stalls.ts).
 *
 *   flock /tmp/ripcord-heavy.lock node --import tsx bench/ack/run.ts [perBurst=50] [rounds=3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { operationIndexKey } from '../../src/queue/operation-jobs.js';
import { ripcordArgv } from '../../test/support/cli.js';
import { dropPrefix, newPrefix, REDIS_URL } from '../../test/support/service-fixtures.js';
import { APP_TOKEN, BOT_TOKEN, SlackEmulator } from '../../test/support/slack-emulator/slack-emulator.js';
import { WebApiState } from '../../test/support/slack-emulator/web-api.js';
import { configFor, createReferenceStack, type ReferenceStack } from '../../test/support/stack/reference-stack.js';
import { waitFor } from '../../test/support/stack/stack-helpers.js';
import { probeStalls, reportStalls, type Burst } from './stalls.js';

const N = Number(process.argv[2] ?? 50);
const ROUNDS = Number(process.argv[3] ?? 3);
const CHANNEL = '#deploys-bench';
type Obj = Record<string, unknown>;

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

/** The ack time of each, in ms; an envelope not acknowledged within Slack's 3 s counts as Infinity (operation_timeout). */
const ackTimes = (settled: Array<PromiseSettledResult<{ ack: { ms: number } }>>) => settled.map((s) => (s.status === 'fulfilled' ? s.value.ack.ms : Number.POSITIVE_INFINITY));

const bursts: Burst[] = [];

/** N commands at once, then N clicks at once. */
async function burst(slack: SlackEmulator, click: { button: Obj; blockId: string }, round: number, who: Burst['who']): Promise<{ commands: number[]; clicks: number[] }> {
  const timed = async (kind: Burst['kind'], send: (i: number) => Promise<{ ack: { ms: number } }>) => {
    const startedAt = Date.now();
    const acks = ackTimes(await Promise.allSettled(Array.from({ length: N }, (_, i) => send(i))));
    bursts.push({ round, who, kind, startedAt, endedAt: Date.now(), acks });
    return acks;
  };
  const commands = await timed('commands', (i) => slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0 production', userId: `U0BENCH${i}` }));
  const clicks = await timed('clicks', (i) => slack.socket.clickButton({ ...click, userId: `U0BENCH${i}` }));
  return { commands, clicks };
}

function child(argv: string[], name: string): ChildProcess {
  const [node, ...args] = argv;
  const c = spawn(node!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  c.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  return c;
}

async function stopChild(c: ChildProcess | undefined): Promise<void> {
  if (!c || c.exitCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 120_000))]);
  if (c.exitCode === null) c.kill('SIGKILL');
}

let stack: ReferenceStack | undefined;
let slack: SlackEmulator | undefined;
let baseSlack: SlackEmulator | undefined;
let ripcord: ChildProcess | undefined;
let bare: ChildProcess | undefined;
const prefix = newPrefix();
const stallsDir = await probeStalls();
try {
  stack = await createReferenceStack();
  await stack.up();
  slack = await SlackEmulator.start();
  baseSlack = await SlackEmulator.start();
  const doc = configFor(stack, { slack: { channel: CHANNEL } });
  Object.assign(doc, {
    redis: { url: REDIS_URL, prefix }, service: { listen: '127.0.0.1:0', jobLockSeconds: 10 },
    slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: slack.apiUrl }, logging: { level: 'warn' },
  });
  writeFileSync(stack.configPath, stringify(doc));
  // BENCH_CPU_PROF=dir: a CPU profile of each Node process of `ripcord start` — the executor, the
  // bot and its reader (forkModule passes --cpu-prof on) — written when each stops.
  const [node, ...rest] = ripcordArgv(['--config', stack.configPath, 'start', '--no-backups']);
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  ripcord = child([node!, ...profile, ...rest], 'ripcord start');
  bare = child([process.execPath, '--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./bare-bolt.ts', import.meta.url)), baseSlack.apiUrl], 'bare bolt');
  await slack.socket.connected(120_000);
  await baseSlack.socket.connected(120_000);
  const s = slack;
  const parent = () => s.state.messages.find((m) => m.channel === WebApiState.channelId(CHANNEL) && !m.threadTs);
  const color = () => (parent()?.attachments?.[0] as Obj | undefined)?.color;
  // The deploy that keeps the executor busy, started the way a person starts it.
  const p = await slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0 production' });
  const id = p.responseUrl.split('/').pop();
  await waitFor(async () => s.responsePosts.some((r) => r.id === id), 120_000, 'the preview', 50);
  const preview = slack.responsePosts.find((r) => r.id === id)!.body;
  const block = (preview.blocks as Obj[]).find((b) => b.type === 'actions')!;
  const click = { button: (block.elements as Obj[]).find((e) => e.action_id === 'deploy_confirm')!, blockId: String(block.block_id) };
  const deployStarted = Date.now();
  await slack.socket.clickButton({ ...click, responseUrl: p.responseUrl });
  await waitFor(async () => /:hourglass_flowing_sand: build|:white_check_mark: build/.test(JSON.stringify(parent() ?? '')), 240_000, 'the build stage', 200);
  const busyAt = (Date.now() - deployStarted) / 1000;
  const r = { commands: [] as number[], clicks: [] as number[] };
  const b = { commands: [] as number[], clicks: [] as number[] };
  const stillBusy: boolean[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const base = await burst(baseSlack, click, round, 'bare Bolt');
    const mine = await burst(slack, click, round, 'ripcord');
    // BENCH_RAW=1: every ack time of the round, to see where in a burst the slow ones fall.
    if (process.env.BENCH_RAW) console.log(`  round ${round}: commands ${mine.commands.map((v) => v.toFixed(0)).join(' ')} | clicks ${mine.clicks.map((v) => v.toFixed(0)).join(' ')}`);
    b.commands.push(...base.commands); b.clicks.push(...base.clicks);
    r.commands.push(...mine.commands); r.clicks.push(...mine.clicks);
    stillBusy.push(color() === '#439FE0');
  }
  const redis = new Redis(REDIS_URL);
  const operations = await redis.zcard(operationIndexKey(prefix, 'production'));
  redis.disconnect();
  console.log(`bench/ack: ${ROUNDS} rounds × (${N} concurrent /deploy + ${N} concurrent Deploy clicks) over Socket Mode, while \`ripcord start\` deploys v1.1.0 of the reference stack`);
  console.log(`  bursts began ${busyAt.toFixed(1)} s into the deploy (build stage); still deploying after each round: ${stillBusy.join(', ')}; operations queued: ${operations}`);
  const timeouts = (xs: number[]) => xs.filter((v) => v === Number.POSITIVE_INFINITY).length;
  const row = (name: string, rs: number[], bs: number[]) =>
    console.log(`  ${name.padEnd(15)} ripcord p50 ${pct(rs, 50).toFixed(1).padStart(6)} p99 ${pct(rs, 99).toFixed(1).padStart(6)} max ${Math.max(...rs).toFixed(1).padStart(6)} (>3 s: ${timeouts(rs)}) | bare Bolt p50 ${pct(bs, 50).toFixed(1).padStart(6)} p99 ${pct(bs, 99).toFixed(1).padStart(6)} (>3 s: ${timeouts(bs)}) | p99 ratio ${(pct(rs, 99) / pct(bs, 99)).toFixed(2)}× (ms)`);
  row('slash commands', r.commands, b.commands);
  row('button clicks', r.clicks, b.clicks);
  row('all', [...r.commands, ...r.clicks], [...b.commands, ...b.clicks]);
  await waitFor(async () => color() !== '#439FE0', 600_000, 'the deploy to finish', 500);
  console.log(`  the deploy ended: ${color() === 'good' ? 'succeeded' : String(color())} after ${((Date.now() - deployStarted) / 1000).toFixed(0)} s`);
} finally {
  await stopChild(bare);
  await stopChild(ripcord);
  await baseSlack?.stop().catch(() => undefined);
  await slack?.stop().catch(() => undefined);
  await dropPrefix(prefix);
  await stack?.cleanup();
}
if (stallsDir) reportStalls(stallsDir, bursts, console.log);
