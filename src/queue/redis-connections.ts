/**
 * Redis connections as BullMQ's production guidance says: workers (and anything that must ride
 * out a Redis restart) retry forever (`maxRetriesPerRequest: null`); producers — the bot, `submit`,
 * `watch` opening a stream — fail fast when Redis is down, so a person hears it at once.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { RipcordError } from '../domain/errors.js';

const retryEverySecond = (times: number) => Math.min(times * 200, 1000);

/** For workers, event publishers and followers: waits out an outage, never drops a command. */
export function durableConnection(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: retryEverySecond, ...extra });
  redis.on('error', () => undefined); // outages are waited out; the service reports them (/healthz, its log)
  return redis;
}

/** For producers: a command while Redis is down fails at once instead of queueing. */
export function failFastConnection(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: retryEverySecond, lazyConnect: true });
  redis.on('error', () => undefined); // reported by the command that fails (connectOrExplain, submit)
  return redis;
}

/** Connects a fail-fast connection, or says Redis is down and what to do. */
export async function connectOrExplain(redis: Redis, url: string): Promise<Redis> {
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw redisDown(url, error);
  }
}

export function redisDown(url: string, error: unknown): RipcordError {
  const why = error instanceof Error ? error.message : String(error);
  return new RipcordError('unavailable', `Redis at ${safeUrl(url)} is not answering (${why})`,
    'start Redis (or fix redis.url in ripcord.yml); meanwhile the CLI works without it: `ripcord deploy`, `ripcord rollback`');
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'redis (unparsable URL)';
  }
}
