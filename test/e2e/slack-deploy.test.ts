/**
 * Slack end to end, with nothing faked: the real Bolt app over Socket Mode against the local Slack
 * emulator (which enforces Slack's limits), real Redis, the executor service, and the reference
 * production stack (git, Docker, compose, PostgreSQL). `/deploy` of a failing release that changes
 * the schema while users write (rolled back with the database restored: the message and its thread
 * say so, with the rows taken away and the release the host is back on) and of a good one: the
 * ephemeral preview, the confirm, a double click that starts one operation, and the one live parent
 * message per operation with its final state and stages. One stack for the whole file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { operationIndexKey } from '../../src/queue/operation-jobs.js';
import { requireDocker, requireRedis } from '../support/require-services.js';
import { REDIS_URL } from '../support/service-fixtures.js';
import { shown, startSlackBotFixture, type SlackBotFixture } from '../support/slack-emulator/slack-bot-fixture.js';
import type { StoredMessage } from '../support/slack-emulator/slack-emulator.js';
import { RELEASES } from '../support/stack/releases.js';
import { headSha, run, waitFor } from '../support/stack/stack-helpers.js';
import { startWriter, type Ack } from '../support/writer.js';

let fx: SlackBotFixture;

type Obj = Record<string, unknown>;

/** The ephemeral answer a command got through its response_url (the latest post). */
async function answerTo(responseUrl: string, count = 1): Promise<Obj> {
  const id = responseUrl.split('/').pop();
  await waitFor(async () => fx.slack.responsePosts.filter((p) => p.id === id).length >= count, 60_000, `answer ${count} to ${responseUrl}`, 50);
  const post = fx.slack.responsePosts.filter((p) => p.id === id)[count - 1]!;
  assert.equal(post.status, 200, `Slack refused the answer: ${post.error}`);
  return post.body;
}

function deployButton(preview: Obj): { button: Obj; blockId: string } {
  const block = (preview.blocks as Obj[]).find((b) => b.type === 'actions')!;
  const button = (block.elements as Obj[]).find((e) => e.action_id === 'deploy_confirm')!;
  return { button, blockId: String(block.block_id) };
}

async function finalMessage(after: number): Promise<StoredMessage> {
  let found: StoredMessage | undefined;
  await waitFor(async () => {
    found = fx.channelMessages()[after];
    const color = (found?.attachments?.[0] as Obj | undefined)?.color;
    return color !== undefined && color !== '#439FE0';
  }, 240_000, 'the operation message to reach its final state', 200);
  return found!;
}

async function previewOf(ref: string): Promise<{ preview: Obj; responseUrl: string }> {
  const { ack, responseUrl } = await fx.slack.socket.slashCommand({ command: '/deploy', text: `${ref} production` });
  assert.ok(ack.ms < 3000, `acknowledged in ${ack.ms} ms`);
  return { preview: await answerTo(responseUrl), responseUrl };
}

/** How many of the acknowledged rows the live database no longer has (found by their unique note, as rollback-traffic does). */
async function rowsNotIn(acked: readonly Ack[]): Promise<number> {
  const notes = await run(['psql', '-h', '127.0.0.1', '-p', String(fx.stack.dbPort), '-U', 'postgres', '-d', fx.stack.databaseName, '-Atc', 'select note from orders'], '/', 20_000);
  const present = new Set(notes.split('\n').filter(Boolean));
  return acked.filter((a) => !present.has(a.note)).length;
}

before(async () => {
  await requireDocker();
  await requireRedis();
  fx = await startSlackBotFixture();
  // The reference app writes its orders here (GET /cgi-bin/order.cgi).
  await run(['psql', '-h', '127.0.0.1', '-p', String(fx.stack.dbPort), '-U', 'postgres', '-d', fx.stack.databaseName, '-v', 'ON_ERROR_STOP=1', '-Atc',
    'create table orders (id bigserial primary key, note text not null, at timestamptz not null default now())'], '/', 20_000);
});

after(async () => { await fx?.cleanup(); });

describe('Slack: /deploy through the emulator onto the reference stack', () => {
  test('/deploy alone lists the newest release tags; bad refs and unknown environments say what works', async () => {
    const list = await fx.slack.socket.slashCommand({ command: '/deploy', text: '' });
    const listed = shown(await answerTo(list.responseUrl));
    // The stack's eleven tags are made within seconds: which ten are newest may tie, so check the shape.
    const tags = [...listed.matchAll(/• `([a-z0-9.-]+)` `[0-9a-f]{7}` \d+ (?:second|minute)s? ago/g)].map((m) => m[1]);
    assert.equal(tags.length, 10, 'the ten newest tags, with SHA and age');
    assert.ok(tags.every((t) => (RELEASES as readonly string[]).includes(t!)), tags.join(' '));
    if (tags.includes('v1.0.0')) assert.match(listed, /`v1\.0\.0` `[0-9a-f]{7}` [^•"]*? — \*running now\*/);
    const badRef = await fx.slack.socket.slashCommand({ command: '/deploy', text: 'no-such-tag production' });
    assert.match(shown(await answerTo(badRef.responseUrl)), /no-such-tag/);
    const badEnv = await fx.slack.socket.slashCommand({ command: '/deploy', text: 'v1.1.0 staging' });
    assert.match(shown(await answerTo(badEnv.responseUrl)), /no environment \\"staging\\".*use one of: production/s);
    const unsafe = await fx.slack.socket.slashCommand({ command: '/deploy', text: '--upload-pack=x production' });
    assert.match(shown(await answerTo(unsafe.responseUrl)), /starts with \\"-\\"/);
  });

  test('a failing release that changed the schema: rolled back, the database restored; the message and its thread say so, with the rows taken away per table, where they are, and the release the host is back on', async () => {
    const head = await headSha(fx.stack.appDir);
    const { preview, responseUrl } = await previewOf('health-503');
    const before = fx.channelMessages().length;
    // Users keep writing through the deploy: the rows they commit after the snapshot are what the restore takes away.
    const writer = startWriter(fx.stack.webPort, 100);
    let done: StoredMessage;
    try {
      await fx.slack.socket.clickButton({ ...deployButton(preview), responseUrl });
      done = await finalMessage(before);
    } finally { await writer.stop(); }
    assert.equal((done.attachments?.[0] as Obj).color, 'warning');
    const body = shown(done);
    assert.match(body, /failed and rolled back/);
    assert.match(body, /:x: health/);
    assert.match(body, /Why:\*[^"]*503/);
    assert.match(body, /\*Rollback\*/);
    assert.equal(await headSha(fx.stack.appDir), head, 'code is back on the release before');
    const taken = await rowsNotIn(writer.acked);
    assert.ok(taken > 0, `rows were committed after the snapshot and taken away by the restore (${writer.acked.length} acknowledged)`);
    assert.match(body, /:white_check_mark: database restored — [0-9.]+ (ms|s)/);
    assert.doesNotMatch(body, /restore_database/, 'the database step says what it did');
    const line = /\*Database:\* The database was put back to the pre-deploy backup backup_\d+_\d+(?:_\d+)?\.dump, because the deploy changed the database[^"]*? \d+ rows? written or rewritten since the snapshot \([^)]*public\.orders (\d+)\b[^)]*\) are not in it; they are in safety backup (safety_backup_\d+_\d+(?:_\d+)?\.dump)/;
    const [, counted, safety] = line.exec(body) ?? [];
    assert.ok(counted && safety, `the live message's database line: ${body}`);
    // Every committed row counts, answered or not: a write the stopping app committed may never have answered.
    assert.ok(Number(counted) >= taken && Number(counted) <= taken + writer.refused, `public.orders ${counted}: ${taken} acknowledged rows taken away, ${writer.refused} unanswered`);
    await waitFor(async () => fx.threadOf(done.ts).length > 0, 30_000, 'the thread reply');
    const thread = shown(fx.threadOf(done.ts)[0]);
    assert.match(thread, /What happened[^"]*503/);
    assert.match(thread, line, 'the thread says the same sentence');
    assert.match(thread, new RegExp(`that the restored database does not have:[^"]*• \`public\\.orders\`: ${counted} rows?`));
    assert.match(thread, new RegExp(`To get them back: \`ripcord backups restore ${safety} --into NEW_DB\``));
    assert.match(thread, new RegExp(`Back on: \`v1\\.0\\.0\` \`${head.slice(0, 12)}\` \\(read from the host after the rollback\\)`));
  });

  test('a good release: preview, a double-clicked Deploy starts one operation, one live message ends succeeded', async () => {
    const head = await headSha(fx.stack.appDir);
    const { preview, responseUrl } = await previewOf('v1.1.0');
    const text = shown(preview);
    assert.match(text, new RegExp(`\`v1\\.0\\.0\` \`${head.slice(0, 7)}\` \\(\\d+ (second|minute)s? ago\\) → \`v1\\.1\\.0\``), 'current → target with tags, SHAs and ages');
    assert.match(text, /Commits \(1\)[^"]*release v1\.1\.0/);
    assert.match(text, /Migration files this release adds or changes \(1\)[^"]*003_price\.sql/);
    assert.match(text, /If it fails:[^"]*restored from the pre-deploy backup/);
    assert.match(text, /Asked by @alice/);
    const { button, blockId } = deployButton(preview);
    assert.ok(button.confirm, 'Deploy sits behind a confirmation dialog');
    const before = fx.channelMessages().length;
    const redis = new Redis(REDIS_URL);
    try {
      const queued = await redis.zcard(operationIndexKey(fx.prefix, 'production'));
      const clicks = await Promise.all([0, 1].map(() => fx.slack.socket.clickButton({ button, blockId, responseUrl })));
      for (const c of clicks) assert.ok(c.ack.ms < 3000);
      await finalMessage(before);
      assert.equal(await redis.zcard(operationIndexKey(fx.prefix, 'production')), queued + 1, 'one operation queued for the double click');
    } finally { redis.disconnect(); }
    const done = await finalMessage(before);
    assert.equal(fx.channelMessages().length, before + 1, 'one parent message for the double click');
    assert.equal((done.attachments?.[0] as Obj).color, 'good');
    const body = shown(done);
    assert.match(body, /deploy v1\.1\.0[^"]*production[^"]*succeeded/);
    for (const stage of ['preflight', 'backup', 'fetch', 'build', 'migrate', 'static', 'up', 'health', 'integrity', 'logs']) {
      assert.match(body, new RegExp(`:white_check_mark: ${stage} — [0-9.]+ (ms|s)`), `stage ${stage} with its duration`);
    }
    assert.match(body, /Asked by @alice \(U0ALICE\) via slack/);
    assert.ok(done.updates >= 1, 'updated in place');
    assert.equal((await run(['git', 'rev-parse', 'HEAD'], fx.stack.appDir, 10_000)).trim(), (await run(['git', 'rev-parse', 'v1.1.0^{commit}'], fx.stack.appDir, 10_000)).trim());
    const replaced = await answerTo(responseUrl, 2);
    assert.match(shown(replaced), /operation/);
  });

  test('/status shows the release and health; nothing the bot sent was refused by the emulator', async () => {
    const s = await fx.slack.socket.slashCommand({ command: '/status', text: 'production' });
    assert.match(shown(await answerTo(s.responseUrl)), /production[^"]*v1\.1\.0[^"]*Health: :large_green_circle: ok/);
    const refused = fx.slack.calls.filter((c) => c.status === 200 && c.response.ok !== true);
    assert.deepEqual(refused.map((c) => `${c.method}: ${String(c.response.error)}`), []);
    assert.deepEqual(fx.slack.responsePosts.filter((p) => p.status !== 200).map((p) => p.error), []);
  });
});
