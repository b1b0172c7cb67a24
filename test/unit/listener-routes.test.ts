/**
 * src/slack/listener-routes.ts on a real Bolt App (a receiver that never listens): requests reach
 * the handler registered for their command, action_id (exact or pattern) or callback_id, each
 * through one Bolt listener per kind; a request nothing handles is still acknowledged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App, type BlockAction, type ButtonAction, type Receiver } from '@slack/bolt';
import { pino } from 'pino';
import { ListenerRoutes } from '../../src/slack/listener-routes.js';

const receiver: Receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined };

function appWith(routes: ListenerRoutes): App {
  const app = new App({ token: 'xoxb-test', receiver, tokenVerificationEnabled: false, botId: 'B1', botUserId: 'U1', convoStore: false });
  routes.mountOn(app, pino({ level: 'silent' }));
  return app;
}

const click = (actionId: string) => ({ type: 'block_actions', team: { id: 'T1' }, user: { id: 'U2' }, channel: { id: 'C1' }, api_app_id: 'A1', trigger_id: 't', response_url: 'http://127.0.0.1:9/r', actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }] });
const slash = (command: string) => ({ command, text: 'v1.0.0', team_id: 'T1', user_id: 'U2', channel_id: 'C1', response_url: 'http://127.0.0.1:9/r', trigger_id: 't', api_app_id: 'A1' });

async function deliver(app: App, body: Record<string, unknown>): Promise<boolean> {
  let acked = false;
  await app.processEvent({ body, ack: async () => { acked = true; } });
  return acked;
}

test('commands and actions reach their handler by name, exact id or pattern, with Bolt’s arguments', async () => {
  const routes = new ListenerRoutes();
  const seen: string[] = [];
  routes.listeners.command('/deploy', async ({ ack, command }) => { await ack(); seen.push(`command ${command.command} ${command.text}`); });
  routes.listeners.action<BlockAction<ButtonAction>>('deploy_confirm', async ({ ack, action }) => { await ack(); seen.push(`exact ${action.action_id}`); });
  routes.listeners.action<BlockAction<ButtonAction>>(/^home_deploy:/, async ({ ack, action }) => { await ack(); seen.push(`pattern ${action.action_id}`); });
  const app = appWith(routes);
  assert.equal(await deliver(app, slash('/deploy')), true);
  assert.equal(await deliver(app, click('deploy_confirm')), true);
  assert.equal(await deliver(app, click('home_deploy:production')), true);
  assert.deepEqual(seen, ['command /deploy v1.0.0', 'exact deploy_confirm', 'pattern home_deploy:production']);
});

test('a request nothing handles is acknowledged and runs nothing', async () => {
  const routes = new ListenerRoutes();
  let ran = false;
  routes.listeners.action('deploy_confirm', async ({ ack }) => { ran = true; await ack(); });
  const app = appWith(routes);
  assert.equal(await deliver(app, click('something_else')), true);
  assert.equal(await deliver(app, slash('/unknown')), true);
  assert.equal(ran, false);
});

test('two listeners for one name are a programming error, found at registration', () => {
  const routes = new ListenerRoutes();
  routes.listeners.action('deploy_confirm', async ({ ack }) => { await ack(); });
  assert.throws(() => routes.listeners.action('deploy_confirm', async ({ ack }) => { await ack(); }), /two action listeners for deploy_confirm/);
  assert.throws(() => routes.listeners.event('app_home_opened', async () => undefined, async () => undefined), /one listener per event type/);
});
