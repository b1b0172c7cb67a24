/** Redis (the queue) and Slack (the front end): needed by `ripcord start`, not by the break-glass CLI. */
import { Redis } from 'ioredis';
import { redactString } from '../domain/redact.js';
import { fail, ok, warn, type Check, type CheckResult } from './check.js';
import { withTimeout } from '../adapters/with-timeout.js';

export const checkRedis: Check = async ({ config }) => {
  const where = redactString(config.redis.url);
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 5000, retryStrategy: () => null });
  redis.on('error', () => undefined); // reported through the failed connect below
  try {
    await withTimeout(redis.connect(), 6000);
  } catch (error) {
    redis.disconnect();
    return fail('redis', `${where} is not reachable: ${(error as Error).message}`, 'start Redis (redis-server --daemonize yes --port 6379 …) or fix redis.url');
  }
  try {
    const version = /redis_version:(\d+)\.(\d+)/.exec(await redis.info('server'));
    const [major, minor] = [Number(version?.[1] ?? 0), Number(version?.[2] ?? 0)];
    // Progress streams rely on XADD NOMKSTREAM (6.2): an event must not recreate a stream a restart lost.
    if (major < 6 || (major === 6 && minor < 2)) {
      return fail('redis', `${where} runs Redis ${version ? `${major}.${minor}` : '(version unknown)'}; Ripcord needs 6.2 or later`, 'upgrade Redis to 6.2 or later (7.x recommended)');
    }
    const results: CheckResult[] = [ok('redis', `${where} answers (Redis ${major}.${minor})`)];
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    const [, aof] = (await redis.config('GET', 'appendonly')) as [string, string];
    const [, save] = (await redis.config('GET', 'save')) as [string, string];
    if (policy !== 'noeviction') {
      results.push(warn('redis eviction', `maxmemory-policy is ${policy}: Redis may evict queued jobs`, 'set maxmemory-policy noeviction (BullMQ requires it)'));
    }
    if (aof !== 'yes' && !save) {
      results.push(warn('redis persistence', 'appendonly no and no save points: queued jobs and escalation timers are lost on restart', 'set appendonly yes (or configure save) in redis.conf'));
    }
    return results;
  } finally {
    redis.disconnect();
  }
};

/** Shapes Slack documents: bot tokens xoxb-, app-level tokens xapp-, signing secrets 32 hex chars. */
export const checkSlack: Check = async ({ config }) => {
  const { botToken, appToken, signingSecret, socketMode } = config.slack;
  const results: CheckResult[] = [];
  results.push(shaped('slack bot token', botToken, /^xoxb-[0-9A-Za-z-]+$/, 'SLACK_BOT_TOKEN', 'xoxb-…, from OAuth & Permissions'));
  if (socketMode) results.push(shaped('slack app token', appToken, /^xapp-[0-9A-Za-z-]+$/, 'SLACK_APP_TOKEN', 'xapp-…, an app-level token with connections:write'));
  else results.push(shaped('slack signing secret', signingSecret, /^[0-9a-f]{32}$/, 'SLACK_SIGNING_SECRET', '32 hex characters, from Basic Information'));
  return results;
};

function shaped(name: string, value: string | undefined, pattern: RegExp, variable: string, expected: string): CheckResult {
  if (!value) return fail(name, `${variable} is not set`, `export ${variable}=… (${expected}) or set it in ripcord.yml via \${${variable}}`);
  if (!pattern.test(value)) return fail(name, `${variable} does not look right (expected ${expected})`, `copy ${variable} again from the Slack app settings`);
  return ok(name, `${variable} is set and well-formed`);
}
