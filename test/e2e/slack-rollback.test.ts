/**
 * Slack end to end for rollbacks, backups and the Home tab, with nothing faked but Slack: the real
 * Bolt app over Socket Mode against the emulator (which enforces trigger_id and modal rules), real
 * Redis, the executor service and the reference production stack. After a deploy of v1.1.0:
 * `/rollback quick` previews (from → to, database restored and why), a stale preview is refused
 * and offers a fresh one, the danger-styled confirm restores v1.0.0, the old preview can no longer
 * be confirmed; `/backups list`, a restore behind its confirm while the lock is held (the answer
 * names the holder); the `/rollback` modal back to v1.1.0; the Home tab, whose "Back up now" refuses
 * someone not allowed in a private modal and audits it. One stack for the file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readAudit } from '../../src/state/audit-log.js';
import { EnvironmentLocks } from '../../src/state/environment-lock.js';
import { requireDocker, requireRedis } from '../support/require-services.js';
import { shown, startSlackBotFixture, type SlackBotFixture } from '../support/slack-emulator/slack-bot-fixture.js';
import type { StoredMessage } from '../support/slack-emulator/slack-emulator.js';
import type { OpenView } from '../support/slack-emulator/web-api.js';
import { headSha, run, waitFor } from '../support/stack/stack-helpers.js';

let fx: SlackBotFixture;
type Obj = Record<string, unknown>;

const shaOf = async (ref: string) => (await run(['git', 'rev-parse', `${ref}^{commit}`], fx.stack.appDir, 10_000)).trim();

async function command(name: string, text: string): Promise<{ answer: Obj; responseUrl: string }> {
  const { ack, responseUrl } = await fx.slack.socket.slashCommand({ command: name, text });
  assert.ok(ack.ms < 3000, `${name} ${text} acknowledged in ${ack.ms} ms`);
  return { answer: await answerTo(responseUrl), responseUrl };
}

async function answerTo(responseUrl: string, count = 1): Promise<Obj> {
  const id = responseUrl.split('/').pop();
  await waitFor(async () => fx.slack.responsePosts.filter((p) => p.id === id).length >= count, 120_000, `answer ${count} to ${responseUrl}`, 50);
  const post = fx.slack.responsePosts.filter((p) => p.id === id)[count - 1]!;
  assert.equal(post.status, 200, `Slack refused the answer: ${post.error}`);
  return post.body;
}

function buttonIn(blocks: unknown, actionId: string): { button: Obj; blockId: string } {
  const block = (blocks as Obj[]).find((b) => b.type === 'actions' && (b.elements as Obj[]).some((e) => e.action_id === actionId));
  assert.ok(block, `a ${actionId} button in ${JSON.stringify(blocks).slice(0, 400)}`);
  return { button: (block.elements as Obj[]).find((e) => e.action_id === actionId)!, blockId: String(block.block_id) };
}

async function finalMessage(index: number): Promise<StoredMessage> {
  let found: StoredMessage | undefined;
  await waitFor(async () => {
    found = fx.channelMessages()[index];
    const color = (found?.attachments?.[0] as Obj | undefined)?.color;
    return color !== undefined && color !== '#439FE0';
  }, 300_000, `operation message ${index} to reach its final state`, 200);
  return found!;
}

const latestModal = (): OpenView => [...fx.slack.state.modals.values()].at(-1)!;

async function modalShowing(pattern: RegExp, what: string): Promise<OpenView> {
  await waitFor(async () => pattern.test(JSON.stringify(latestModal()?.view ?? {})), 120_000, what, 100);
  return latestModal();
}

before(async () => {
  await requireDocker();
  await requireRedis();
  fx = await startSlackBotFixture();
});

after(async () => { await fx?.cleanup(); });

describe('Slack: /rollback, /backups and the Home tab through the emulator onto the reference stack', () => {
  let quickPreview: Obj;
  let quickUrl = '';

  test('help, anything unknown, unknown environments, bad refs and nothing to roll back to are answered in words', async () => {
    assert.match(shown((await command('/rollback', 'help')).answer), /\/rollback quick \[ENV\][\s\S]*Environments: `production`/);
    assert.match(shown((await command('/rollback', 'sideways')).answer), /\\"sideways\\" is not a rollback kind or an environment \(production\)/);
    assert.match(shown((await command('/rollback', 'quick staging')).answer), /no environment \\"staging\\"[^"]*use one of: production/);
    assert.match(shown((await command('/rollback', 'commit no-such-tag')).answer), /no-such-tag\\" is not a tag, branch or commit/);
    assert.match(shown((await command('/rollback', 'commit --upload-pack=x')).answer), /starts with \\"-\\"/);
    assert.match(shown((await command('/rollback', 'quick')).answer), /no release to roll production back to/);
    assert.match(shown((await command('/backups', 'shred')).answer), /\\"shred\\" is not a \/backups command[\s\S]*\/backups list \[ENV\]/);
    assert.match(shown((await command('/backups', 'restore backup_19990101_000000.dump')).answer), /no backup \\"backup_19990101_000000\.dump\\" in production/);
    for (const p of fx.slack.responsePosts) assert.doesNotMatch(JSON.stringify(p.body), /at [\w.]+ \(|node:internal|\.ts:\d+/, 'no stack trace');
  });

  test('after a deploy of v1.1.0, /rollback quick shows from → to and why the database is restored, behind a danger confirm', async () => {
    const { answer, responseUrl } = await command('/deploy', 'v1.1.0 production');
    const before = fx.channelMessages().length;
    await fx.slack.socket.clickButton({ ...buttonIn(answer.blocks, 'deploy_confirm'), responseUrl });
    assert.equal((await finalMessage(before)).attachments?.[0]?.color, 'good');
    ({ answer: quickPreview, responseUrl: quickUrl } = await command('/rollback', 'quick'));
    const text = shown(quickPreview);
    assert.match(text, /Quick rollback of production\?[^"]*Level 3[^"]*`v1\.1\.0 [0-9a-f]{7}` → `v1\.0\.0 [0-9a-f]{7}`/);
    assert.match(text, /Database: restored\* from `backup_[^`]+`[^"]*predeploy[^"]*verified/);
    assert.match(text, /Why:_ v1\.0\.0 [0-9a-f]{7} ran on another database: since backup_\S+, taken before [0-9a-f]{7} was deployed, the schema changed/);
    const { button } = buttonIn(quickPreview.blocks, 'rollback_confirm');
    assert.equal(button.style, 'danger');
    assert.equal((button.confirm as Obj).style, 'danger', 'the confirmation dialog is danger-styled too');
  });

  test('a preview older than a few minutes is refused and offers a fresh one', async () => {
    const { button, blockId } = buttonIn(quickPreview.blocks, 'rollback_confirm');
    const old = JSON.parse(String(button.value)) as Obj;
    const stale = { ...button, value: JSON.stringify({ ...old, at: Number(old.at) - 10 * 60_000 }) };
    const before = fx.channelMessages().length;
    const click = await fx.slack.socket.clickButton({ button: stale, blockId });
    const refused = shown(await answerTo(click.responseUrl));
    assert.match(refused, /this preview is 10 minutes old[^"]*Nothing was submitted/);
    const fresh = buttonIn(JSON.parse(refused)[1], 'preview_refresh');
    const again = await fx.slack.socket.clickButton({ ...fresh, responseUrl: click.responseUrl });
    assert.match(shown(await answerTo(again.responseUrl, 2)), /Quick rollback of production\?[^"]*`v1\.1\.0 [0-9a-f]{7}` → `v1\.0\.0/);
    assert.equal(fx.channelMessages().length, before, 'nothing was submitted');
  });

  test('confirming restores v1.0.0 with its database; the same preview cannot be confirmed again once the plan moved', async () => {
    const before = fx.channelMessages().length;
    await fx.slack.socket.clickButton({ ...buttonIn(quickPreview.blocks, 'rollback_confirm'), responseUrl: quickUrl });
    const done = await finalMessage(before);
    assert.equal((done.attachments?.[0] as Obj).color, 'good', shown(done));
    const body = shown(done);
    assert.match(body, /\*manual rollback quick\* on \*production\*[^"]*succeeded/);
    assert.match(body, /:white_check_mark: database restored — [0-9.]+ (ms|s)/);
    // A manual rollback's words, never a deploy's: restored from the backup chosen, the state before this rollback in the safety backup.
    const line = /\*Database:\* The database was restored from backup (backup_\d+_\d+(?:_\d+)?\.dump), because the rollback plan restores \1\. (?:No rows were|\d+ rows?) written or rewritten since the snapshot[^"]*?(?:The database as it was before this rollback is kept in|they are in) safety backup safety_backup_\d+_\d+(?:_\d+)?\.dump/;
    assert.match(body, line);
    assert.doesNotMatch(body, /deploy failed|pre-deploy backup|as the deploy left it/);
    await waitFor(async () => fx.threadOf(done.ts).length > 0, 30_000, 'the thread of the manual rollback');
    const thread = shown(fx.threadOf(done.ts)[0]);
    assert.match(thread, line, 'the thread says the same sentence');
    const [v100, v110] = [await shaOf('v1.0.0'), await shaOf('v1.1.0')];
    assert.match(thread, new RegExp(`Back on: \`v1\\.0\\.0\` \`${v100.slice(0, 12)}\` \\(read from the host after the rollback\\)`));
    assert.doesNotMatch(thread, new RegExp(v110.slice(0, 12)), 'never the release it left');
    assert.match(shown(await answerTo(quickUrl, 2)), /Rollback quick on \*production\* — starting: operation `/);
    assert.equal(await headSha(fx.stack.appDir), await shaOf('v1.0.0'));
    const columns = await run(['psql', '-h', '127.0.0.1', '-p', String(fx.stack.dbPort), '-U', 'postgres', '-d', fx.stack.databaseName, '-Atc',
      "select column_name from information_schema.columns where table_name = 'items' order by 1"], '/', 20_000);
    assert.match(columns, /^id$/m);
    assert.doesNotMatch(columns, /price_cents/, 'the v1.1.0 migration is undone by the restore');
    await fx.slack.socket.clickButton({ ...buttonIn(quickPreview.blocks, 'rollback_confirm'), responseUrl: quickUrl });
    assert.match(shown(await answerTo(quickUrl, 3)), /production changed since this preview: it ran [0-9a-f]{7} then, it runs [0-9a-f]{7} now/);
    assert.equal(fx.channelMessages().length, before + 1, 'not submitted again');
  });

  test('/backups list, then a restore behind its danger confirm, answered with the lock holder while a CLI holds the lock', async () => {
    const list = shown((await command('/backups', 'list production')).answer);
    const names = [...list.matchAll(/• `((?:safety_)?backup_[^`]+)` (predeploy|safety)/g)].map((m) => [m[1]!, m[2]!]);
    assert.ok(names.some(([, k]) => k === 'predeploy') && names.some(([, k]) => k === 'safety'), list);
    assert.match(list, /predeploy, [0-9.]+ [KM]iB, \d+ (second|minute)s? ago, :white_check_mark: verified/);
    const predeploy = names.find(([, k]) => k === 'predeploy')![0];
    const { answer, responseUrl } = await command('/backups', `restore ${predeploy}`);
    assert.match(shown(answer), /Restore production's database from `backup_[^`]+`\?[\s\S]*safety backup of the current database is taken first/);
    const restore = buttonIn(answer.blocks, 'backup_restore_confirm');
    assert.equal(restore.button.style, 'danger');
    assert.ok(restore.button.confirm, 'behind a confirmation dialog');
    const locks = new EnvironmentLocks(fx.config.stateDir);
    const held = await locks.acquire('production', { operation: 'deploy v9.9.9 by @bob via cli', deploymentId: 'held-by-test' });
    const before = fx.channelMessages().length;
    try {
      await fx.slack.socket.clickButton({ ...restore, responseUrl });
      assert.match(shown(await answerTo(responseUrl, 2)), /Restore of backup_[^"]*waiting: \*production\* is locked by deploy v9\.9\.9 by @bob via cli \(deployment held-by-test\)[^"]*since [^"]*ago/);
    } finally { await held.release(); }
    const done = await finalMessage(before);
    assert.equal((done.attachments?.[0] as Obj).color, 'good', shown(done));
    assert.match(shown(done), /backup restore backup_[^"]*succeeded/);
  });

  test('the /rollback modal: a picker of releases that ran, a missing pick answered beside it, a preview with a danger confirm, then v1.1.0 again', async () => {
    const { ack } = await fx.slack.socket.slashCommand({ command: '/rollback', text: '' });
    assert.ok(ack.ms < 3000);
    const form = await modalShowing(/"callback_id":"rollback_modal"/, 'the rollback form');
    const v110 = await shaOf('v1.1.0');
    const body = JSON.stringify(form.view);
    assert.match(body, new RegExp(`"text":"v1\\.1\\.0 ${v110.slice(0, 7)} — live until \\d+ (second|minute)s? ago[^"]*","emoji":true\\},"value":"${v110}"`));
    assert.match(body, /predeploy, \d+ (second|minute)s? ago, verified/);
    assert.ok((form.view.title as Obj).text && String((form.view.title as Obj).text).length <= 24);
    const missing = await fx.slack.socket.submitView({ viewId: form.id, values: { kind: { kind: { type: 'radio_buttons', selected_option: { value: 'commit' } } } } });
    assert.equal(missing.outcome, 'errors');
    assert.deepEqual(missing.ack.payload.errors, { release: 'pick the release to go back to' });
    const submitted = await fx.slack.socket.submitView({ viewId: form.id, values: {
      kind: { kind: { type: 'radio_buttons', selected_option: { value: 'commit' } } },
      release: { release: { type: 'static_select', selected_option: { value: v110 } } },
    } });
    assert.equal(submitted.outcome, 'updated');
    assert.equal(submitted.refused, null);
    const preview = await modalShowing(/rollback_confirm/, 'the preview in the modal');
    assert.match(JSON.stringify(preview.view), /Roll back to a release of production\?[^"]*`v1\.0\.0 [0-9a-f]{7}` → `v1\.1\.0 [0-9a-f]{7}`[\s\S]*Database: kept/);
    const confirm = buttonIn(preview.view.blocks, 'rollback_confirm');
    assert.equal(confirm.button.style, 'danger');
    const before = fx.channelMessages().length;
    await fx.slack.socket.clickButton({ ...confirm, viewId: preview.id });
    await modalShowing(/Rollback commit on \*production\* — starting: operation/, 'the modal says it was submitted');
    const done = await finalMessage(before);
    assert.equal((done.attachments?.[0] as Obj).color, 'good', shown(done));
    assert.equal(await headSha(fx.stack.appDir), v110);
    // Nothing records the database v1.1.0 ran on here (its backups were taken while v1.0.0 ran): kept, and said so.
    assert.match(shown(done), /\*Database:\* The database was kept: a code-only rollback restores no backup, and nothing on this host records the database v1\.1\.0 [0-9a-f]{7} ran on: the database is kept as it is — check that v1\.1\.0 [0-9a-f]{7} can run on it\./);
    await waitFor(async () => fx.threadOf(done.ts).length > 0, 30_000, 'the thread of the manual rollback');
    assert.match(shown(fx.threadOf(done.ts)[0]), new RegExp(`Back on: \`v1\\.1\\.0\` \`${v110.slice(0, 12)}\``));
  });

  test('the Home tab: release and health, the last five operations with outcomes, the newest verified backup, the lock, buttons', async () => {
    await fx.slack.socket.appHomeOpened('U0ALICE');
    await waitFor(async () => fx.slack.state.homes.has('U0ALICE'), 60_000, 'the Home tab published');
    const home = JSON.stringify(fx.slack.state.homes.get('U0ALICE'));
    assert.match(home, /"type":"header","text":\{"type":"plain_text","text":"production"/);
    assert.match(home, /\*Release:\* `v1\.1\.0` `[0-9a-f]{7}`\\n\*Health:\* :large_green_circle: healthy\\n\*Lock:\* free\\n\*Newest verified backup:\* `(?:safety_)?backup_[^`]+` \((predeploy|safety|manual), \d+ (second|minute)s? ago\)/);
    const recent = /Last operations\*((?:\\n• [^"]*)+)/.exec(home)?.[1] ?? '';
    const lines = recent.split('\\n• ').filter(Boolean);
    const ago = ', \\d+ (second|minute)s? ago';
    assert.equal(lines.length, 4, recent);
    assert.match(lines[0]!, new RegExp(`^:white_check_mark: succeeded rollback commit level 1 [0-9a-f]{40} by @alice \\(U0ALICE\\) via slack${ago}$`));
    assert.match(lines[1]!, new RegExp(`^:white_check_mark: succeeded backup restore backup_\\d+_\\d+\\.dump by @alice \\(U0ALICE\\) via slack${ago}$`));
    assert.match(lines[2]!, new RegExp(`^:white_check_mark: succeeded rollback quick by @alice \\(U0ALICE\\) via slack${ago}$`));
    assert.match(lines[3]!, new RegExp(`^:white_check_mark: succeeded deploy v1\\.1\\.0 by @alice \\(U0ALICE\\) via slack${ago}$`));
    for (const id of ['home_rollback:production', 'home_backup:production', 'home_refresh']) assert.match(home, new RegExp(`"action_id":"${id}"`));
    const published = fx.slack.callsOf('views.publish').length;
    await fx.slack.socket.clickButton({ ...buttonIn(fx.slack.state.homes.get('U0ALICE')!.blocks, 'home_refresh'), homeOf: 'U0ALICE' });
    await waitFor(async () => fx.slack.callsOf('views.publish').length > published, 60_000, 'the Home tab published again');
    await fx.slack.socket.clickButton({ ...buttonIn(fx.slack.state.homes.get('U0ALICE')!.blocks, 'home_rollback:production'), homeOf: 'U0ALICE' });
    await modalShowing(/"callback_id":"rollback_modal"/, 'the rollback form opened from Home');
  });

  test('Home "Back up now" by someone not in permissions.backup: a private modal says who can, the denial is audited, nothing is submitted', async () => {
    const env = fx.config.environments.production!;
    env.permissions.backup = ['U0ALICE']; // the bot reads its config on every check
    try {
      const known = (await readAudit(fx.bot.audit.path)).length;
      const operations = fx.slack.state.messages.length;
      await fx.slack.socket.clickButton({ ...buttonIn(fx.slack.state.homes.get('U0ALICE')!.blocks, 'home_backup:production'), homeOf: 'U0ALICE', userId: 'U0MALLORY' });
      const shownModal = await modalShowing(/not allowed to back up/, 'the refusal in a modal');
      assert.equal(shownModal.userId, 'U0MALLORY');
      assert.match(JSON.stringify(shownModal.view), /It can be done by <@U0ALICE>/);
      const denied = (await readAudit(fx.bot.audit.path)).slice(known);
      assert.deepEqual(denied.map((e) => [e.event, e.action, e.user.id, e.target, e.channel, e.detail]), [['denied', 'backup', 'U0MALLORY', 'manual backup', null, 'not_permitted']]);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(fx.slack.state.messages.length, operations, 'no operation message: nothing was submitted');
    } finally {
      env.permissions.backup = [];
    }
  });

  test('nothing the bot sent was refused by the emulator', () => {
    assert.deepEqual(fx.slack.calls.filter((c) => c.status === 200 && c.response.ok !== true).map((c) => `${c.method}: ${String(c.response.error)}`), []);
    assert.deepEqual(fx.slack.responsePosts.filter((p) => p.status !== 200).map((p) => p.error), []);
  });
});
