/**
 * bench/ack's baseline: a bare Bolt app in Socket Mode whose listeners only `ack()`, in its own
 * process as Ripcord is — `/deploy` and the Deploy button. Argument: the Slack API URL.
 */
import { App, LogLevel } from '@slack/bolt';
import { APP_TOKEN, BOT_TOKEN } from '../../test/support/slack-emulator/slack-emulator.js';

const app = new App({ token: BOT_TOKEN, appToken: APP_TOKEN, socketMode: true, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: process.argv[2] } });
app.command('/deploy', async ({ ack }) => { await ack(); });
app.action('deploy_confirm', async ({ ack }) => { await ack(); });
await app.start();
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
