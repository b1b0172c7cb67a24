/**
 * bench/ack: how fast the bot acknowledges Slack while the executor beside it is busy deploying.
 * `ripcord start`'s shape in one process — the Slack bot (Socket Mode, through the local Slack
 * emulator) and the executor service running a real deploy of the reference stack (git, Docker
 * build, compose, PostgreSQL). While that deploy runs, bursts of N concurrent `/deploy` slash
 * commands and N concurrent Deploy clicks (on the preview of the running deploy: the same request
 * ID, so no new operation) go out as Socket Mode envelopes; the emulator times each envelope
 * until its ack. Baseline: a bare Bolt app (Socket Mode, its own emulator, same process) whose
 * listeners only `ack()`, given the same envelopes in the same moments. Rounds alternate
 * baseline and Ripcord so both see the same phase of the deploy. Slack's limit is 3 s; the
 * target is p99 < 100 ms.
 *
 *   flock /tmp/ripcord-heavy.lock node --import tsx bench/ack/run.ts [perBurst=50] [rounds=3]
 */
import { App, LogLevel } from '@slack/bolt';
import { Redis } from 'ioredis';
import { operationIndexKey } from '../../src/queue/operation-jobs.js';
import { APP_TOKEN, BOT_TOKEN, SlackEmulator } from '../../test/support/slack-emulator/slack-emulator.js';
import { startSlackBotFixture, type SlackBotFixture } from '../../test/support/slack-emulator/slack-bot-fixture.js';
import { waitFor } from '../../test/support/stack/stack-helpers.js';

const N = Number(process.argv[2] ?? 50);
const ROUNDS = Number(process.argv[3] ?? 3);
type Obj = Record<string, unknown>;
const RUNNING_COLOR = '#439FE0';
const finished = (fx: SlackBotFixture) => { const c = (fx.channelMessages()[0]?.attachments?.[0] as Obj | undefined)?.color; return c !== undefined && c !== RUNNING_COLOR; };

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

async function answer(slack: SlackEmulator, responseUrl: string): Promise<Obj> {
  const id = responseUrl.split('/').pop();
  await waitFor(async () => slack.responsePosts.some((p) => p.id === id), 120_000, 'the preview', 50);
  return slack.responsePosts.find((p) => p.id === id)!.body;
}

/** N commands at once, then N clicks at once; the ack time of each. */
async function burst(slack: SlackEmulator, click: { button: Obj; blockId: string; responseUrl: string }): Promise<{ commands: number[]; clicks: number[] }> {
  const commands = await Promise.all(Array.from({ length: N }, (_, i) => slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0 production', userId: `U0BENCH${i}` })));
  const clicks = await Promise.all(Array.from({ length: N }, () => slack.socket.clickButton(click)));
  return { commands: commands.map((c) => c.ack.ms), clicks: clicks.map((c) => c.ack.ms) };
}

async function bareBolt(): Promise<{ slack: SlackEmulator; app: App }> {
  const slack = await SlackEmulator.start();
  const app = new App({ token: BOT_TOKEN, appToken: APP_TOKEN, socketMode: true, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slack.apiUrl } });
  app.command('/deploy', async ({ ack }) => { await ack(); });
  app.action('deploy_confirm', async ({ ack }) => { await ack(); });
  await app.start();
  await slack.socket.connected();
  return { slack, app };
}

let fx: SlackBotFixture | undefined;
let base: { slack: SlackEmulator; app: App } | undefined;
try {
  fx = await startSlackBotFixture();
  base = await bareBolt();
  // The deploy that keeps the executor busy, started the way a person starts it.
  const p = await fx.slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0 production' });
  const preview = await answer(fx.slack, p.responseUrl);
  const block = (preview.blocks as Obj[]).find((b) => b.type === 'actions')!;
  const click = { button: (block.elements as Obj[]).find((e) => e.action_id === 'deploy_confirm')!, blockId: String(block.block_id), responseUrl: p.responseUrl };
  const redis = new Redis(fx.config.redis.url);
  const deployStarted = Date.now();
  await fx.slack.socket.clickButton(click);
  const f = fx;
  await waitFor(async () => (await redis.zcard(operationIndexKey(f.prefix, 'production'))) === 1, 60_000, 'the deploy queued');
  await waitFor(async () => /:hourglass_flowing_sand: build|:white_check_mark: build/.test(JSON.stringify(f.channelMessages()[0] ?? '')), 240_000, 'the build stage', 200);
  const busyAt = (Date.now() - deployStarted) / 1000;
  const ripcord = { commands: [] as number[], clicks: [] as number[] };
  const bare = { commands: [] as number[], clicks: [] as number[] };
  const stillBusy: boolean[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const b = await burst(base.slack, { ...click, responseUrl: base.slack.newResponseUrl(`bench-${r}`) });
    const x = await burst(fx.slack, click);
    bare.commands.push(...b.commands); bare.clicks.push(...b.clicks);
    ripcord.commands.push(...x.commands); ripcord.clicks.push(...x.clicks);
    stillBusy.push(!finished(fx));
  }
  const operations = await redis.zcard(operationIndexKey(fx.prefix, 'production'));
  redis.disconnect();
  console.log(`bench/ack: ${ROUNDS} rounds × (${N} concurrent /deploy + ${N} concurrent Deploy clicks) over Socket Mode, while the executor deploys v1.1.0 of the reference stack`);
  console.log(`  bursts began ${busyAt.toFixed(1)} s into the deploy (build stage); executor still deploying after each round: ${stillBusy.join(', ')}; operations queued: ${operations} (the clicks were one request ID)`);
  const row = (name: string, rs: number[], bs: number[]) =>
    console.log(`  ${name.padEnd(16)} ripcord p50 ${pct(rs, 50).toFixed(1).padStart(6)} p99 ${pct(rs, 99).toFixed(1).padStart(6)} max ${Math.max(...rs).toFixed(1).padStart(6)} | bare Bolt p50 ${pct(bs, 50).toFixed(1).padStart(6)} p99 ${pct(bs, 99).toFixed(1).padStart(6)} | p99 ratio ${(pct(rs, 99) / pct(bs, 99)).toFixed(2)}× (ms)`);
  row('slash commands', ripcord.commands, bare.commands);
  row('button clicks', ripcord.clicks, bare.clicks);
  row('all', [...ripcord.commands, ...ripcord.clicks], [...bare.commands, ...bare.clicks]);
  // Let the deploy finish so cleanup removes a settled stack.
  await waitFor(async () => finished(f), 600_000, 'the deploy to finish', 500);
} finally {
  await base?.app.stop().catch(() => undefined);
  await base?.slack.stop().catch(() => undefined);
  await fx?.cleanup();
}
