/**
 * The Slack emulator is strict where Slack is: these are its rules on their own (pure), so an
 * e2e test that passes through it means the message would also post in a real workspace.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentedNumbers } from '../support/slack-emulator/documented-limits.js';
import { RateLimiter } from '../support/slack-emulator/rate-limits.js';
import { checkMessage, checkView } from '../support/slack-emulator/slack-rules.js';
import { BOT_TOKEN, WebApiState } from '../support/slack-emulator/web-api.js';

// Slack's documented limits, the emulator's own source: never the bot's constants under test.
const {
  MAX_BLOCKS_PER_MESSAGE, MAX_BLOCKS_PER_VIEW, MAX_MARKDOWN_BLOCK_CHARS, MAX_MESSAGE_TEXT_CHARS, MAX_MODAL_TITLE_CHARS, MAX_SECTION_TEXT_CHARS,
  MAX_URL_CHARS, TRIGGER_ID_TTL_MS,
} = documentedNumbers(['MAX_BLOCKS_PER_MESSAGE', 'MAX_BLOCKS_PER_VIEW', 'MAX_MARKDOWN_BLOCK_CHARS', 'MAX_MESSAGE_TEXT_CHARS', 'MAX_MODAL_TITLE_CHARS',
  'MAX_SECTION_TEXT_CHARS', 'MAX_URL_CHARS', 'TRIGGER_ID_TTL_MS'] as const);

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('messages', () => {
  test('a plain, valid message passes', () => {
    assert.equal(checkMessage({ text: 'hi', blocks: [section('hello')] }), null);
  });
  test('more than 50 blocks, a long section, long text, empty messages, duplicate block IDs are refused', () => {
    assert.equal(checkMessage({ text: 'x', blocks: Array.from({ length: MAX_BLOCKS_PER_MESSAGE + 1 }, () => ({ type: 'divider' })) })?.error, 'invalid_blocks');
    assert.equal(checkMessage({ text: 'x', blocks: [section('y'.repeat(MAX_SECTION_TEXT_CHARS + 1))] })?.error, 'invalid_blocks');
    assert.equal(checkMessage({ text: 'y'.repeat(MAX_MESSAGE_TEXT_CHARS + 1) })?.error, 'msg_too_long');
    assert.equal(checkMessage({ text: ' ' })?.error, 'no_text');
    assert.equal(checkMessage({ text: 'x', blocks: [{ ...section('a'), block_id: 'b' }, { ...section('c'), block_id: 'b' }] })?.error, 'invalid_blocks');
  });
  test('attachment blocks are checked too, and ~13k characters of blocks is too long even when each block is fine', () => {
    assert.equal(checkMessage({ text: 'x', attachments: [{ color: 'good', blocks: [{ type: 'nonsense' }] }] })?.error, 'invalid_blocks');
    const many = Array.from({ length: 6 }, () => section('z'.repeat(2900)));
    assert.equal(checkMessage({ text: 'x', blocks: many })?.error, 'msg_blocks_too_long');
  });
  test('buttons: label length, style, a complete confirm dialog', () => {
    const actions = (button: Record<string, unknown>) => ({ text: 'x', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Go' }, ...button }] }] });
    assert.equal(checkMessage(actions({})), null);
    assert.equal(checkMessage(actions({ text: { type: 'plain_text', text: 'g'.repeat(76) } }))?.error, 'invalid_blocks');
    assert.equal(checkMessage(actions({ style: 'green' }))?.error, 'invalid_blocks');
    assert.equal(checkMessage(actions({ confirm: { title: { type: 'plain_text', text: 'Sure?' } } }))?.error, 'invalid_blocks');
    assert.equal(checkMessage(actions({ url: `https://example.test/${'u'.repeat(MAX_URL_CHARS)}` }))?.error, 'invalid_blocks', 'a button url past the limit');
  });
  test('a markdown block is checked against its own, larger limit', () => {
    const markdown = (length: number) => ({ text: 'x', blocks: [{ type: 'markdown', text: 'm'.repeat(length) }] });
    assert.equal(checkMessage(markdown(MAX_SECTION_TEXT_CHARS + 1)), null);
    assert.equal(checkView({ type: 'home', blocks: markdown(MAX_MARKDOWN_BLOCK_CHARS + 1).blocks })?.error, 'invalid_blocks');
  });
});

describe('views', () => {
  test('a modal needs a title of at most 24 characters and at most 100 blocks', () => {
    assert.equal(checkView({ type: 'modal', title: { type: 'plain_text', text: 'Roll back' }, blocks: [section('a')] }), null);
    assert.equal(checkView({ type: 'modal', title: { type: 'plain_text', text: 't'.repeat(25) }, blocks: [] })?.error, 'invalid_arguments');
    assert.equal(checkView({ type: 'home', blocks: Array.from({ length: MAX_BLOCKS_PER_VIEW + 1 }, () => ({ type: 'divider' })) })?.error, 'invalid_blocks');
    assert.equal(checkView({ type: 'modal', title: { type: 'plain_text', text: 'x' }, close: { type: 'plain_text', text: 'c'.repeat(25) }, blocks: [] })?.error, 'invalid_arguments');
  });
});

describe('rate limits', () => {
  test('over a method\'s window the call waits Retry-After seconds until the window ends; per channel for chat.postMessage', () => {
    const limiter = new RateLimiter({ 'chat.postMessage': { limit: 2, windowMs: 1000, perChannel: true } });
    assert.equal(limiter.retryAfter('chat.postMessage', 'C1', 0), 0);
    assert.equal(limiter.retryAfter('chat.postMessage', 'C1', 10), 0);
    assert.equal(limiter.retryAfter('chat.postMessage', 'C1', 20), 1);
    assert.equal(limiter.retryAfter('chat.postMessage', 'C2', 20), 0, 'another channel has its own window');
    assert.equal(limiter.retryAfter('chat.postMessage', 'C1', 1000), 0, 'a new window');
  });
  test('failEvery answers every n-th call with 429', () => {
    const limiter = new RateLimiter({}, 5);
    const answers = Array.from({ length: 10 }, () => limiter.retryAfter('chat.update', undefined, 0));
    assert.deepEqual(answers.map((a) => a > 0), [false, false, false, false, true, false, false, false, false, true]);
  });
});

describe('views.open, views.update, views.publish', () => {
  const modalView = (title = 'Roll back', extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: title }, blocks: [section('a')], ...extra });
  const input = { type: 'input', block_id: 'kind', label: { type: 'plain_text', text: 'Kind' }, element: { type: 'static_select', action_id: 'kind', options: [{ text: { type: 'plain_text', text: 'Quick' }, value: 'quick' }] } };

  test('a trigger_id opens one modal, within 3 s, and only one Slack issued', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_800_000_000_000 });
    const slack = new WebApiState(() => 'ws://127.0.0.1:1/');
    const trigger = slack.issueTrigger('U1');
    assert.equal(slack.handle('views.open', BOT_TOKEN, { trigger_id: 'made-up', view: modalView() }).error, 'invalid_trigger_id');
    const opened = slack.handle('views.open', BOT_TOKEN, { trigger_id: trigger, view: modalView() });
    assert.equal(opened.ok, true);
    assert.equal(slack.handle('views.open', BOT_TOKEN, { trigger_id: trigger, view: modalView() }).error, 'exchanged_trigger_id');
    const late = slack.issueTrigger('U1');
    t.mock.timers.tick(TRIGGER_ID_TTL_MS + 1);
    assert.equal(slack.handle('views.open', BOT_TOKEN, { trigger_id: late, view: modalView() }).error, 'expired_trigger_id');
    assert.equal(slack.handle('views.open', BOT_TOKEN, { trigger_id: slack.issueTrigger('U1'), view: JSON.stringify({ type: 'home', blocks: [] }) }).error, 'invalid_arguments');
  });

  test('the modal rules: title ≤ 24, submit required with an input, select options checked', () => {
    const slack = new WebApiState(() => 'ws://127.0.0.1:1/');
    const open = (view: string) => slack.handle('views.open', BOT_TOKEN, { trigger_id: slack.issueTrigger('U1'), view });
    assert.equal(open(modalView('t'.repeat(MAX_MODAL_TITLE_CHARS + 1))).error, 'invalid_arguments');
    assert.equal(open(JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [input] })).error, 'invalid_arguments');
    assert.equal(open(JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'x' }, submit: { type: 'plain_text', text: 'Go' }, blocks: [input] })).ok, true);
    const emptySelect = { ...input, element: { ...input.element, options: [] } };
    assert.equal(open(JSON.stringify({ type: 'modal', title: { type: 'plain_text', text: 'x' }, submit: { type: 'plain_text', text: 'Go' }, blocks: [emptySelect] })).error, 'invalid_blocks');
  });

  test('views.update needs an open modal and its current hash when one is given; views.publish a home view and a user', () => {
    const slack = new WebApiState(() => 'ws://127.0.0.1:1/');
    const opened = slack.handle('views.open', BOT_TOKEN, { trigger_id: slack.issueTrigger('U1'), view: modalView() }).view as { id: string; hash: string };
    assert.equal(slack.handle('views.update', BOT_TOKEN, { view_id: 'V0NOPE', view: modalView() }).error, 'not_found');
    assert.equal(slack.handle('views.update', BOT_TOKEN, { view_id: opened.id, hash: 'stale', view: modalView() }).error, 'hash_conflict');
    assert.equal(slack.handle('views.update', BOT_TOKEN, { view_id: opened.id, hash: opened.hash, view: modalView('Next') }).ok, true);
    assert.equal(slack.modals.get(opened.id)?.updates, 1);
    assert.equal(slack.handle('views.publish', BOT_TOKEN, { view: JSON.stringify({ type: 'home', blocks: [] }) }).error, 'invalid_arguments');
    assert.equal(slack.handle('views.publish', BOT_TOKEN, { user_id: 'U1', view: modalView() }).error, 'invalid_arguments');
    assert.equal(slack.handle('views.publish', BOT_TOKEN, { user_id: 'U1', view: JSON.stringify({ type: 'home', blocks: [section('hi')] }) }).ok, true);
    assert.deepEqual(slack.homes.get('U1'), { type: 'home', blocks: [section('hi')] });
  });
});
